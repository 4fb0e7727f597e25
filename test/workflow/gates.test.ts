/**
 * Gate timeouts on the time-skipping test server, with the real incidentWorkflow and typed fake
 * activities (the workflow's gate logic is the unit): the gate opens and pages its contacts; on
 * timeout it proceeds, aborts, or escalates again and keeps waiting, each outcome visible in the
 * incident's state and in what the notifier was asked to deliver. A notifier outage must not
 * delay the escalation timer.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import crypto from 'node:crypto';
import type { CordonActivities } from '../../activities';
import type { IncidentSnapshot, StepOutcome, TargetDescription } from '../../src/domain/incident';
import { startTimeSkipping } from '../helpers/time-skipping';
import { decideStepUpdate, incidentStateQuery, type IncidentInput } from '../../workflows/definitions';
import { type GatePolicy } from '../../src/domain/gate';
import { type PeopleNotice } from '../../src/domain/people-notice';

let env: TestWorkflowEnvironment;
let workflowBundle: { code: string };

beforeAll(async () => {
  ({ env, workflowBundle } = await startTimeSkipping());
}, 180_000);
afterAll(async () => {
  await env?.teardown();
});

const target: TargetDescription = {
  instanceId: 'i-0gate0test0000001',
  state: 'running',
  imageId: 'ami-0aaaa',
  vpcId: 'vpc-1',
  networkInterfaces: [{ networkInterfaceId: 'eni-1', vpcId: 'vpc-1', groupIds: ['sg-web'] }],
  volumes: [],
  tags: {},
  targetGroupArns: [],
  terminationProtected: false,
};
const outcome = (summary: string): StepOutcome => ({ changed: true, summary, calls: [] });

/** Typed fakes for what the containment chain calls; anything else fails at once instead of retrying. */
function fakeActivities(pages: PeopleNotice[], notifier?: (n: PeopleNotice) => Promise<void>) {
  const fakes = {
    describeTarget: async () => target,
    markInstance: async () => outcome('tagged'),
    protectEvidence: async () => outcome('termination protection on'),
    protectFromScaleIn: async () => outcome('not in a group'),
    deregisterFromTargetGroups: async () => outcome('no target groups'),
    isolateNetwork: async () => ({ untrackGroupId: 'sg-untrack', isolationGroupId: 'sg-isolation', alreadyIsolated: false, calls: [] }),
    cutCredentials: async () => outcome('no instance profile'),
    notifyPeople: async (notice: PeopleNotice) => {
      // Steps this file does not fake fail and page as such; these tests are about the gate's own pages.
      if (notice.kind !== 'step-failed') pages.push(notice);
      await notifier?.(notice);
      return { delivered: ['fake'], skipped: [] };
    },
  } satisfies Partial<CordonActivities>;
  return {
    ...fakes,
    default: async () => {
      throw ApplicationFailure.nonRetryable('not faked in this test', 'NotFaked');
    },
  };
}

const gate = (extra: Partial<GatePolicy>): GatePolicy => ({
  mode: 'approve',
  approverRoles: ['approver'],
  forbidSelfApproval: true,
  timeoutMinutes: 10,
  onTimeout: 'escalate',
  notify: ['on-call'],
  escalateTo: ['security-lead', 'ciso'],
  ...extra,
});

function input(policy: GatePolicy): IncidentInput {
  return {
    incidentId: `inc-gate-${crypto.randomUUID().slice(0, 8)}`,
    resource: { account: '123456789012', region: 'eu-west-1', instanceId: target.instanceId },
    severity: 'medium',
    openedBy: 'generic alert',
    dryRun: false,
    policy: { contain: policy, replace: { ...policy, mode: 'auto' }, isolateFirstOnActiveThreat: false },
  };
}

async function withIncident(
  policy: GatePolicy,
  pages: PeopleNotice[],
  body: (h: { query(): Promise<IncidentSnapshot>; id: string }) => Promise<void>,
  notifier?: (n: PeopleNotice) => Promise<void>,
): Promise<void> {
  const taskQueue = `gates-${crypto.randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle,
    activities: fakeActivities(pages, notifier),
  });
  await worker.runUntil(async () => {
    const args = input(policy);
    const handle = await env.client.workflow.start('incidentWorkflow', { taskQueue, workflowId: args.incidentId, args: [args] });
    try {
      await body({ id: args.incidentId, query: () => handle.query(incidentStateQuery) });
    } finally {
      // Terminating with an activity in flight (e.g. a page still being delivered) leaves the test server's
      // time-skipping locked for the next test: let pending activities finish first.
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline && ((await handle.describe()).raw.pendingActivities?.length ?? 0) > 0)
        await new Promise((r) => setTimeout(r, 100));
      await handle.terminate('test done');
    }
  });
}

const step = (s: IncidentSnapshot, name: string) => s.steps.find((x) => x.name === name)!;

/** Polls (in real time, which the test server does not skip) until the predicate holds. */
async function until(
  query: () => Promise<IncidentSnapshot>,
  pred: (s: IncidentSnapshot) => boolean,
  what: string,
): Promise<IncidentSnapshot> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const s = await query();
    if (pred(s)) return s;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify(s.steps.map((x) => `${x.name}=${x.status}`))}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
const awaiting = (s: IncidentSnapshot) => step(s, 'contain').status === 'awaiting-approval';

test('the gate opens, pages its contacts, and on timeout proceeds by policy', async () => {
  const pages: PeopleNotice[] = [];
  await withIncident(gate({ onTimeout: 'proceed' }), pages, async ({ query, id }) => {
    await until(query, awaiting, 'the contain gate');
    await until(
      query,
      (s) => s.timeline.some((t) => t.message === 'notified on-call via fake: approval needed'),
      'the approval-needed page',
    );
    expect(pages).toEqual([
      expect.objectContaining({
        kind: 'approval-needed',
        to: ['on-call'],
        round: 0,
        approvalsNeeded: 1,
        idempotencyKey: `${id}/contain/approval-needed/0`,
      }),
    ]);
    expect(step(await query(), 'isolate').status).toBe('pending');

    await env.sleep('11m');
    const s = await until(query, (x) => step(x, 'isolate').status === 'done', 'containment after the timeout');
    expect(step(s, 'contain')).toMatchObject({ status: 'done', detail: 'no decision within 10 min: proceeding by policy' });
    expect(pages.map((p) => [p.kind, p.round, p.to])).toEqual([
      ['approval-needed', 0, ['on-call']],
      ['overdue', 1, ['security-lead', 'ciso']],
    ]);
  });
});

test('on timeout with abort, containment is skipped and nothing is isolated', async () => {
  const pages: PeopleNotice[] = [];
  await withIncident(gate({ onTimeout: 'abort' }), pages, async ({ query }) => {
    await until(query, awaiting, 'the contain gate');
    await env.sleep('11m');
    const s = await until(query, (x) => step(x, 'contain').status === 'skipped' && step(x, 'isolate').status === 'skipped', 'the abort');
    expect(step(s, 'contain').detail).toBe('no decision within 10 min: aborted by policy');
    expect(step(s, 'isolate').detail).toContain('needs "contain", which is skipped');
    expect(pages.map((p) => p.kind)).toEqual(['approval-needed', 'overdue']);
  });
});

test('on timeout with escalate, it escalates again every period and keeps waiting until an approver decides', async () => {
  const pages: PeopleNotice[] = [];
  await withIncident(gate({ onTimeout: 'escalate' }), pages, async ({ query, id }) => {
    await until(query, awaiting, 'the contain gate');
    await env.sleep('11m');
    await until(
      query,
      (s) => s.timeline.some((t) => t.message.startsWith('no decision within 10 min: escalation 1 to security-lead, ciso')),
      'escalation 1',
    );
    await env.sleep('10m');
    const s = await until(
      query,
      (x) => x.timeline.some((t) => t.message.startsWith('no decision within 20 min: escalation 2')),
      'escalation 2',
    );
    expect(step(s, 'contain').status).toBe('awaiting-approval');
    expect(step(s, 'isolate').status).toBe('pending');
    const escalations = pages.filter((p) => p.kind === 'escalation');
    expect(escalations.map((p) => [p.round, p.idempotencyKey, p.to])).toEqual([
      [1, `${id}/contain/escalation/1`, ['security-lead', 'ciso']],
      [2, `${id}/contain/escalation/2`, ['security-lead', 'ciso']],
    ]);

    const handle = env.client.workflow.getHandle(id);
    const result = await handle.executeUpdate(decideStepUpdate, {
      args: [{ step: 'contain', decision: 'approve', reason: 'C2 confirmed', operator: { name: 'bob', roles: ['approver'] } }],
    });
    expect(result).toEqual({ step: 'contain', status: 'approved', approvals: 1, required: 1 });
    const after = await until(query, (x) => step(x, 'isolate').status === 'done', 'containment after approval');
    expect(step(after, 'contain')).toMatchObject({
      status: 'done',
      approvals: [expect.objectContaining({ by: 'bob', reason: 'C2 confirmed' })],
    });
    expect(after.timeline.some((t) => t.actor === 'bob' && t.kind === 'approval')).toBe(true);
    // Let the rest of the runbook settle: terminating with local activities in flight leaves the test server's time-skipping locked for the next test.
    await until(query, (x) => x.timeline.some((t) => t.message.startsWith('runbook finished')), 'the runbook to settle');
  });
});

test('a notifier that keeps failing does not delay the escalation, and the failure is on the timeline', async () => {
  const pages: PeopleNotice[] = [];
  const broken = async () => {
    throw ApplicationFailure.nonRetryable('webhook on-call refused the notice (404)', 'WebhookRejected');
  };
  await withIncident(
    gate({ onTimeout: 'escalate' }),
    pages,
    async ({ query }) => {
      await until(query, awaiting, 'the contain gate');
      await until(
        query,
        (s) => s.timeline.some((t) => t.message === 'could not notify (approval-needed): webhook on-call refused the notice (404)'),
        'the failed page on the timeline',
      );
      await env.sleep('11m');
      const s = await until(
        query,
        (x) => x.timeline.some((t) => t.message.startsWith('could not notify (escalation)')),
        'the escalation despite the outage',
      );
      expect(s.timeline.some((t) => t.message.includes('escalation 1'))).toBe(true);
      expect(pages.map((p) => p.kind)).toEqual(['approval-needed', 'escalation']);
    },
    broken,
  );
});
