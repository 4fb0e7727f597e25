import type { StepState } from '../../../src/domain/incident';
import type { GatePolicy, StepDecision } from '../../../src/domain/gate';
import { refuseDecision, requiredApprovals } from '../../../src/domain/gate';

const policy: GatePolicy = {
  mode: 'two-person',
  approverRoles: ['approver'],
  forbidSelfApproval: true,
  timeoutMinutes: 30,
  onTimeout: 'escalate',
};
const waiting: StepState = { name: 'contain', title: 'Approve containment', status: 'awaiting-approval' };
const decision = (name: string, roles: string[], extra: Partial<StepDecision> = {}): StepDecision => ({
  step: 'contain',
  decision: 'approve',
  reason: 'looks real',
  operator: { name, roles },
  ...extra,
});

test.each([
  ['unknown step', decision('bob', ['approver']), undefined, policy, [], 'UnknownStep'],
  [
    'step not awaiting approval',
    decision('bob', ['approver']),
    { ...waiting, status: 'done' as const },
    policy,
    [],
    'StepNotAwaitingApproval',
  ],
  [
    'a step whose gate never opened',
    decision('bob', ['approver']),
    { ...waiting, status: 'pending' as const },
    undefined,
    [],
    'StepNotAwaitingApproval',
  ],
  ['dpo on a gate for approvers only', decision('dora', ['dpo']), waiting, policy, [], 'RoleNotAllowed'],
  ['auditor', decision('audrey', ['auditor']), waiting, policy, [], 'RoleNotAllowed'],
  ['role not allowed', decision('alice', ['responder']), waiting, policy, [], 'RoleNotAllowed'],
  [
    'same person twice',
    decision('bob', ['approver']),
    { ...waiting, approvals: [{ by: 'bob', at: 'x', reason: 'r' }] },
    policy,
    [],
    'SameApprover',
  ],
  ['requester approving own request', decision('bob', ['approver']), waiting, policy, ['bob'], 'SelfApproval'],
  ["a later alert's sender approving", decision('bob', ['approver']), waiting, policy, ['hmac:generic', 'bob'], 'SelfApproval'],
  ['empty reason', decision('bob', ['approver'], { reason: '  ' }), waiting, policy, [], 'ReasonRequired'],
] as const)('refuses: %s', (_name, d, step, p, requestedBy, type) => {
  expect(refuseDecision(d, step as StepState | undefined, p, requestedBy)?.type).toBe(type);
});

test('accepts a distinct approver, an admin, and a rejection by the requester', () => {
  const once = { ...waiting, approvals: [{ by: 'bob', at: 'x', reason: 'r' }] };
  expect(refuseDecision(decision('carol', ['approver']), once, policy, ['alice'])).toBeUndefined();
  expect(refuseDecision(decision('root', ['admin']), waiting, policy, ['alice'])).toBeUndefined();
  expect(refuseDecision(decision('bob', ['approver'], { decision: 'reject' }), waiting, policy, ['bob'])).toBeUndefined();
});

test('approvals required per mode', () => {
  expect(requiredApprovals({ ...policy, mode: 'auto' })).toBe(0);
  expect(requiredApprovals({ ...policy, mode: 'approve' })).toBe(1);
  expect(requiredApprovals(policy)).toBe(2);
});
