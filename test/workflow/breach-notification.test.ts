/**
 * Regulatory clocks on the time-skipping test server, with the real breachNotificationWorkflow
 * and a recording fake notifier (the clock logic is the unit): a 72-hour GDPR clock sends its
 * reminders, its due notice and its overdue escalation in seconds of wall time; a recorded
 * submission stops them; NIS2's clocks start when the incident is classified significant (an
 * update) and the final-report clock only once the 72 h notice is recorded;
 * a DORA clock waiting for its anchor starts when the classification is recorded, and its
 * reminders, due notice and escalation follow.
 */
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import crypto from 'node:crypto';
import type { CordonActivities } from '../../activities';
import { computeDue } from '../../src/regulatory/deadlines';
import { nis2Final } from '../../src/regulatory/nis2';
import { startTimeSkipping } from '../helpers/time-skipping';
import {
  breachStateQuery,
  recordAnchorUpdate,
  recordClassificationUpdate,
  recordSubmissionUpdate,
  type BreachNotificationInput,
  type BreachView,
} from '../../workflows/definitions';
import type { BreachSettings, NotificationRequest } from '../../workflows/regulator-notification/types';

let env: TestWorkflowEnvironment;
let workflowBundle: { code: string };

beforeAll(async () => {
  ({ env, workflowBundle } = await startTimeSkipping());
}, 180_000);
afterAll(async () => {
  await env?.teardown();
});

const HOUR = 3_600_000;
const dpo = { name: 'Dana DPO', roles: ['dpo'] };

function recordingActivities(sent: NotificationRequest[]) {
  const fakes = {
    sendDeadlineNotice: async (req: NotificationRequest) => {
      sent.push(req);
      return { delivered: ['fake'] };
    },
    writeBreachRegister: async () => ({ location: null }),
  } satisfies Partial<CordonActivities>;
  return {
    ...fakes,
    default: async () => {
      throw ApplicationFailure.nonRetryable('not faked in this test', 'NotFaked');
    },
  };
}

function input(detectedAt: string, settings: Partial<BreachSettings> = {}): BreachNotificationInput {
  return {
    incidentId: `inc-123456789012-eu-west-1-i-${crypto.randomBytes(8).toString('hex')}`,
    resource: { account: '123456789012', region: 'eu-west-1', instanceId: 'i-0breach0test00001' },
    detectedAt,
    alerts: [{ title: 'Outbound traffic to a known C2 host', severity: 'high' }],
    classification: {
      personalData: true,
      subjectRegions: ['EU'],
      subjectCategories: ['customers'],
      recordCategories: ['contact details'],
      specialCategories: [],
      approxSubjects: 25000,
      approxRecords: 120000,
      estimateBasis: 'tags',
    },
    settings: {
      jurisdictions: ['EU'],
      sectors: [],
      reminderFractions: [0.5, 0.9],
      escalateAfterMinutes: 60,
      contacts: ['dpo@example.com', 'ciso@example.com'],
      displayZone: 'Europe/Brussels',
      ...settings,
    },
  };
}

/** Starts the workflow on a fresh worker and task queue; `fn` drives it while the worker runs. */
async function withBreach<T>(
  sent: NotificationRequest[],
  inp: BreachNotificationInput,
  fn: (h: { id: string; view: () => Promise<BreachView> }) => Promise<T>,
): Promise<T> {
  const taskQueue = `breach-${crypto.randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle,
    activities: recordingActivities(sent),
  });
  return worker.runUntil(async () => {
    const id = `${inp.incidentId}/breach`;
    const handle = await env.client.workflow.start('breachNotificationWorkflow', { taskQueue, workflowId: id, args: [inp] });
    try {
      return await fn({ id, view: () => handle.query(breachStateQuery) });
    } finally {
      // A clock left running would fire on a queue with no worker, and its pending task stops the server skipping time for later tests.
      await handle.terminate('test finished').catch(() => undefined);
    }
  });
}

/** Advances server time, then waits (real time) until the worker has handled what fell due. */
async function advance(hours: number, settled: () => Promise<boolean>): Promise<void> {
  await env.sleep(hours * HOUR);
  const deadline = Date.now() + 15_000;
  while (!(await settled())) {
    if (Date.now() > deadline) throw new Error(`state did not settle after advancing ${hours} h`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const gdpr = (sent: NotificationRequest[]) => sent.filter((s) => s.obligationId === 'gdpr.33.1');
const clock = (v: BreachView, id: string) => v.clocks.find((c) => c.obligationId === id);

test('a 72-hour GDPR clock sends its reminders, due notice and overdue escalation in seconds; a late submission needs reasons and stops them', async () => {
  const sent: NotificationRequest[] = [];
  const started = Date.now();
  const t0 = await env.currentTimeMs();
  const inp = input(new Date(t0).toISOString());
  await withBreach(sent, inp, async ({ id, view }) => {
    const notices = () => gdpr(sent).map((s) => [s.kind, s.fraction ?? null, s.contact]);
    const first = await view();
    expect(clock(first, 'gdpr.33.1')).toMatchObject({ state: 'open', conservative: true, dueAt: new Date(t0 + 72 * HOUR).toISOString() });
    expect(first.awareness).toMatchObject({ basis: 'first-alert', conservative: true });

    await advance(35, async () => true);
    expect(notices()).toEqual([]);
    await advance(2, async () => gdpr(sent).length >= 1);
    expect(notices()).toEqual([['reminder', 0.5, 'dpo@example.com']]);
    await advance(28, async () => gdpr(sent).length >= 2);
    await advance(7.5, async () => gdpr(sent).length >= 3);
    expect(clock(await view(), 'gdpr.33.1')?.state).toBe('overdue');
    await advance(1, async () => gdpr(sent).length >= 4);
    expect(notices()).toEqual([
      ['reminder', 0.5, 'dpo@example.com'],
      ['reminder', 0.9, 'dpo@example.com'],
      ['due', null, 'dpo@example.com'],
      ['escalation', null, 'ciso@example.com'],
    ]);
    expect(gdpr(sent)[3]).toMatchObject({ escalationLevel: 1 });
    // One key per event, each bound to this workflow: a retried send pages nobody twice.
    const keys = gdpr(sent).map((s) => s.idempotencyKey);
    expect(new Set(keys).size).toBe(4);
    expect(keys.every((k) => k.startsWith(`${id}:gdpr.33.1|`))).toBe(true);
    expect((await view()).record.notifications.map((n) => n.outcome)).toEqual(['delivered', 'delivered', 'delivered', 'delivered']);

    const handle = env.client.workflow.getHandle(id);
    const submittedAt = new Date(await env.currentTimeMs()).toISOString();
    const late = handle.executeUpdate(recordSubmissionUpdate, {
      args: [{ obligationId: 'gdpr.33.1', phase: 'initial', reference: 'SA-2026-0042', submittedAt, operator: dpo }],
    });
    await expect(late).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    await expect(late).rejects.toMatchObject({ cause: { type: 'LateWithoutReason' } });
    const ok = await handle.executeUpdate(recordSubmissionUpdate, {
      args: [
        {
          obligationId: 'gdpr.33.1',
          phase: 'initial',
          reference: 'SA-2026-0042',
          submittedAt,
          reasonsForDelay: 'scope of the exfiltration was unknown until the forensic image was analysed',
          operator: dpo,
        },
      ],
    });
    expect(ok).toMatchObject({ obligationId: 'gdpr.33.1', state: 'late' });
    const count = sent.length;
    await advance(200, async () => true);
    expect(sent.length).toBe(count);
    const after = await view();
    expect(clock(after, 'gdpr.33.1')).toMatchObject({ state: 'late', resolved: true, submittedAt });
    // Art. 33(4): the phased continuation now runs as elapsed time, never as met/missed.
    expect(clock(after, 'gdpr.33.4')).toMatchObject({ state: 'elapsed', resolved: false });
  });
  expect(Date.now() - started).toBeLessThan(60_000);
});

test('recording the submission before the deadline stops the remaining reminders', async () => {
  const sent: NotificationRequest[] = [];
  const t0 = await env.currentTimeMs();
  await withBreach(sent, input(new Date(t0).toISOString()), async ({ id, view }) => {
    await advance(40, async () => gdpr(sent).length >= 1);
    const submittedAt = new Date(await env.currentTimeMs()).toISOString();
    const r = await env.client.workflow.getHandle(id).executeUpdate(recordSubmissionUpdate, {
      args: [{ obligationId: 'gdpr.33.1', phase: 'final', reference: 'SA-1', submittedAt, operator: dpo }],
    });
    expect(r.state).toBe('met');
    await advance(100, async () => true);
    expect(gdpr(sent).map((s) => s.kind)).toEqual(['reminder']);
    expect(clock(await view(), 'gdpr.33.1')).toMatchObject({ state: 'met', resolved: true });
  });
});

test("NIS2's final-report clock appears only after the 72 h notification is recorded, one calendar month from it", async () => {
  const sent: NotificationRequest[] = [];
  const t0 = await env.currentTimeMs();
  await withBreach(sent, input(new Date(t0).toISOString(), { sectors: ['essential-entity'] }), async ({ id, view }) => {
    // NIS2 Art. 23(3)-(4): nothing runs until the incident is classified significant; the clocks then run from the awareness given with it.
    const waiting = await view();
    expect(clock(waiting, 'nis2.23.4.b')).toBeUndefined();
    expect(waiting.awaiting.find((a) => a.obligationId === 'nis2.23.4.b')?.missing).toEqual(['nis2Awareness']);
    const awareAt = new Date(t0).toISOString();
    const classified = await env.client.workflow.getHandle(id).executeUpdate(recordClassificationUpdate, {
      args: [
        {
          kind: 'nis2-significant',
          outcome: 'yes',
          at: new Date(await env.currentTimeMs()).toISOString(),
          awareAt,
          reason: 'severe operational disruption',
          operator: { name: 'Ivan Incident', roles: ['approver'] },
        },
      ],
    });
    expect(classified.started).toEqual(expect.arrayContaining(['nis2.23.4.a', 'nis2.23.4.b']));
    const before = await view();
    expect(clock(before, 'nis2.23.4.b')).toMatchObject({ state: 'open', dueAt: new Date(t0 + 72 * HOUR).toISOString() });
    expect(clock(before, 'nis2.23.4.d')).toBeUndefined();
    expect(before.awaiting).toContainEqual(
      expect.objectContaining({ obligationId: 'nis2.23.4.d', title: nis2Final.title, missing: ['submitted:nis2.23.4.b'] }),
    );

    await advance(30, async () => sent.some((s) => s.obligationId === 'nis2.23.4.a'));
    const submittedAt = new Date(await env.currentTimeMs()).toISOString();
    await env.client.workflow.getHandle(id).executeUpdate(recordSubmissionUpdate, {
      args: [{ obligationId: 'nis2.23.4.b', phase: 'initial', reference: 'CSIRT-7', submittedAt, operator: dpo }],
    });
    const after = await view();
    expect(clock(after, 'nis2.23.4.d')).toMatchObject({
      state: 'open',
      dueAt: computeDue(nis2Final, { submitted: { 'nis2.23.4.b': submittedAt } }),
    });
    expect(after.awaiting.map((a) => a.obligationId)).not.toContain('nis2.23.4.d');
  });
});

test('a DORA clock waits for the classification as major; recording it starts the clock, and its reminders, due notice and escalation follow', async () => {
  const sent: NotificationRequest[] = [];
  const t0 = await env.currentTimeMs();
  await withBreach(sent, input(new Date(t0).toISOString(), { sectors: ['financial'] }), async ({ id, view }) => {
    const dora = () => sent.filter((s) => s.obligationId === 'dora.5.1.a');
    const before = await view();
    expect(clock(before, 'dora.5.1.a')).toBeUndefined();
    expect(before.awaiting.find((a) => a.obligationId === 'dora.5.1.a')?.waitingFor).toEqual([
      expect.objectContaining({ anchor: 'classification', recordWith: 'anchor' }),
    ]);

    // Nothing is sent for a clock whose anchor has not happened, however long it waits.
    await advance(3, async () => true);
    expect(dora()).toEqual([]);
    const classifiedAt = new Date(await env.currentTimeMs()).toISOString();
    const handle = env.client.workflow.getHandle(id);
    const refused = handle.executeUpdate(recordAnchorUpdate, {
      args: [{ anchor: 'materiality', at: classifiedAt, reason: 'not an SEC registrant', operator: dpo }],
    });
    await expect(refused).rejects.toMatchObject({ cause: { type: 'Conflict' } });
    const r = await handle.executeUpdate(recordAnchorUpdate, {
      args: [
        {
          anchor: 'classification',
          at: classifiedAt,
          reason: 'classified major under RTS 2024/1772: critical services affected',
          operator: { name: 'Ivan Incident', roles: ['approver'] },
        },
      ],
    });
    expect(r).toEqual({ anchor: 'classification', at: classifiedAt, started: ['dora.5.1.a'] });

    const started = await view();
    const obligation = started.record.obligations.find((o) => o.id === 'dora.5.1.a')!;
    // min(classification + 4 h, awareness + 24 h), moved to noon of the next working day when it falls on a weekend (RTS 2025/301 Art. 5).
    const dueAt = computeDue(obligation, { classification: classifiedAt, doraAwareness: new Date(t0).toISOString() })!;
    expect(clock(started, 'dora.5.1.a')).toMatchObject({ state: 'open', startedAt: classifiedAt, dueAt });
    expect(started.anchors.find((a) => a.anchor === 'classification')).toMatchObject({
      basis: 'recorded',
      at: classifiedAt,
      record: { by: 'Ivan Incident' },
    });

    const window = Date.parse(dueAt) - Date.parse(classifiedAt);
    await advance((window * 0.5 + 60_000) / HOUR, async () => dora().length >= 1);
    expect(dora().map((s) => [s.kind, s.fraction ?? null])).toEqual([['reminder', 0.5]]);
    await advance((window * 0.4) / HOUR, async () => dora().length >= 2);
    await advance((window * 0.1) / HOUR, async () => dora().length >= 3);
    expect(clock(await view(), 'dora.5.1.a')?.state).toBe('overdue');
    await advance(1, async () => dora().length >= 4);
    expect(dora().map((s) => [s.kind, s.fraction ?? null, s.contact])).toEqual([
      ['reminder', 0.5, 'dpo@example.com'],
      ['reminder', 0.9, 'dpo@example.com'],
      ['due', null, 'dpo@example.com'],
      ['escalation', null, 'ciso@example.com'],
    ]);
    expect(dora().every((s) => s.dueAt === dueAt)).toBe(true);
  });
});
