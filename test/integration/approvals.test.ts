/**
 * Operator decisions over HTTP against the dev server: every refusal comes back at once with
 * the failure catalogue's status and envelope code for its type and its reason, and leaves no
 * trace in the workflow history (validators run before an update is accepted); the two-approver policy waits after one approval, is released by a
 * second, different person, and refuses the same person twice; four-eyes refuses the requester.
 */
import { defaultPayloadConverter } from '@temporalio/common';
import type { StepDecision } from '../../src/domain/gate';
import type { IncidentSnapshot } from '../../src/domain/incident';
import { IncidentService } from '../../src/temporal/incident-service';
import type { DemoFleet } from '../../src/local/demo-fleet';
import { alertFor, approverGate, autoPolicy, freshFleet, settled, stepStatus } from '../helpers/containment';
import { ACCOUNT, REGION, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
let fleet: DemoFleet;

beforeAll(async () => {
  stack = await startStack();
  fleet = await freshFleet(stack);
}, 180_000);
afterAll(async () => {
  await stack?.teardown();
});

/** Opens an incident as `openedBy` with `contain` behind `mode`; replacement waits behind its own gate so nothing else moves. */
async function open(instanceId: string, mode: 'approve' | 'two-person', openedBy: string): Promise<string> {
  const policy = { ...autoPolicy, contain: { ...approverGate, mode }, replace: approverGate };
  const service = new IncidentService(stack.client, stack.taskQueue, () => policy);
  const id = await service.openOrJoin({ account: ACCOUNT, region: REGION, instanceId }, alertFor(instanceId, { severity: 'medium' }), {
    openedBy,
  });
  await settled(stack, id, (s) => stepStatus(s, 'contain') === 'awaiting-approval');
  return id;
}

async function decide(id: string, who: string, body: Partial<StepDecision> & { step: string }) {
  const res = await stack.api.inject({
    method: 'POST',
    url: `/v1/incidents/${id}/decisions`,
    headers: { authorization: `Bearer ${stack.tokens[who]}` },
    payload: { decision: 'approve', reason: `${who} checked the GuardDuty finding`, ...body },
  });
  return {
    status: res.statusCode,
    body: res.json() as { error?: { code: string; message: string }; status?: string; approvals?: number; required?: number },
  };
}

/** The decisions Temporal accepted into history, in order: who and what. */
async function acceptedDecisions(id: string): Promise<string[]> {
  const history = await stack.client.workflow.getHandle(id).fetchHistory();
  return (history.events ?? []).flatMap((e) => {
    const accepted = e.workflowExecutionUpdateAcceptedEventAttributes;
    if (!accepted) return [];
    const [d] = (accepted.acceptedRequest?.input?.args?.payloads ?? []).map((p) => defaultPayloadConverter.fromPayload<StepDecision>(p));
    return [`${d!.operator.name}:${d!.decision}:${d!.step}`];
  });
}

const state = async (id: string): Promise<IncidentSnapshot> => (await stack.incidents.get(id))!;

test('every refusal answers at once with its reason, and none enters history', async () => {
  const id = await open(fleet.instanceIds[0]!, 'approve', 'sensor');
  const refusals: [string, string, Partial<StepDecision> & { step: string }, number, string, string][] = [
    ['unknown step', 'bob', { step: 'nope' }, 409, 'unknown_step', 'no step named "nope" in this incident'],
    [
      'step not awaiting approval',
      'bob',
      { step: 'isolate' },
      409,
      'not_awaiting_approval',
      'step "isolate" is pending, not awaiting approval',
    ],
    ['gate not reached yet', 'bob', { step: 'replace' }, 409, 'not_awaiting_approval', 'step "replace" is pending, not awaiting approval'],
    [
      'role not allowed by the gate',
      'dora',
      { step: 'contain' },
      403,
      'role_not_allowed',
      'dora (roles: dpo) may not decide "contain"; allowed: approver',
    ],
    ['role without any approver role', 'alice', { step: 'contain' }, 403, 'forbidden', 'alice has no approver role'],
    ['auditor', 'audrey', { step: 'contain' }, 403, 'forbidden', 'audrey has no approver role'],
    ['empty reason', 'bob', { step: 'contain', reason: '   ' }, 400, 'invalid_request', 'invalid body'],
  ];
  for (const [what, who, body, status, code, message] of refusals) {
    const res = await decide(id, who, body);
    expect({ what, status: res.status, code: res.body.error?.code, message: res.body.error?.message }).toEqual({
      what,
      status,
      code,
      message,
    });
  }
  const unauthenticated = await stack.api.inject({
    method: 'POST',
    url: `/v1/incidents/${id}/decisions`,
    payload: { step: 'contain', decision: 'approve', reason: 'x' },
  });
  expect(unauthenticated.statusCode).toBe(401);

  expect(await acceptedDecisions(id)).toEqual([]);
  expect(stepStatus(await state(id), 'contain')).toBe('awaiting-approval');

  // A rejection is a decision too: accepted, recorded with the operator, and the chain does not run.
  const rejected = await decide(id, 'carol', { step: 'contain', decision: 'reject', reason: 'false positive: pentest window' });
  expect(rejected).toEqual({ status: 200, body: { step: 'contain', status: 'rejected', approvals: 0, required: 1 } });
  const after = await settled(stack, id, (s) => stepStatus(s, 'contain') === 'skipped');
  expect(stepStatus(after, 'isolate')).toBe('skipped');
  expect(after.timeline).toContainEqual(
    expect.objectContaining({ kind: 'approval', actor: 'carol', message: 'carol rejected: false positive: pentest window' }),
  );
  const late = await decide(id, 'bob', { step: 'contain' });
  expect([late.status, late.body.error?.code, late.body.error?.message]).toEqual([
    409,
    'not_awaiting_approval',
    'step "contain" is skipped, not awaiting approval',
  ]);
  expect(await acceptedDecisions(id)).toEqual(['carol:reject:contain']);
});

test('two approvers: one approval keeps it waiting, the same person twice is refused, a second person releases it', async () => {
  const id = await open(fleet.instanceIds[1]!, 'two-person', 'sensor');

  const first = await decide(id, 'bob', { step: 'contain' });
  expect(first).toEqual({ status: 200, body: { step: 'contain', status: 'awaiting-approval', approvals: 1, required: 2 } });
  const waiting = await state(id);
  expect(stepStatus(waiting, 'contain')).toBe('awaiting-approval');
  expect(stepStatus(waiting, 'isolate')).toBe('pending');

  const twice = await decide(id, 'bob', { step: 'contain', reason: 'really sure' });
  expect([twice.status, twice.body.error?.code, twice.body.error?.message]).toEqual([
    403,
    'same_approver',
    'bob already approved "contain"; a second, different approver is required',
  ]);

  const second = await decide(id, 'carol', { step: 'contain' });
  expect(second).toEqual({ status: 200, body: { step: 'contain', status: 'approved', approvals: 2, required: 2 } });
  const released = await settled(stack, id, (s) => stepStatus(s, 'isolate') === 'done');
  expect(released.steps.find((s) => s.name === 'contain')).toMatchObject({
    status: 'done',
    approvals: [expect.objectContaining({ by: 'bob' }), expect.objectContaining({ by: 'carol' })],
  });
  expect(released.timeline.filter((t) => t.kind === 'approval').map((t) => t.actor)).toEqual(['bob', 'carol']);

  const after = await decide(id, 'admin', { step: 'contain' });
  expect([after.status, after.body.error?.message]).toEqual([409, 'step "contain" is done, not awaiting approval']);
  expect(await acceptedDecisions(id)).toEqual(['bob:approve:contain', 'carol:approve:contain']);
});

test('four-eyes: the requester may not approve their own request; someone else may', async () => {
  const id = await open(fleet.instanceIds[2]!, 'approve', 'bob');
  const own = await decide(id, 'bob', { step: 'contain' });
  expect([own.status, own.body.error?.code, own.body.error?.message]).toEqual([
    403,
    'self_approval',
    'bob raised an alert for this incident and may not approve "contain" (four-eyes policy)',
  ]);
  expect(await acceptedDecisions(id)).toEqual([]);

  const other = await decide(id, 'carol', { step: 'contain' });
  expect(other.body).toEqual({ step: 'contain', status: 'approved', approvals: 1, required: 1 });
  await settled(stack, id, (s) => stepStatus(s, 'isolate') === 'done');
  expect(await acceptedDecisions(id)).toEqual(['carol:approve:contain']);
});
