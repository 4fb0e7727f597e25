/**
 * The API's calls to Temporal carry a deadline (CORDON_TEMPORAL_CALL_DEADLINE_SECONDS): when
 * Temporal's store is down the frontend keeps the call open while it retries, and the client
 * retries on top, so without one a request waits ~25 s before it fails. Past the deadline the
 * call fails with DEADLINE_EXCEEDED and the API answers 503 (retry), which a sender retries.
 * A 202 still means what it meant: signal-with-start returned, so the alert is in history.
 * A call that ran out of time may still have been recorded; the sender's retry then joins the
 * same dedup key and is tallied, never lost.
 */
import { isGrpcDeadlineError, isGrpcServiceError, type Client } from '@temporalio/client';

/** gRPC status codes (grpc.io/docs/guides/status-codes): the server did not answer in time, or could not serve. */
const DEADLINE_EXCEEDED = 4;
const UNAVAILABLE = 14;

/** Runs `fn` (Temporal client calls) with a deadline `ms` from now; no deadline when `ms` is undefined. */
export function withCallDeadline<T>(client: Client, ms: number | undefined, fn: () => Promise<T>): Promise<T> {
  return ms === undefined ? fn() : client.withDeadline(Date.now() + ms, fn);
}

/** True when `err` (or a cause of it) says Temporal could not be reached or did not answer in time. */
export function isTemporalUnreachable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (isGrpcDeadlineError(e)) return true;
    if (isGrpcServiceError(e) && (e.code === UNAVAILABLE || e.code === DEADLINE_EXCEEDED)) return true;
  }
  return false;
}
