/**
 * A server binary run as a child process: started on loopback, waited for, stopped with its
 * process group so nothing is left behind. Output goes to a log file, never the console.
 * It is stopped when the Node process that started it dies (process-guard.ts's reaper), so not
 * even a kill -9 of the parent leaves it holding its port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { waitForPort } from './free-port';
import { groupListensOn } from './port-owner';
import { reapWithParent } from './process-guard';

export interface ChildServer {
  readonly name: string;
  readonly port: number;
  readonly pid: number;
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Kills without grace (crash tests). */
  kill(): Promise<void>;
  /** Resolves when the process has exited (for whatever reason). */
  readonly exited?: Promise<void>;
}

export interface ChildServerOptions {
  name: string;
  command: string;
  args: string[];
  port: number;
  logFile?: string;
  startTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  /** The signal `stop()` sends by default (PostgreSQL's fast shutdown is SIGINT); SIGTERM otherwise. */
  stopSignal?: NodeJS.Signals;
  /** Run as this user and group (PostgreSQL refuses to run as root). */
  uid?: number;
  gid?: number;
  cwd?: string;
}

/** The server process ended before it listened (its log says why; the message quotes the log's last lines). */
export class EarlyExitError extends Error {
  constructor(name: string, logFile: string | undefined) {
    let tail = '';
    try {
      tail = logFile ? fs.readFileSync(logFile, 'utf8').trim().split('\n').slice(-3).join('\n').slice(-1500) : '';
    } catch {
      /* no log */
    }
    super(`${name} exited during start (see ${logFile ?? 'its output'})${tail ? `:\n${tail}` : ''}`);
    this.name = 'EarlyExitError';
  }
}

/**
 * Resolves once the port accepts connections and (where /proc can tell) the child's process group
 * is what listens on it: a port taken by another process meanwhile keeps this waiting until the
 * child exits with "address in use" (EarlyExitError, which callers that chose the port retry).
 */
async function waitForOwnPort(pid: number, port: number, timeoutMs: number, running: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  await waitForPort(port, timeoutMs);
  while (running() && groupListensOn(pid, port) === false) {
    if (Date.now() > deadline) throw new Error(`port ${port} is served by another process, not by the one started (pid ${pid})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startChildServer(opts: ChildServerOptions): Promise<ChildServer> {
  const out = opts.logFile ? fs.openSync(opts.logFile, 'a') : 'ignore';
  const stopSignal = opts.stopSignal ?? 'SIGTERM';
  const child: ChildProcess = spawn(opts.command, opts.args, {
    stdio: ['ignore', out, out],
    detached: true,
    env: opts.env ?? process.env,
    uid: opts.uid,
    gid: opts.gid,
    cwd: opts.cwd,
  });
  if (typeof out === 'number') fs.closeSync(out);
  let exited = false;
  const forget = child.pid ? reapWithParent(child.pid, { signal: stopSignal, group: true }) : () => undefined;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      forget();
      resolve();
    }),
  );
  const spawnError = new Promise<never>((_, reject) =>
    child.once('error', (e) => reject(new Error(`${opts.name}: cannot start ${opts.command}: ${e.message}`))),
  );
  const earlyExit = exit.then(() => {
    throw new EarlyExitError(opts.name, opts.logFile);
  });
  const signalGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-(child.pid as number), signal);
    } catch {
      /* already gone */
    }
  };
  try {
    await Promise.race([
      waitForOwnPort(child.pid as number, opts.port, opts.startTimeoutMs ?? 60000, () => !exited),
      spawnError,
      earlyExit,
    ]);
  } catch (err) {
    // A server that did not listen in time is not left running.
    if (!exited && child.pid) {
      signalGroup('SIGKILL');
      await exit;
    }
    throw err;
  }
  return {
    name: opts.name,
    port: opts.port,
    pid: child.pid as number,
    exited: exit,
    async stop(signal: NodeJS.Signals = stopSignal) {
      if (exited) return;
      signalGroup(signal);
      const timer = setTimeout(() => signalGroup('SIGKILL'), 10000);
      await exit;
      clearTimeout(timer);
    },
    async kill() {
      if (exited) return;
      signalGroup('SIGKILL');
      await exit;
    },
  };
}

/**
 * Starts servers side by side; if any fails, stops the ones that started before rethrowing, so
 * a failed start (e.g. a lost port race) leaves no orphan process behind.
 */
export async function startAllOrNone<T extends readonly Promise<ChildServer>[]>(
  starts: T,
): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const results = await Promise.allSettled(starts);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.all(
      results.map(async (r) => {
        if (r.status === 'fulfilled') await r.value.stop().catch(() => undefined);
      }),
    );
    throw failed.reason;
  }
  return results.map((r) => (r as PromiseFulfilledResult<ChildServer>).value) as { -readonly [K in keyof T]: Awaited<T[K]> };
}
