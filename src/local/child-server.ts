/**
 * A server binary run as a child process: started on loopback, waited for, stopped with its
 * process group so nothing is left behind. Output goes to a log file, never the console.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { waitForPort } from './free-port';

export interface ChildServer {
  readonly name: string;
  readonly port: number;
  readonly pid: number;
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Kills without grace (crash tests). */
  kill(): Promise<void>;
}

export interface ChildServerOptions {
  name: string;
  command: string;
  args: string[];
  port: number;
  logFile?: string;
  startTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** The server process ended before it listened (its log says why). */
export class EarlyExitError extends Error {
  constructor(name: string, logFile: string | undefined) {
    super(`${name} exited during start (see ${logFile ?? 'its output'})`);
    this.name = 'EarlyExitError';
  }
}

export async function startChildServer(opts: ChildServerOptions): Promise<ChildServer> {
  const out = opts.logFile ? fs.openSync(opts.logFile, 'a') : 'ignore';
  const child: ChildProcess = spawn(opts.command, opts.args, {
    stdio: ['ignore', out, out],
    detached: true,
    env: opts.env ?? process.env,
  });
  if (typeof out === 'number') fs.closeSync(out);
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => { exited = true; resolve(); }));
  const spawnError = new Promise<never>((_, reject) => child.once('error', (e) => reject(new Error(`${opts.name}: cannot start ${opts.command}: ${e.message}`))));
  const earlyExit = exit.then(() => { throw new EarlyExitError(opts.name, opts.logFile); });
  await Promise.race([waitForPort(opts.port, opts.startTimeoutMs ?? 60000), spawnError, earlyExit]);
  const signalGroup = (signal: NodeJS.Signals): void => {
    try { process.kill(-(child.pid as number), signal); } catch { /* already gone */ }
  };
  return {
    name: opts.name,
    port: opts.port,
    pid: child.pid as number,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
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
export async function startAllOrNone<T extends readonly Promise<ChildServer>[]>(starts: T): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const results = await Promise.allSettled(starts);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.all(results.map(async (r) => { if (r.status === 'fulfilled') await r.value.stop().catch(() => undefined); }));
    throw failed.reason;
  }
  return results.map((r) => (r as PromiseFulfilledResult<ChildServer>).value) as { -readonly [K in keyof T]: Awaited<T[K]> };
}
