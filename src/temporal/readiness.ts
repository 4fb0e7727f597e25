/**
 * Readiness of the API (`/readyz`): can Temporal record an alert now? The frontend's gRPC health
 * check answers SERVING while its store is down, so readiness asks for something the history
 * service must read from the store: the current run of a workflow id no incident uses. NOT_FOUND
 * (or found) is an answer from the store: ready. No answer within the deadline, or UNAVAILABLE:
 * not ready. The answer is kept for `ttlMs`, and concurrent probes share one call, so a load
 * balancer polling every replica costs Temporal one read per replica per `ttlMs`.
 */
import type { Client } from '@temporalio/client';
import { withCallDeadline } from './call-deadline';

/** A workflow id no incident, plan or clock can have (incident ids start with `inc-`, plans with `plan-`). */
export const READINESS_PROBE_ID = 'cordon-readiness-probe';
/** gRPC NOT_FOUND: the store answered that there is no such workflow. */
const NOT_FOUND = 5;

export interface ReadinessOptions {
  deadlineMs?: number;
  ttlMs?: number;
  now?: () => number;
}

export function temporalReadiness(client: Client, opts: ReadinessOptions = {}): () => Promise<boolean> {
  const deadlineMs = opts.deadlineMs ?? 2000;
  const ttlMs = opts.ttlMs ?? 2000;
  const now = opts.now ?? Date.now;
  let last: { at: number; ok: boolean } | undefined;
  let inFlight: Promise<boolean> | undefined;
  const probe = async (): Promise<boolean> => {
    try {
      await withCallDeadline(client, deadlineMs, () =>
        client.workflowService.describeWorkflowExecution({
          namespace: client.options.namespace,
          execution: { workflowId: READINESS_PROBE_ID },
        }),
      );
      return true;
    } catch (err) {
      return (err as { code?: number }).code === NOT_FOUND;
    }
  };
  return async () => {
    if (last && now() - last.at < ttlMs) return last.ok;
    inFlight ??= probe().then((ok) => {
      last = { at: now(), ok };
      inFlight = undefined;
      return ok;
    });
    return inFlight;
  };
}
