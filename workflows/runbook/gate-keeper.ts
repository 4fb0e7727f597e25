/**
 * Gates inside the workflow: waits (durably, with `condition` timeouts) for operator decisions
 * under a GatePolicy, applies timeout outcomes, and answers the decide update. The refusal rules
 * are the pure `refuseDecision` in gate.ts; this class only holds which gates are open.
 * Invariant: a decision counts only for a gate that is awaiting approval.
 */
import { condition } from '@temporalio/workflow';
import type { GatePolicy, StepDecision, StepDecisionResult } from '../definitions';
import { refuseDecision, requiredApprovals, type GateRefusal } from './gate';
import type { IncidentState } from './incident-state';

const nowIso = (): string => new Date().toISOString();

export interface GateResult { passed: boolean; status: 'done' | 'skipped'; detail: string }

export class GateKeeper {
  private readonly policies = new Map<string, GatePolicy>();
  private readonly decisions = new Map<string, 'approve' | 'reject'>();
  private closed = false;

  constructor(private readonly state: IncidentState, private readonly requestedBy: string) {}

  refuse(d: StepDecision): GateRefusal | undefined {
    return refuseDecision(d, this.state.hasStep(d.step) ? this.state.step(d.step) : undefined, this.policies.get(d.step), this.requestedBy);
  }

  /** Applies a decision the validator accepted. */
  decide(d: StepDecision): StepDecisionResult {
    const at = nowIso();
    const required = requiredApprovals(this.policies.get(d.step)!);
    if (d.decision === 'reject') {
      this.state.log({ at, kind: 'approval', step: d.step, actor: d.operator.name, message: `${d.operator.name} rejected: ${d.reason}` });
      this.decisions.set(d.step, 'reject');
      return { step: d.step, status: 'rejected', approvals: this.state.step(d.step).approvals?.length ?? 0, required };
    }
    const count = this.state.recordApproval(d.step, d.operator.name, d.reason, at);
    if (count >= required) this.decisions.set(d.step, 'approve');
    return { step: d.step, status: count >= required ? 'approved' : 'awaiting-approval', approvals: count, required };
  }

  /** Waits for the gate; the caller records the returned final status. */
  async pass(name: string, policy: GatePolicy): Promise<GateResult> {
    if (policy.mode === 'auto') return { passed: true, status: 'done', detail: 'approved automatically by policy' };
    this.policies.set(name, policy);
    this.state.transition(name, 'awaiting-approval', nowIso(), `needs ${requiredApprovals(policy)} approval(s) from ${policy.approverRoles.join('/')}`);
    for (;;) {
      if (await condition(() => this.decisions.has(name) || this.closed, `${policy.timeoutMinutes}m`)) break;
      if (policy.onTimeout === 'proceed') return { passed: true, status: 'done', detail: `no decision within ${policy.timeoutMinutes} min: proceeding by policy` };
      if (policy.onTimeout === 'abort') return { passed: false, status: 'skipped', detail: `no decision within ${policy.timeoutMinutes} min: aborted by policy` };
      this.state.log({ at: nowIso(), kind: 'approval', step: name, message: `no decision within ${policy.timeoutMinutes} min: escalating` });
    }
    if (!this.decisions.has(name)) return { passed: false, status: 'skipped', detail: 'the incident was closed before a decision' };
    const approved = this.decisions.get(name) === 'approve';
    return { passed: approved, status: approved ? 'done' : 'skipped', detail: approved ? 'approved' : 'rejected by an operator' };
  }

  /** Closing the incident ends every open gate without a decision. */
  close(): void { this.closed = true; }

  get pending(): number { return [...this.policies.keys()].filter((n) => this.state.step(n).status === 'awaiting-approval').length; }
}
