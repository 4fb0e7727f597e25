/**
 * Local runs leave nothing behind: a child dies with the Node process that started it (the kernel's
 * parent-death signal, even on kill -9), and a start that finds an orphan of an earlier start of
 * the same folder recognises it by pid and start time, says so, and stops it — while a live owner
 * makes the second start refuse.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AlreadyRunningError, claimRun, isAlive, refOf } from '../../../src/local/process-guard';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-guard-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

async function until(what: string, fn: () => boolean, timeoutMs = 10000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('a child listed with the reaper dies when its parent is killed with -9; one forgotten is left alone', async () => {
  // A parent (node) that starts two `sleep 300` in their own process groups, lists both with the reaper,
  // forgets the second (as a child that exited is forgotten), prints their pids, then waits.
  const script = `
    const { reapWithParent } = require(${JSON.stringify(path.resolve(__dirname, '../../../src/local/process-guard.ts'))});
    const { spawn } = require('node:child_process');
    const [a, b] = [0, 1].map(() => spawn('sleep', ['300'], { stdio: 'ignore', detached: true }));
    reapWithParent(a.pid, { group: true });
    reapWithParent(b.pid, { group: true })();
    process.stdout.write(a.pid + ' ' + b.pid + '\\n');
    setInterval(() => {}, 1000);`;
  const parent = spawn(process.execPath, ['--import', 'tsx', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [childPid, forgottenPid] = await new Promise<number[]>((resolve) =>
    parent.stdout.once('data', (d: Buffer) => resolve(d.toString().trim().split(' ').map(Number))),
  );
  const child = refOf(childPid!)!;
  const forgotten = refOf(forgottenPid!)!;
  try {
    expect(isAlive(child)).toBe(true);
    parent.kill('SIGKILL');
    await until(`child ${childPid} to die with its parent`, () => !isAlive(child));
    expect(isAlive(forgotten)).toBe(true);
  } finally {
    for (const pid of [childPid!, forgottenPid!]) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  }
});

test('an orphan of an earlier start is named with its port and stopped; the run file then names this owner', async () => {
  // The earlier owner: a process that has exited. Its orphan: a live `sleep` in its own process group.
  const dead = spawnSync('true');
  expect(dead.status).toBe(0);
  const orphan = spawn('sleep', ['300'], { stdio: 'ignore', detached: true });
  orphan.unref();
  const orphanRef = refOf(orphan.pid!)!;
  fs.writeFileSync(
    path.join(dir, 'run.json'),
    JSON.stringify({
      owner: { pid: dead.pid, startTime: '1' },
      command: 'npm start',
      children: [{ name: 'temporal', ...orphanRef, port: 7233 }],
    }),
  );
  const said: string[] = [];
  const lock = await claimRun(dir, 'npm start', (line) => said.push(line));
  expect(said).toEqual([
    `port 7233 is held by temporal (pid ${orphan.pid}), left running by an earlier npm start (pid ${dead.pid}) that did not stop: stopping it`,
  ]);
  expect(isAlive(orphanRef)).toBe(false);
  const file = JSON.parse(fs.readFileSync(lock.file, 'utf8')) as { owner: { pid: number }; children: unknown[] };
  expect(file.owner.pid).toBe(process.pid);
  expect(file.children).toEqual([]);
  lock.release();
  expect(fs.existsSync(lock.file)).toBe(false);
});

test('a live owner makes a second start refuse, and a reused pid is not taken for a live owner', async () => {
  const owner = spawn('sleep', ['300'], { stdio: 'ignore' });
  try {
    const ref = refOf(owner.pid!)!;
    fs.writeFileSync(path.join(dir, 'run.json'), JSON.stringify({ owner: ref, command: 'npm start', children: [] }));
    await expect(claimRun(dir, 'npm start', () => undefined)).rejects.toBeInstanceOf(AlreadyRunningError);
    // Same pid, another start time: a different process, so the folder is free.
    fs.writeFileSync(path.join(dir, 'run.json'), JSON.stringify({ owner: { ...ref, startTime: '1' }, command: 'npm start', children: [] }));
    const lock = await claimRun(dir, 'npm start', () => undefined);
    lock.release();
  } finally {
    owner.kill('SIGKILL');
  }
});
