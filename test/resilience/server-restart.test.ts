/**
 * kill -9 of the Temporal dev server mid-run, restarted on the same SQLite file and port: an
 * incident waiting for an approval is still waiting (and accepts the approval afterwards), an
 * incident whose approval gate runs on a 30-second clock gets that clock's outcome after the
 * restart (durable timer) and finishes, and no runbook step failed or ran twice — with the
 * write-ahead log the dev server runs on by default.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { DemoFleet } from '../../src/local/demo-fleet';
import { startTemporalDevServer, type TemporalDevServer } from '../../src/local/temporal-dev-server';
import { toolchainPaths } from '../../src/local/toolchain-paths';
import { approverGate, autoPolicy, freshFleet, openIncident, runbookFinished, settled, stepStatus } from '../helpers/containment';
import { startStack, type Stack } from '../helpers/stack';

let stack: Stack;
let fleet: DemoFleet;
let restarted: TemporalDevServer | undefined;

beforeAll(async () => {
  stack = await startStack();
  fleet = await freshFleet(stack);
});
afterAll(async () => {
  await stack?.stopWorker();
  await restarted?.stop();
  await stack?.teardown();
});

test('incidents, a waiting approval and running clocks survive kill -9 of the dev server', async () => {
  const waiting = await openIncident(stack, fleet.instanceIds[0]!, { ...autoPolicy, contain: approverGate });
  // A gate clock: 30 s without a decision, then proceed by policy — it must fire after the outage.
  const clocked = await openIncident(stack, fleet.instanceIds[1]!, {
    ...autoPolicy,
    contain: { ...approverGate, timeoutMinutes: 0.5, onTimeout: 'proceed' },
  });
  for (const id of [waiting, clocked]) await settled(stack, id, (s) => stepStatus(s, 'contain') === 'awaiting-approval');

  // The dev server runs SQLite in WAL mode (DEV_SQLITE_PRAGMAS): what is committed sits in the -wal file until a
  // checkpoint, so this kill is the case that mode must survive.
  expect(fs.existsSync(path.join(stack.dir, 'temporal.sqlite-wal'))).toBe(true);
  await stack.temporal.kill();
  restarted = await startTemporalDevServer({
    binary: toolchainPaths().temporalCli,
    dbFile: path.join(stack.dir, 'temporal.sqlite'),
    port: stack.temporal.port,
    headless: true,
    logFile: path.join(stack.dir, 'temporal-restarted.log'),
  });

  const after = await settled(stack, waiting, (s) => stepStatus(s, 'contain') === 'awaiting-approval', 60000);
  expect(after.steps.find((s) => s.name === 'contain')!.detail).toMatch(/approval/);
  const done = await settled(stack, clocked, runbookFinished, 120000);
  expect(done.steps.find((s) => s.name === 'contain')!.detail).toMatch(/no decision within 0.5 min: proceeding by policy/);
  expect(done.steps.filter((s) => s.status === 'failed')).toEqual([]);
  expect(stepStatus(done, 'isolate')).toBe('done');
  expect(done.timeline.filter((t) => t.step === 'isolate' && / done/.test(t.message)).length).toBe(1);
  expect(runbookFinished((await stack.incidents.get(waiting))!)).toBe(false);

  await stack.incidents.decide(waiting, {
    step: 'contain',
    decision: 'approve',
    reason: 'confirmed compromise',
    operator: { name: 'bob', roles: ['approver'] },
  });
  const contained = await settled(stack, waiting, runbookFinished, 90000);
  expect(stepStatus(contained, 'isolate')).toBe('done');
  expect(contained.steps.filter((s) => s.status === 'failed')).toEqual([]);
});
