/**
 * PostgreSQL for the local cluster: one data folder (initdb'd on first use), the `postgres`
 * server as a child process on a loopback port, and a `temporal` login role that may create
 * databases. initdb and postgres refuse to run as root, so as root they run as the `postgres`
 * user (Debian's package creates it), which must own the data folder.
 * Local runs only: loopback, no unix socket, `trust` authentication (any local user may connect),
 * which is why nothing here listens beyond 127.0.0.1. Stopped with SIGINT (PostgreSQL's fast
 * shutdown: open sessions are ended, which Temporal's pooled connections would otherwise hold open).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startChildServer, type ChildServer } from './child-server';

export interface PostgresOptions {
  /** The folder holding initdb, postgres, pg_isready and psql. */
  binDir: string;
  dataDir: string;
  port: number;
  logFile: string;
  /** Extra server settings (`name=value`, each passed as `-c`), e.g. shared_preload_libraries=pg_stat_statements. */
  settings?: string[];
}

export interface PostgresServer extends ChildServer {
  readonly dataDir: string;
}

export const TEMPORAL_ROLE = { user: 'temporal', password: 'temporal' } as const;

/** Who runs initdb and postgres: ourselves, or the `postgres` user when we are root. */
export function postgresAccount(): { uid?: number; gid?: number; name: string } {
  if (process.getuid?.() !== 0) return { name: 'current user' };
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  const uid = id('-u');
  const gid = id('-g');
  if (uid.status !== 0 || gid.status !== 0)
    throw new Error(
      "running as root and there is no `postgres` user to run PostgreSQL as: run `npm run toolchain` (it installs Debian's postgresql)",
    );
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()), name: 'postgres' };
}

function runAs(account: ReturnType<typeof postgresAccount>, command: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(command, args, {
    encoding: 'utf8',
    uid: account.uid,
    gid: account.gid,
    cwd: '/',
    env: { PATH: process.env.PATH ?? '', LANG: 'C.UTF-8', ...env },
  });
}

/** initdb on first use; otherwise makes sure the folder is the server user's. Idempotent. */
export function ensureDataFolder(opts: PostgresOptions): void {
  const account = postgresAccount();
  fs.mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  if (account.uid !== undefined) fs.chownSync(opts.dataDir, account.uid, account.gid!);
  const reach = runAs(account, 'test', ['-w', opts.dataDir]);
  if (reach.status !== 0) {
    throw new Error(
      `PostgreSQL runs as ${account.name}, which cannot write ${opts.dataDir} (a parent folder is not traversable for it); choose a data folder it can reach`,
    );
  }
  if (fs.existsSync(path.join(opts.dataDir, 'PG_VERSION'))) return;
  const r = runAs(account, path.join(opts.binDir, 'initdb'), [
    '-D',
    opts.dataDir,
    '-U',
    'postgres',
    '--auth=trust',
    '-E',
    'UTF8',
    '--no-instructions',
  ]);
  if (r.status !== 0)
    throw new Error(`initdb failed for ${opts.dataDir}: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ')}`);
}

/** Resolves once the server accepts sessions (not only TCP), or rejects at the deadline. */
export async function waitForPostgres(binDir: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = spawnSync(path.join(binDir, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-t', '2'], {
      encoding: 'utf8',
    });
    if (r.status === 0) return;
    if (Date.now() > deadline)
      throw new Error(`PostgreSQL on 127.0.0.1:${port} is not accepting sessions after ${timeoutMs} ms: ${r.stdout.trim()}`);
    await new Promise((res) => setTimeout(res, 200));
  }
}

export async function startPostgres(opts: PostgresOptions & { startTimeoutMs?: number }): Promise<PostgresServer> {
  ensureDataFolder(opts);
  const account = postgresAccount();
  // A data folder that was not stopped cleanly (a killed test, a power cut) recovers on start; a stale lock
  // file whose pid is no postgres any more is what PostgreSQL itself then ignores.
  const server = await startChildServer({
    name: 'postgresql',
    command: path.join(opts.binDir, 'postgres'),
    args: [
      '-D',
      opts.dataDir,
      '-p',
      String(opts.port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=200',
      ...(opts.settings ?? []).flatMap((s) => ['-c', s]),
    ],
    port: opts.port,
    logFile: opts.logFile,
    stopSignal: 'SIGINT',
    uid: account.uid,
    gid: account.gid,
    cwd: '/',
    env: { PATH: process.env.PATH ?? '', LANG: 'C.UTF-8' },
    startTimeoutMs: opts.startTimeoutMs ?? 60000,
  });
  try {
    await waitForPostgres(opts.binDir, opts.port, opts.startTimeoutMs ?? 60000);
    ensureTemporalRole(opts.binDir, opts.port);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return Object.assign(server, { dataDir: opts.dataDir });
}

/** The login role Temporal and its schema tool use; created once. */
function ensureTemporalRole(binDir: string, port: number): void {
  const sql = `DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${TEMPORAL_ROLE.user}') THEN
    CREATE ROLE ${TEMPORAL_ROLE.user} LOGIN CREATEDB PASSWORD '${TEMPORAL_ROLE.password}'; END IF; END $$;`;
  const r = spawnSync(
    path.join(binDir, 'psql'),
    ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-q', '-c', sql],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`cannot create the ${TEMPORAL_ROLE.user} role: ${(r.stderr || r.stdout).trim()}`);
}
