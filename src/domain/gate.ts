/**
 * Approval gates: who may decide a step, how many distinct people it takes, and the refusals
 * an update validator gives before anything enters history (each a failure-catalogue type,
 * errors.ts, so the API and CLI answer it by the catalogue). Pure, so unit tests cover every
 * refusal without Temporal. Order of checks: the step, then its gate, then the reason, then
 * the person (role, same person twice, four-eyes) — so the answer names the first real problem.
 * Four-eyes compares identities: `requesters` holds the identity name of everyone who asked for
 * this incident's actions (its opener and every later alert's sender, provenance.ts).
 */
import type { Refusal } from './errors';
import type { StepState } from './incident';

export type GateMode = 'auto' | 'approve' | 'two-person';
export type GateTimeoutOutcome = 'proceed' | 'abort' | 'escalate';

export interface GatePolicy {
  mode: GateMode;
  /** Roles allowed to approve (admin always may). */
  approverRoles: string[];
  /** Four-eyes: the requester may not approve their own request. */
  forbidSelfApproval: boolean;
  timeoutMinutes: number;
  /** On timeout: proceed, abort, or keep waiting and escalate again (every `timeoutMinutes`). */
  onTimeout: GateTimeoutOutcome;
  /** Paged when the gate opens (names, e-mail addresses or chat handles). */
  notify?: string[];
  /** Paged on every escalation (and on the overdue notice for proceed/abort). */
  escalateTo?: string[];
}

export interface OperatorIdentity {
  name: string;
  roles: string[];
}

export interface StepDecision {
  step: string;
  decision: 'approve' | 'reject';
  reason: string;
  operator: OperatorIdentity;
}

export interface StepDecisionResult {
  step: string;
  status: string;
  approvals: number;
  required: number;
}

export type GateRefusal = Refusal<
  'UnknownStep' | 'StepNotAwaitingApproval' | 'RoleNotAllowed' | 'SameApprover' | 'SelfApproval' | 'ReasonRequired'
>;

export function requiredApprovals(policy: GatePolicy): number {
  return policy.mode === 'two-person' ? 2 : policy.mode === 'approve' ? 1 : 0;
}

/** Returns why this decision must be refused, or undefined when it may be applied. */
export function refuseDecision(
  decision: StepDecision,
  step: StepState | undefined,
  policy: GatePolicy | undefined,
  requesters: readonly string[],
): GateRefusal | undefined {
  if (!step) return { type: 'UnknownStep', message: `no step named "${decision.step}" in this incident` };
  // A step that exists but whose gate is not open (an action, a gate not reached yet or already decided).
  if (!policy || step.status !== 'awaiting-approval')
    return { type: 'StepNotAwaitingApproval', message: `step "${decision.step}" is ${step.status}, not awaiting approval` };
  if (!decision.reason.trim()) return { type: 'ReasonRequired', message: 'a reason is required for every decision' };
  const roles = decision.operator.roles;
  if (!roles.includes('admin') && !roles.some((r) => policy.approverRoles.includes(r))) {
    return {
      type: 'RoleNotAllowed',
      message: `${decision.operator.name} (roles: ${roles.join(', ') || 'none'}) may not decide "${decision.step}"; allowed: ${policy.approverRoles.join(', ')}`,
    };
  }
  if (decision.decision === 'approve') {
    if ((step.approvals ?? []).some((a) => a.by === decision.operator.name)) {
      return {
        type: 'SameApprover',
        message: `${decision.operator.name} already approved "${decision.step}"; a second, different approver is required`,
      };
    }
    if (policy.forbidSelfApproval && requesters.includes(decision.operator.name)) {
      return {
        type: 'SelfApproval',
        message: `${decision.operator.name} raised an alert for this incident and may not approve "${decision.step}" (four-eyes policy)`,
      };
    }
  }
  return undefined;
}
