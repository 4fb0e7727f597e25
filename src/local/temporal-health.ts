/**
 * Waits until a Temporal frontend serves requests, not only TCP. A frontend accepts connections
 * before it is healthy and answers UNAVAILABLE "Frontend is not healthy yet" meanwhile (its health
 * interceptor), and a namespace that was just registered is unknown to it until its namespace cache
 * refreshes. Both are transient, so this retries them — and only them — until a deadline; any other
 * error is thrown at once.
 */
import { Connection } from '@temporalio/client';

/** gRPC codes worth another try while a server starts: NOT_FOUND (namespace not cached yet), UNAVAILABLE, DEADLINE_EXCEEDED. */
const TRANSIENT = new Set([5, 14, 4]);

function transient(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'number') return TRANSIENT.has(code);
  // Connection.connect's own failures (refused, reset, timed out) carry no gRPC code.
  return err instanceof Error;
}

export interface TemporalReadyOptions {
  address: string;
  /** Also wait until this namespace is described (default: `default`); `null` skips the check. */
  namespace?: string | null;
  timeoutMs?: number;
  /** Called with each transient failure (for a progress line); default silent. */
  onRetry?: (message: string) => void;
}

export async function waitForTemporal(opts: TemporalReadyOptions): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? 90000;
  const deadline = Date.now() + timeoutMs;
  const namespace = opts.namespace === undefined ? 'default' : opts.namespace;
  let last = 'no answer yet';
  for (;;) {
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ address: opts.address, connectTimeout: '5s' });
      await connection.workflowService.getSystemInfo({});
      if (namespace) await connection.workflowService.describeNamespace({ namespace });
      return;
    } catch (err) {
      if (!transient(err)) throw err;
      last = (err as Error).message;
      opts.onRetry?.(last);
    } finally {
      await connection?.close().catch(() => undefined);
    }
    if (Date.now() > deadline)
      throw new Error(
        `Temporal at ${opts.address} is not serving${namespace ? ` namespace "${namespace}"` : ''} after ${timeoutMs} ms (last: ${last})`,
      );
    await new Promise((r) => setTimeout(r, 250));
  }
}
