/**
 * The fleet guard workflow on the time-skipping server, driven by its updates directly: a queued
 * incident is granted when a grant leaves the sliding window (a durable timer, an hour later) and
 * told by signal; a granted incident that no longer exists is returned at once; validators refuse
 * bad requests before they reach history; continue-as-new carries the reservations; an empty
 * guard ends after a day.
 */
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import crypto from 'node:crypto';
import {
  fleetGuardStateQuery,
  overrideContainmentUpdate,
  releaseContainmentUpdate,
  reserveContainmentUpdate,
  type FleetGuardInput,
  type FleetGuardView,
  type FleetLimits,
} from '../../workflows/definitions';
import type { fleetGuardWorkflow } from '../../workflows/fleet-guard-workflow';
import { startTimeSkipping } from '../helpers/time-skipping';

let env: TestWorkflowEnvironment;
let workflowBundle: { code: string };

beforeAll(async () => {
  ({ env, workflowBundle } = await startTimeSkipping());
}, 180_000);
afterAll(async () => {
  await env?.teardown();
});

const K3: FleetLimits = { maxConcurrent: 3, maxPercent: 34, windowMinutes: 60 };

async function withGuard(
  limits: FleetLimits,
  desiredCapacity: number,
  body: (g: WorkflowHandle<typeof fleetGuardWorkflow>, taskQueue: string) => Promise<void>,
  continueAsNewAfterEvents?: number,
): Promise<void> {
  const taskQueue = `fleet-${crypto.randomUUID()}`;
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle });
  await worker.runUntil(async () => {
    const group = { account: '123456789012', region: 'eu-west-1', groupName: `web-${crypto.randomUUID().slice(0, 8)}` };
    const guardId = `fleet-guard-${group.account}-${group.region}-${group.groupName}`;
    const input: FleetGuardInput = { guardId, group, limits, desiredCapacity, continueAsNewAfterEvents };
    const handle = await env.client.workflow.start<typeof fleetGuardWorkflow>('fleetGuardWorkflow', {
      taskQueue,
      workflowId: guardId,
      args: [input],
    });
    try {
      await body(handle, taskQueue);
    } finally {
      await handle.terminate('test done').catch(() => undefined);
    }
  });
}

const reserve = (g: WorkflowHandle, incidentId: string, limits = K3, desiredCapacity = 3) =>
  g.executeUpdate(reserveContainmentUpdate, { args: [{ incidentId, desiredCapacity, limits }] });
const release = (g: WorkflowHandle, incidentId: string) => g.executeUpdate(releaseContainmentUpdate, { args: [{ incidentId }] });

async function until(g: WorkflowHandle, pred: (v: FleetGuardView) => boolean, what: string): Promise<FleetGuardView> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const v = await g.query(fleetGuardStateQuery);
    if (pred(v)) return v;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify({ active: v.active, waiting: v.waiting })}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('a waiter is granted when a grant leaves the window, and told by signal; a granted incident that is gone is returned', async () => {
  await withGuard(K3, 3, async (guard, taskQueue) => {
    // Any running workflow can stand in for the incident that receives the grant signal.
    const sinkId = `inc-sink-${crypto.randomUUID().slice(0, 8)}`;
    const sinkInput: FleetGuardInput = {
      guardId: sinkId,
      group: { account: '1', region: 'r', groupName: 'sink' },
      limits: K3,
      desiredCapacity: 1,
    };
    const sink = await env.client.workflow.start<typeof fleetGuardWorkflow>('fleetGuardWorkflow', {
      taskQueue,
      workflowId: sinkId,
      args: [sinkInput],
    });
    try {
      expect(await reserve(guard, 'inc-first')).toMatchObject({ status: 'granted', ticket: 1 });
      expect(await release(guard, 'inc-first')).toMatchObject({ released: 'reservation' });
      // 3 × 34 % → one grant per hour: the next two wait, in order, though no reservation is held.
      expect(await reserve(guard, sinkId)).toMatchObject({ status: 'queued', ticket: 2, position: 1 });
      expect(await reserve(guard, 'inc-gone')).toMatchObject({ status: 'queued', ticket: 3, position: 2 });
      await env.sleep('59m');
      expect((await guard.query(fleetGuardStateQuery)).waiting.map((w) => w.incidentId)).toEqual([sinkId, 'inc-gone']);
      await env.sleep('2m');
      const granted = await until(guard, (v) => v.active.length === 1, 'the timer grant');
      expect(granted.active[0]).toMatchObject({ incidentId: sinkId, ticket: 2, kind: 'budget' });
      const signals = (await sink.fetchHistory()).events!.filter(
        (e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'fleetReservationGranted',
      );
      expect(signals).toHaveLength(1);

      await release(guard, sinkId);
      await env.sleep('61m');
      // inc-gone's turn: its workflow does not exist, so the guard returns the reservation at once.
      const after = await until(
        guard,
        (v) => v.waiting.length === 0 && v.active.length === 0 && v.totals.granted === 3,
        'the gone incident returned',
      );
      expect(after.ledger.find((l) => l.incidentId === 'inc-gone')).toMatchObject({ kind: 'budget', releasedAt: expect.any(String) });
      expect(after.totals).toEqual({ granted: 3, overrides: 0, released: 3, withdrawn: 0 });
    } finally {
      await sink.terminate('test done').catch(() => undefined);
    }
  });
});

test('validators refuse bad requests before they reach history', async () => {
  await withGuard(K3, 3, async (guard) => {
    await expect(reserve(guard, 'inc-a', { ...K3, maxConcurrent: 0 })).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    await expect(reserve(guard, 'inc-a', K3, -1)).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    await expect(
      guard.executeUpdate(overrideContainmentUpdate, { args: [{ incidentId: 'inc-a', by: 'bob', reason: ' ' }] }),
    ).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    await expect(release(guard, '')).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    const events = (await guard.fetchHistory()).events!;
    expect(events.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes)).toEqual([]);
    expect((await guard.query(fleetGuardStateQuery)).totals).toEqual({ granted: 0, overrides: 0, released: 0, withdrawn: 0 });
  });
});

test('continue-as-new carries reservations, the queue and the ledger', async () => {
  const limits = { maxConcurrent: 2, maxPercent: 100, windowMinutes: 0 };
  await withGuard(
    limits,
    10,
    async (guard) => {
      for (let i = 0; i < 12; i++) {
        await reserve(guard, `inc-${i}`, limits, 10);
        if (i < 10) await release(guard, `inc-${i}`);
      }
      expect(await reserve(guard, 'inc-waiting', limits, 10)).toMatchObject({ status: 'queued', position: 1 });
      const v = await until(guard, (x) => x.run > 1, 'a continue-as-new');
      expect(v.active.map((r) => r.incidentId)).toEqual(['inc-10', 'inc-11']);
      expect(v.waiting.map((w) => w.incidentId)).toEqual(['inc-waiting']);
      expect(v.totals).toEqual({ granted: 12, overrides: 0, released: 10, withdrawn: 0 });
      // The carried state still answers idempotently and grants in order (inc-waiting has no workflow, so it is returned at once).
      expect(await reserve(guard, 'inc-10', limits, 10)).toMatchObject({ status: 'granted', ticket: 11 });
      await release(guard, 'inc-10');
      // Granted in one workflow task, returned in a later one (when the signal to its missing workflow fails): wait for both.
      const last = await until(
        guard,
        (x) => x.ledger.some((l) => l.incidentId === 'inc-waiting' && l.releasedAt !== undefined),
        'the waiter granted and returned',
      );
      expect(last.totals.granted).toBe(13);
      expect(last.ledger.find((l) => l.incidentId === 'inc-waiting')).toMatchObject({ ticket: 13, releasedAt: expect.any(String) });
      expect(last.active.map((r) => r.incidentId)).toEqual(['inc-11']);
    },
    40,
  );
});

test('an empty guard ends after a day with nothing held, queued or in the window', async () => {
  await withGuard(K3, 3, async (guard) => {
    await reserve(guard, 'inc-a');
    await release(guard, 'inc-a');
    await env.sleep('2h');
    expect((await guard.describe()).status.name).toBe('RUNNING');
    await env.sleep('25h');
    const view = await guard.result();
    expect(view.totals).toEqual({ granted: 1, overrides: 0, released: 1, withdrawn: 0 });
    expect((await guard.describe()).status.name).toBe('COMPLETED');
  });
});
