/**
 * Decisions reach workflows as Temporal updates; this is the one place their refusals become
 * HTTP: an update validator's ApplicationFailure by its type (`fromFailureType`), and — where
 * the caller names it — a workflow that does not exist as 404. Anything else is Cordon's
 * failure and stays a 500.
 */
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { fromFailureType, notFound } from './errors';

export async function viaUpdate<T>(update: () => Promise<T>, opts: { notFound?: string } = {}): Promise<T> {
  try {
    return await update();
  } catch (err) {
    if (opts.notFound !== undefined && err instanceof WorkflowNotFoundError) throw notFound(opts.notFound);
    const cause = err instanceof WorkflowUpdateFailedError ? err.cause : undefined;
    if (cause instanceof ApplicationFailure) throw fromFailureType(cause.type, cause.message) ?? err;
    throw err;
  }
}
