/**
 * Start-up that never flakes, and never leaves anything behind:
 *  - the dev server start path (what `npm start`, the test stack and the benchmarks share), many
 *    times in a row, alternately with the UI (as `npm start` runs it) and headless (as tests do):
 *    each start is followed at once by what `npm start` does first — a worker (NativeConnection,
 *    namespace check, a poll round) and a client call. Without the health wait in the start path
 *    this failed with "Frontend is not healthy yet" within 21 starts; every start must succeed,
 *    and the count is printed.
 *  - `npm start` itself as a process: the banner, then Ctrl-C (SIGINT) exits 0 with every port
 *    free; kill -9 of its Node process still frees every port (the reaper); kill -9 of the
 *    launcher above it (npm's `sh -c`) stops it too.
 */
import { Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleOnce } from '../../src/local/cordon-processes';
import { freePort, portIsFree } from '../../src/local/free-port';
import { startTemporalDevServer } from '../../src/local/temporal-dev-server';
import { projectRoot, toolchainPaths } from '../../src/local/toolchain-paths';
import { eventually } from '../helpers/stack';

/** Runs of the dev server start path: at most this many, and no more than BUDGET_MS of them. */
const MAX_RUNS = 50;
const BUDGET_MS = Number(process.env.CORDON_STARTUP_BUDGET_MS ?? 100000);

let dir: string;
let bundle: string;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-startup-'));
  bundle = await bundleOnce(dir);
}, 120000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test(
  `the dev server start path serves at once, up to ${MAX_RUNS} starts in a row`,
  async () => {
    const binary = toolchainPaths().temporalCli;
    const started = Date.now();
    const times: number[] = [];
    for (let run = 1; run <= MAX_RUNS && Date.now() - started < BUDGET_MS; run++) {
      const t0 = Date.now();
      const server = await startTemporalDevServer({
        binary,
        dbFile: path.join(dir, `dev-${run}.sqlite`),
        headless: run % 2 === 0,
        logFile: path.join(dir, `dev-${run}.log`),
      });
      try {
        // What `npm start` does first, with no wait of the test's own in between: a worker (its connection, its
        // namespace check, one poll round) and a client call on the namespace.
        const native = await NativeConnection.connect({ address: server.address });
        const worker = await Worker.create({
          connection: native,
          namespace: 'default',
          taskQueue: `start-up-${run}`,
          workflowBundle: { codePath: bundle },
          activities: {},
        });
        await worker.runUntil(new Promise((r) => setTimeout(r, 200)));
        await native.close();
        const connection = await Connection.connect({ address: server.address });
        await connection.workflowService.describeNamespace({ namespace: 'default' });
        await connection.close();
      } catch (err) {
        throw new Error(
          `start ${run} was not serving when start returned: ${(err as Error).message} (log: ${path.join(dir, `dev-${run}.log`)})`,
        );
      } finally {
        await server.stop();
      }
      times.push(Date.now() - t0);
    }
    const sorted = [...times].sort((a, b) => a - b);
    process.stdout.write(
      `start-up: ${times.length} dev server starts in a row, all serving; per start p50 ${sorted[Math.floor(sorted.length / 2)]} ms, max ${sorted.at(-1)} ms\n`,
    );
    expect(times.length).toBeGreaterThanOrEqual(10);
  },
  BUDGET_MS + 60000,
);

describe('npm start as a process', () => {
  /** `sh -c 'tsx src/bootstrap/start.ts'` as npm runs it, on free ports and a data folder of its own. */
  async function npmStart(name: string) {
    const ports = {
      TEMPORAL_DEV_PORT: await freePort(),
      TEMPORAL_UI_PORT: await freePort(),
      MOTO_PORT: await freePort(),
      CORDON_API_PORT: await freePort(),
    };
    const out = path.join(dir, `${name}.out`);
    const fd = fs.openSync(out, 'w');
    const launcher: ChildProcess = spawn(
      '/bin/sh',
      ['-c', `${path.join(projectRoot, 'node_modules', '.bin', 'tsx')} src/bootstrap/start.ts`],
      {
        cwd: projectRoot,
        stdio: ['ignore', fd, fd],
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '/tmp',
          CORDON_DATA_DIR: path.join(dir, name),
          CORDON_WORKFLOW_BUNDLE: bundle,
          ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
        },
      },
    );
    fs.closeSync(fd);
    const exited = new Promise<number | null>((resolve) => launcher.once('exit', (code) => resolve(code)));
    await eventually(
      async () => fs.readFileSync(out, 'utf8').includes('Cordon is running'),
      120000,
      `${name}: the banner (output: ${out})`,
    );
    const runFile = JSON.parse(fs.readFileSync(path.join(dir, name, 'run.json'), 'utf8')) as {
      owner: { pid: number };
      children: { name: string; pid: number }[];
    };
    return { launcher, exited, ports: Object.values(ports), out, owner: runFile.owner.pid, children: runFile.children };
  }

  const allFree = async (ports: number[]) => (await Promise.all(ports.map((p) => portIsFree(p)))).every(Boolean);

  test('Ctrl-C: exits 0 and frees every port', async () => {
    const run = await npmStart('sigint');
    expect(run.children.map((c) => c.name).sort()).toEqual(['moto', 'temporal']);
    expect(await allFree(run.ports)).toBe(false);
    process.kill(run.owner, 'SIGINT');
    // The shell waits for tsx, which waits for the Node process: the launcher's exit code is the start's.
    expect(await run.exited).toBe(0);
    await eventually(async () => allFree(run.ports), 20000, 'every port free after Ctrl-C');
  }, 180000);

  test('kill -9 of its Node process: the servers it started stop too', async () => {
    const run = await npmStart('kill-main');
    process.kill(run.owner, 'SIGKILL');
    await eventually(async () => allFree(run.ports), 30000, 'every port free after kill -9 of the start process');
    for (const child of run.children) await eventually(async () => !running(child.pid), 20000, `${child.name} (pid ${child.pid}) to exit`);
    launcherGone(run.launcher);
  }, 180000);

  test('kill -9 of the launcher above it: it notices and stops everything', async () => {
    const run = await npmStart('kill-launcher');
    run.launcher.kill('SIGKILL');
    await eventually(async () => !fs.existsSync(`/proc/${run.owner}`), 30000, 'the start process to stop after its launcher died');
    await eventually(async () => allFree(run.ports), 30000, 'every port free after the launcher died');
    expect(fs.readFileSync(run.out, 'utf8')).toMatch(/the process that started this one \(pid \d+\) is gone: stopping Cordon/);
  }, 180000);
});

/** Alive and not a zombie waiting to be reaped by init. */
function running(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function launcherGone(launcher: ChildProcess): void {
  if (launcher.exitCode === null) launcher.kill('SIGKILL');
}
