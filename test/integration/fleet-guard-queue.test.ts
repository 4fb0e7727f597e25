/**
 * The fleet guards' own task queue, end to end (HTTP API → incidents → guard → moto). An incident
 * asks its guard from a local activity, which holds the incident's workflow-task slot until the
 * guard answers; the guards run on `<taskQueue>-fleet-guard` with slots of their own, so:
 *   - a burst of incidents larger than the incident worker's workflow-task slots (2 here, 8
 *     incidents at once) is answered and contained, each reservation at its first attempt (on one
 *     shared queue the same burst contained nothing in 5 minutes: every slot held by an incident
 *     waiting for a guard that could get none);
 *   - a guard an earlier version started on the incidents' queue keeps answering there and moves to
 *     the guards' queue (continue-as-new) at the first request that names it, carrying what it holds.
 */
import type { temporal } from '@temporalio/proto';
import { seedDemoFleet, type DemoFleet } from '../../src/local/demo-fleet';
import { incidentIdFor } from '../../src/temporal/incident-id';
import { fleetGuardTaskQueue } from '../../src/bootstrap/create-worker';
import { releaseContainmentUpdate, reserveContainmentUpdate, type FleetGuardInput } from '../../workflows/definitions';
import { stepStatus } from '../helpers/containment';
import { fleetMotoState, guardView, sendCriticalAlerts, webGuardId } from '../helpers/fleet-guard';
import { ACCOUNT, REGION, UNBOUNDED_FLEET, eventually, startStack, type Stack } from '../helpers/stack';

const BURST = 8;
const SLOTS = 2;
let stack: Stack;
let fleet: DemoFleet;
const idOf = (instanceId: string) => incidentIdFor({ account: ACCOUNT, region: REGION, instanceId });

beforeAll(async () => {
  stack = await startStack({ worker: false });
  await stack.startWorker({ maxConcurrentWorkflowTaskExecutions: SLOTS });
  fleet = await seedDemoFleet(stack.aws, { verifiedImageTag: 'cordon:verified', dataTagPrefix: 'data:', size: BURST + 1 });
}, 180_000);
afterAll(async () => stack?.teardown());

/** Local-activity markers of a history: activity type and attempt. */
function localActivities(events: temporal.api.history.v1.IHistoryEvent[]): { type: string; attempt: number }[] {
  return events.flatMap((e) => {
    const marker = e.markerRecordedEventAttributes;
    const data = marker?.markerName === 'core_local_activity' ? marker.details?.data?.payloads?.[0]?.data : undefined;
    if (!data) return [];
    const parsed = JSON.parse(Buffer.from(data).toString('utf8')) as { activity_type: string; attempt: number };
    return [{ type: parsed.activity_type, attempt: parsed.attempt }];
  });
}

async function contained(ids: string[]) {
  return eventually(
    async () => {
      const snaps = await Promise.all(ids.map((id) => stack.incidents.get(id)));
      return snaps.every((s) => s && stepStatus(s, 'tag-quarantined') === 'done' && stepStatus(s, 'fleet-release') === 'done')
        ? snaps.map((s) => s!)
        : undefined;
    },
    150_000,
    'every incident contained and its reservation returned',
  );
}

test("a guard started on the incidents' queue by an earlier version answers there, then moves to the guards' queue with what it holds", async () => {
  const group = { account: ACCOUNT, region: REGION, groupName: 'web' };
  const input: FleetGuardInput = { guardId: webGuardId, group, limits: UNBOUNDED_FLEET, desiredCapacity: BURST + 1 };
  const earlier = await stack.client.workflow.start('fleetGuardWorkflow', {
    workflowId: webGuardId,
    taskQueue: stack.taskQueue,
    args: [input],
  });
  // An incident of the earlier version holds a reservation (its requests name no queue: the guard stays).
  await earlier.executeUpdate(reserveContainmentUpdate, {
    args: [{ incidentId: 'inc-earlier', desiredCapacity: BURST + 1, limits: UNBOUNDED_FLEET }],
  });
  expect((await earlier.describe()).taskQueue).toBe(stack.taskQueue);

  const instanceId = fleet.instanceIds[BURST]!;
  await sendCriticalAlerts(stack.api, stack.tokens.alice!, [instanceId]);
  const [snap] = await contained([idOf(instanceId)]);
  expect(snap!.steps.find((s) => s.name === 'fleet-budget')!.detail).toMatch(new RegExp(`^reservation \\d+ granted by ${webGuardId}`));

  const now = stack.client.workflow.getHandle(webGuardId);
  expect((await now.describe()).taskQueue).toBe(fleetGuardTaskQueue(stack.taskQueue));
  const first = (await stack.client.workflow.getHandle(webGuardId, earlier.firstExecutionRunId).fetchHistory()).events!;
  expect(first.at(-1)!.workflowExecutionContinuedAsNewEventAttributes?.taskQueue?.name).toBe(fleetGuardTaskQueue(stack.taskQueue));
  const view = (await guardView(stack.client))!;
  expect(view.run).toBe(2);
  expect(view.active.map((r) => r.incidentId)).toEqual(['inc-earlier']);
  expect(view.ledger.find((l) => l.incidentId === idOf(instanceId))).toMatchObject({ kind: 'budget', releasedAt: expect.any(String) });
  expect(await now.executeUpdate(releaseContainmentUpdate, { args: [{ incidentId: 'inc-earlier' }] })).toMatchObject({
    released: 'reservation',
  });
}, 200_000);

test(`${BURST} incidents at once against ${SLOTS} workflow-task slots: every reservation answered at its first attempt, every instance contained`, async () => {
  const accused = fleet.instanceIds.slice(0, BURST);
  const ids = accused.map(idOf);
  const before = (await guardView(stack.client))!.totals.granted;
  await sendCriticalAlerts(stack.api, stack.tokens.alice!, accused);
  const snaps = await contained(ids);
  for (const s of snaps) {
    expect([s.incidentId, s.steps.filter((x) => x.status === 'failed').map((x) => `${x.name}: ${x.error}`)]).toEqual([s.incidentId, []]);
    expect(s.steps.find((x) => x.name === 'fleet-budget')!.detail).toMatch(new RegExp(`^reservation \\d+ granted by ${webGuardId}`));
  }
  // The reservation is a local activity beside the chain (a marker, never a scheduled activity), answered at once.
  for (const id of ids) {
    const events = (await stack.client.workflow.getHandle(id).fetchHistory()).events!;
    const asks = localActivities(events).filter((m) => m.type === 'reserveContainment');
    expect([id, asks]).toEqual([id, [{ type: 'reserveContainment', attempt: 1 }]]);
    expect(events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'reserveContainment')).toEqual([]);
  }
  const view = (await guardView(stack.client))!;
  expect(view.totals.granted - before).toBe(BURST);
  expect(view.active).toEqual([]);
  const moto = await fleetMotoState(stack.aws, accused);
  expect(moto.detached.sort()).toEqual([...accused].sort());
  expect(moto.isolated.sort()).toEqual([...accused].sort());
  expect(moto.quarantined.sort()).toEqual([...accused].sort());
}, 200_000);
