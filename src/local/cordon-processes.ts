/**
 * Cordon's container commands as real child processes (`node --import tsx src/bootstrap/…`), for
 * tests and benchmarks that run them as compose does: spawn, wait for the "running"/"listening" log line, SIGTERM,
 * kill -9. One pre-built workflow bundle per suite, as production images ship one, so a worker
 * starts in seconds. Output goes to a log file the failure message points at. Each process gets
 * SIGTERM (a drain) when the Node process that spawned it dies (process-guard.ts's reaper).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { writeWorkflowBundle } from '../bootstrap/bundle-workflows';
import { workerNodeFlags } from '../bootstrap/memory-budget';
import { reapWithParent } from './process-guard';
import { processAllocator } from './worker-allocator';
import { projectRoot } from './toolchain-paths';

export interface CordonProcess {
  pid: number;
  logFile: string;
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The first JSON log line whose `msg` matches. */
  waitForLog(msg: string | RegExp, timeoutMs?: number): Promise<Record<string, unknown>>;
  logLines(): Record<string, unknown>[];
  term(): void;
  kill9(): Promise<void>;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

export async function bundleOnce(dir: string): Promise<string> {
  const file = path.join(dir, 'workflow-bundle.js');
  if (!fs.existsSync(file)) await writeWorkflowBundle(file);
  return file;
}

/** The env both commands need to run against a local Temporal and an AWS endpoint (moto), writing to `dataDir`. */
export function localProcessEnv(o: {
  temporalAddress: string;
  taskQueue: string;
  awsEndpoint: string;
  region: string;
  bundle: string;
  dataDir: string;
  evidenceDir: string;
}): Record<string, string> {
  return {
    TEMPORAL_ADDRESS: o.temporalAddress,
    TEMPORAL_NAMESPACE: 'default',
    CORDON_TASK_QUEUE: o.taskQueue,
    AWS_ENDPOINT_URL: o.awsEndpoint,
    AWS_REGION: o.region,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    CORDON_WORKFLOW_BUNDLE: o.bundle,
    CORDON_LOG_LEVEL: 'info',
    CORDON_SHUTDOWN_GRACE_SECONDS: '10',
    CORDON_DATA_DIR: o.dataDir,
    CORDON_EVIDENCE_DIR: o.evidenceDir,
  };
}

/** `nodeArgs` go to Node itself (e.g. `--cpu-prof`), before the entry. */
export function spawnCordon(
  command: 'worker' | 'api',
  env: Record<string, string>,
  logFile: string,
  args: string[] = [],
  nodeArgs: string[] = [],
): CordonProcess {
  const entry = path.join(projectRoot, 'src', 'bootstrap', `${command}-main.ts`);
  const out = fs.openSync(logFile, 'a');
  // Only PATH and HOME from the test process: the child's config comes from `env` alone. The allocator
  // as the image sets it (worker-allocator.ts): a worker's native memory stays near what it uses.
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', entry, ...args], {
    cwd: projectRoot,
    stdio: ['ignore', out, out],
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...processAllocator().env, ...env },
  });
  fs.closeSync(out);
  const forget = child.pid ? reapWithParent(child.pid) : () => undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      forget();
      resolve({ code, signal });
    }),
  );
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const logLines = () =>
    fs
      .readFileSync(logFile, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => {
        try {
          return JSON.parse(l) as Record<string, unknown>;
        } catch {
          return {};
        }
      });
  return {
    pid: child.pid!,
    logFile,
    exited,
    logLines,
    async waitForLog(msg, timeoutMs = 60000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = logLines().find((l) => (typeof msg === 'string' ? l.msg === msg : msg.test(String(l.msg))));
        if (hit) return hit;
        if (gone)
          throw new Error(
            `cordon ${command} exited before logging "${String(msg)}"; see ${logFile}:\n${fs.readFileSync(logFile, 'utf8').slice(-2000)}`,
          );
        if (Date.now() > deadline) throw new Error(`cordon ${command} did not log "${String(msg)}" within ${timeoutMs} ms; see ${logFile}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    term() {
      if (!gone) child.kill('SIGTERM');
    },
    async kill9() {
      if (!gone) child.kill('SIGKILL');
      await exited;
    },
    async stop(graceMs = 20000) {
      if (gone) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => {
        if (!gone) child.kill('SIGKILL');
      }, graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Starts a worker process (with the image's Node flags for a worker) and waits until it polls; returns it with its metrics URL. */
export async function startWorkerProcess(
  env: Record<string, string>,
  logFile: string,
  nodeArgs: string[] = [],
): Promise<CordonProcess & { metricsUrl: string }> {
  const proc = spawnCordon('worker', env, logFile, ['--metrics-port', '0'], [...workerNodeFlags, ...nodeArgs]);
  const line = await proc.waitForLog('worker running');
  return Object.assign(proc, { metricsUrl: String(line.metricsUrl) });
}

/** Starts the API process on a free port and waits until it listens. */
export async function startApiProcess(
  env: Record<string, string>,
  logFile: string,
  port: number,
): Promise<CordonProcess & { url: string }> {
  const proc = spawnCordon('api', { CORDON_API_HOST: '127.0.0.1', CORDON_API_PORT: String(port), ...env }, logFile);
  await proc.waitForLog('api listening');
  return Object.assign(proc, { url: `http://127.0.0.1:${port}` });
}
