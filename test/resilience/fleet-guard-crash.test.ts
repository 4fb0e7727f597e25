/**
 * The fleet guard under kill -9: the worker runs as its own process (as compose deploys it) with
 * K=3, P=34 %, W=60 min, and is killed at random points while 20 incidents of one group ask the
 * guard, wait, are granted by signal, released by an approver and return their reservations;
 * each time a new worker process takes over. Afterwards the counts are those of an undisturbed
 * run: never more than 3 held at once, 6 within the hour, every incident granted exactly once and
 * returned, one DetachInstances call per instance (counted by a proxy in front of moto), all 20
 * isolated and quarantined. Kill points come from a seeded generator (printed).
 */
import path from 'node:path';
import { bundleOnce, startWorkerProcess, type CordonProcess } from '../../src/local/cordon-processes';
import { seedDemoFleet, type DemoFleet } from '../../src/local/demo-fleet';
import { incidentIdFor } from '../../src/temporal/incident-id';
import { stepStatus } from '../helpers/containment';
import { seeded, startFaultProxy, type FaultProxy } from '../helpers/fault-proxy';
import { FleetObserver, decide, fleetMotoState, guardView, sendCriticalAlerts } from '../helpers/fleet-guard';
import { ACCOUNT, REGION, eventually, fleetEnv, startStack, stackEnv, type Stack } from '../helpers/stack';

const SIZE = 20;
const SEED = Number(process.env.CORDON_CRASH_SEED ?? 20261129);

let stack: Stack;
let fleet: DemoFleet;
let proxy: FaultProxy;
let current: CordonProcess | undefined;

beforeAll(async () => {
  stack = await startStack({ worker: false });
  await stack.moto.reset();
  fleet = await seedDemoFleet(stack.aws, { verifiedImageTag: 'cordon:verified', dataTagPrefix: 'data:', size: SIZE });
  proxy = await startFaultProxy(stack.moto.endpoint);
}, 180_000);
afterAll(async () => {
  await current?.kill9();
  await proxy?.close();
  await stack?.teardown();
});

test(`${SIZE} incidents against a budget of 3: kill -9 of the worker at random points loses and doubles no reservation`, async () => {
  const random = seeded(SEED);
  const env = stackEnv(stack, await bundleOnce(stack.dir), {
    ...fleetEnv({ maxConcurrent: 3, maxPercent: 34, windowMinutes: 60 }),
    AWS_ENDPOINT_URL: proxy.endpoint,
  });
  let n = 0;
  const start = async () => {
    current = await startWorkerProcess(env, path.join(stack.dir, `worker-${++n}.log`));
  };
  const kills: number[] = [];
  const killAfterRandomWhile = async () => {
    const afterMs = Math.round(200 + random() * 2500);
    kills.push(afterMs);
    await new Promise((r) => setTimeout(r, afterMs));
    await current!.kill9();
    await start();
  };
  await start();
  const accused = [...fleet.instanceIds];
  const ids = accused.map((instanceId) => incidentIdFor({ account: ACCOUNT, region: REGION, instanceId }));
  const observer = new FleetObserver(stack.client, stack.aws, accused);
  await sendCriticalAlerts(stack.api, stack.tokens.alice!, accused);

  // Phase 1 under kills: reservations asked, granted, queued, signalled and returned.
  for (let k = 0; k < 3; k++) await killAfterRandomWhile();
  const waiting = await eventually(
    async () => {
      const snaps = await Promise.all(ids.map((id) => stack.incidents.get(id)));
      if (!snaps.every(Boolean)) return undefined;
      const held = snaps.filter((s) => stepStatus(s!, 'fleet-budget') === 'awaiting-approval');
      const returned = snaps.filter((s) => stepStatus(s!, 'fleet-release') === 'done');
      const view = await guardView(stack.client);
      return returned.length === 6 && held.length === SIZE - 6 && view?.active.length === 0 && view.waiting.length === SIZE - 6
        ? held.map((s) => s!)
        : undefined;
    },
    180_000,
    'six contained and fourteen waiting',
  );
  await observer.stop();
  expect(observer.samples).toBeGreaterThan(10);
  expect(observer.maxHeld).toBeLessThanOrEqual(3);
  expect(observer.maxContaining).toBeLessThanOrEqual(3);
  expect(observer.maxIsolatingUnquarantined).toBeLessThanOrEqual(3);
  const midway = await fleetMotoState(stack.aws, accused);
  expect(midway.detached).toHaveLength(6);
  expect(midway.quarantined.sort()).toEqual([...midway.detached].sort());

  // Phase 2 under kills: bob releases the fourteen while the worker dies again.
  const killing = (async () => {
    for (let k = 0; k < 2; k++) await killAfterRandomWhile();
  })();
  for (const s of waiting) {
    const r = await decide(stack.api, stack.tokens.bob!, s.incidentId, 'approve', 'contain now');
    expect([s.incidentId, r.statusCode]).toEqual([s.incidentId, 200]);
  }
  await killing;
  process.stdout.write(
    `fleet-guard-crash: seed ${SEED}, kills after ${kills.join(', ')} ms of each worker's life; most held at once ${observer.maxHeld}\n`,
  );

  const snaps = await eventually(
    async () => {
      const all = await Promise.all(ids.map((id) => stack.incidents.get(id)));
      return all.every((s) => s && stepStatus(s, 'tag-quarantined') === 'done' && stepStatus(s, 'fleet-release') === 'done')
        ? all.map((s) => s!)
        : undefined;
    },
    180_000,
    'every incident contained and its reservation returned',
  );
  for (const s of snaps)
    expect([s.incidentId, s.steps.filter((x) => x.status === 'failed').map((x) => `${x.name}: ${x.error}`)]).toEqual([s.incidentId, []]);

  // Exactly once: one grant per incident (6 by budget, 14 by bob), each returned once.
  const view = (await guardView(stack.client))!;
  expect(view.active).toEqual([]);
  expect(view.waiting).toEqual([]);
  expect(view.totals).toEqual({ granted: SIZE, overrides: SIZE - 6, released: SIZE, withdrawn: 0 });
  expect(view.ledger.map((l) => l.incidentId).sort()).toEqual([...ids].sort());
  expect(view.ledger.filter((l) => l.kind === 'budget')).toHaveLength(6);
  for (const l of view.ledger) expect(l.releasedAt).toBeDefined();
  // One DetachInstances per instance, and every accused instance out of the group, isolated and quarantined.
  expect(proxy.log.filter((l) => l.action === 'DetachInstances')).toHaveLength(SIZE);
  const after = await fleetMotoState(stack.aws, accused);
  expect(after.detached.sort()).toEqual([...accused].sort());
  expect(after.isolated.sort()).toEqual([...accused].sort());
  expect(after.quarantined.sort()).toEqual([...accused].sort());
}, 300_000);
