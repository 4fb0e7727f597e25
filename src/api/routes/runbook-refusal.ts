/**
 * A pinned runbook that cannot start for a request (RunbookCannotStart: two variants of one step
 * both hold for its facts) as the API answers it: 422 `runbook_conflict` naming the runbook and
 * both entries, and an error line in the API's log for whoever owns the runbook. Shared by every
 * door that starts a runbook (alerts, plans, manual runs).
 */
import type { FastifyRequest } from 'fastify';
import { RunbookCannotStart } from '../../domain/runbook-definition';
import { runbookConflict, type HttpError } from '../errors';

/** The 422 for a RunbookCannotStart; undefined for any other failure. */
export function refusedRunbook(request: FastifyRequest, err: unknown): HttpError | undefined {
  if (!(err instanceof RunbookCannotStart)) return undefined;
  request.log.error({ runbook: err.runbook, step: err.overlap.step, entries: err.overlap.entries }, err.message);
  return runbookConflict(
    err.message,
    err.overlap.entries.map((i) => ({
      path: `runbook(${err.runbook.name}).steps[${i}].when`,
      message: `"${err.overlap.step}" holds here too`,
    })),
  );
}
