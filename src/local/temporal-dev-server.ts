/**
 * The Temporal CLI dev server (`temporal server start-dev`) with a SQLite file, so incidents
 * survive a restart. Started means serving: the frontend accepts TCP before its health check
 * passes (it answers "Frontend is not healthy yet" meanwhile), so the start waits until the
 * `default` namespace is served, within a deadline, and a start that fails is stopped and tried again.
 */
import fs from 'node:fs';
import path from 'node:path';
import { EarlyExitError, startChildServer, type ChildServer } from './child-server';
import { freePort } from './free-port';
import { waitForTemporal } from './temporal-health';

export interface TemporalDevServer extends ChildServer {
  readonly address: string;
  readonly uiUrl?: string;
}

/**
 * Write-ahead log, synced at checkpoints rather than at every commit. Measured with
 * `npm run bench:ingest` on 2 cores: the SQLite defaults (rollback journal, a sync per commit)
 * hold one signal-with-start at ~50–80 ms p50 under 100 alerts/s; these pragmas bring it to ~4 ms.
 * What it costs (sqlite.org/pragma.html#pragma_synchronous): a commit survives the server
 * process crashing or being killed (test/resilience/server-restart kills it with -9), but the
 * last commits before an OS crash or power loss may roll back — the database stays consistent.
 * That suits one machine's dev server; production uses PostgreSQL (docker-compose.yml).
 */
export const DEV_SQLITE_PRAGMAS: readonly string[] = ['journal_mode=wal', 'synchronous=normal'];

export interface DevServerOptions {
  binary: string;
  dbFile: string;
  port?: number;
  uiPort?: number;
  headless?: boolean;
  logFile?: string;
  /** SQLite pragmas, `name=value` (the CLI accepts journal_mode and synchronous); default DEV_SQLITE_PRAGMAS. */
  sqlitePragmas?: readonly string[];
}

/** Tries of one start: another process can take a free port between our check and the bind; a frontend can stall. */
const START_ATTEMPTS = 3;

/** The dev server listened but did not serve the namespace within the deadline (it has been stopped). */
export class NotServingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotServingError';
  }
}

export async function startTemporalDevServer(opts: DevServerOptions & { healthTimeoutMs?: number }): Promise<TemporalDevServer> {
  fs.mkdirSync(path.dirname(opts.dbFile), { recursive: true });
  const ownPorts = opts.port === undefined && (opts.headless || opts.uiPort === undefined);
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startServing(opts);
    } catch (err) {
      // Safe to retry: an early exit on ports we chose (a lost port race), or a server that never served (stopped by now).
      // Not retried: a missing binary, an early exit on ports the user chose (it will exit again), a timeout to listen.
      const retry = (err instanceof EarlyExitError && ownPorts) || err instanceof NotServingError;
      if (!retry || attempt >= START_ATTEMPTS) throw err;
    }
  }
}

async function startServing(opts: DevServerOptions & { healthTimeoutMs?: number }): Promise<TemporalDevServer> {
  const server = await startOnce(opts);
  try {
    await Promise.race([
      waitForTemporal({ address: server.address, namespace: 'default', timeoutMs: opts.healthTimeoutMs ?? 60000 }),
      server.exited!.then(() => {
        throw new EarlyExitError(server.name, opts.logFile);
      }),
    ]);
    return server;
  } catch (err) {
    await server.stop();
    throw err instanceof EarlyExitError
      ? err
      : new NotServingError(`the Temporal dev server listened but did not serve: ${(err as Error).message}`);
  }
}

async function startOnce(opts: DevServerOptions): Promise<TemporalDevServer> {
  const port = opts.port ?? (await freePort());
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--db-filename',
    opts.dbFile,
    '--log-level',
    'warn',
    '--namespace',
    'default',
    ...(opts.sqlitePragmas ?? DEV_SQLITE_PRAGMAS).flatMap((p) => ['--sqlite-pragma', p]),
  ];
  let uiUrl: string | undefined;
  if (opts.headless) {
    args.push('--headless');
  } else {
    const uiPort = opts.uiPort ?? (await freePort());
    args.push('--ui-ip', '127.0.0.1', '--ui-port', String(uiPort));
    uiUrl = `http://127.0.0.1:${uiPort}`;
  }
  const server = await startChildServer({
    name: 'temporal',
    command: opts.binary,
    args,
    port,
    logFile: opts.logFile,
    startTimeoutMs: 60000,
  });
  return Object.assign(server, { address: `127.0.0.1:${port}`, uiUrl });
}
