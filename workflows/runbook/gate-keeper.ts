/**
 * Gates inside the workflow: waits (durably, with `condition` timeouts) for operator decisions
 * under a GatePolicy, applies timeout outcomes, pages people (pager.ts: fire-and-record, one
 * idempotency key per incident, step, kind and round), and answers the decide update.
 * The refusal rules are the pure `refuseDecision` in gate.ts; this class only holds which gates
 * are open.
 * Invariant: a decision counts only for a gate that is awaiting approval.
 */
import { condition } from '@temporalio/workflow';
import type { GatePolicy, StepDecision, StepDecisionResult } from '../../src/domain/gate';
import type { PeopleNotice } from '../../src/domain/people-notice';
import { refuseDecision, requiredApprovals, type GateRefusal } from '../../src/domain/gate';
import type { IncidentState } from './incident-state';
import type { Pager } from '../people-notices/pager';

const nowIso = (): string => new Date().toISOString();

export interface GateResult {
  passed: boolean;
  status: 'done' | 'skipped';
  detail: string;
}

export interface GateKeeperOptions {
  /** Identities that asked for the gated actions (the opener); four-eyes forbids them approving. */
  requesters: string[];
  pager: Pager;
  /** Plan mode: a gate never waits; it records who it would wait for and the plan goes on. */
  rehearse?: boolean;
}

export class GateKeeper {
  private readonly policies = new Map<string, GatePolicy>();
  private readonly decisions = new Map<string, 'approve' | 'reject'>();
  private readonly rejections = new Map<string, { by: string; reason: string }>();
  private readonly autoReasons = new Map<string, string>();
  private readonly requesters: string[];
  private closed = false;

  constructor(
    private readonly state: IncidentState,
    private readonly opts: GateKeeperOptions,
  ) {
    this.requesters = [...opts.requesters];
  }

  /** A later alert's sender also asked for these actions. */
  addRequester(identity: string): void {
    if (!this.requesters.includes(identity)) this.requesters.push(identity);
  }

  get requesterIdentities(): string[] {
    return [...this.requesters];
  }

  /** Why the decide update must refuse `d` (a catalogue type, thrown by the validator), or undefined. */
  refuse(d: StepDecision): GateRefusal | undefined {
    return refuseDecision(d, this.state.hasStep(d.step) ? this.state.step(d.step) : undefined, this.policies.get(d.step), this.requesters);
  }

  /** Applies a decision the validator accepted. */
  decide(d: StepDecision): StepDecisionResult {
    const at = nowIso();
    const required = requiredApprovals(this.policies.get(d.step)!);
    if (d.decision === 'reject') {
      this.state.log({
        at,
        kind: 'approval',
        step: d.step,
        actor: d.operator.name,
        message: `${d.operator.name} rejected: ${d.reason}`,
        data: { roles: d.operator.roles },
      });
      this.decisions.set(d.step, 'reject');
      this.rejections.set(d.step, { by: d.operator.name, reason: d.reason });
      return { step: d.step, status: 'rejected', approvals: this.state.step(d.step).approvals?.length ?? 0, required };
    }
    const count = this.state.recordApproval(d.step, d.operator.name, d.reason, at);
    if (count >= required) this.decisions.set(d.step, 'approve');
    return { step: d.step, status: count >= required ? 'approved' : 'awaiting-approval', approvals: count, required };
  }

  /** Waits for the gate; the caller records the returned final status. */
  async pass(name: string, policy: GatePolicy): Promise<GateResult> {
    if (policy.mode === 'auto') return { passed: true, status: 'done', detail: 'approved automatically by policy' };
    const required = requiredApprovals(policy);
    if (this.opts.rehearse) {
      const fourEyes = policy.forbidSelfApproval && this.requesters.length ? `, not by ${this.requesters.join(' or ')}` : '';
      return {
        passed: true,
        status: 'done',
        detail: `plan: would wait for ${required} approval(s) from ${policy.approverRoles.join('/')}${fourEyes}, up to ${policy.timeoutMinutes} min (then ${policy.onTimeout}); planned as approved`,
      };
    }
    this.policies.set(name, policy);
    this.state.transition(
      name,
      'awaiting-approval',
      nowIso(),
      `needs ${required} approval(s) from ${policy.approverRoles.join('/')}; on no decision within ${policy.timeoutMinutes} min: ${policy.onTimeout}`,
    );
    this.page(
      name,
      policy,
      'approval-needed',
      0,
      policy.notify ?? [],
      `${this.title(name)} needs ${required} approval(s) from ${policy.approverRoles.join('/')}`,
    );
    for (let round = 1; ; round += 1) {
      if (await condition(() => this.decisions.has(name) || this.closed, `${policy.timeoutMinutes}m`)) break;
      const waited = `no decision within ${policy.timeoutMinutes * round} min`;
      const contacts = policy.escalateTo ?? policy.notify ?? [];
      if (policy.onTimeout === 'proceed' || policy.onTimeout === 'abort') {
        const outcome = policy.onTimeout === 'proceed' ? 'proceeding by policy' : 'aborted by policy';
        this.page(name, policy, 'overdue', round, contacts, `${this.title(name)}: ${waited}; ${outcome}`);
        return policy.onTimeout === 'proceed'
          ? { passed: true, status: 'done', detail: `${waited}: proceeding by policy` }
          : { passed: false, status: 'skipped', detail: `${waited}: aborted by policy` };
      }
      this.state.log({
        at: nowIso(),
        kind: 'approval',
        step: name,
        message: `${waited}: escalation ${round}${contacts.length ? ` to ${contacts.join(', ')}` : ''}; still waiting`,
      });
      this.page(name, policy, 'escalation', round, contacts, `${this.title(name)}: ${waited}; escalation ${round}`);
    }
    if (!this.decisions.has(name)) return { passed: false, status: 'skipped', detail: 'the incident was closed before a decision' };
    const approved = this.decisions.get(name) === 'approve';
    return {
      passed: approved,
      status: approved ? 'done' : 'skipped',
      detail: approved ? (this.autoReasons.get(name) ?? 'approved') : 'rejected by an operator',
    };
  }

  /**
   * A more severe alert made this gate's policy automatic: an open gate passes at once, with the
   * reason as its detail. A gate not waiting is left alone.
   */
  relax(name: string, reason: string): void {
    if (!this.policies.has(name) || this.decisions.has(name) || this.state.step(name).status !== 'awaiting-approval') return;
    this.autoReasons.set(name, reason);
    this.decisions.set(name, 'approve');
  }

  /** Who rejected this gate and why, when an operator did. */
  rejectionOf(name: string): { by: string; reason: string } | undefined {
    return this.rejections.get(name);
  }

  /** Closing the incident ends every open gate without a decision. */
  close(): void {
    this.closed = true;
  }

  get pending(): number {
    return [...this.policies.keys()].filter((n) => this.state.step(n).status === 'awaiting-approval').length;
  }

  private title(name: string): string {
    return this.state.step(name).title;
  }

  private page(step: string, policy: GatePolicy, kind: PeopleNotice['kind'], round: number, to: string[], message: string): void {
    const approvalsNeeded = Math.max(0, requiredApprovals(policy) - (this.state.step(step).approvals?.length ?? 0));
    this.opts.pager.page({ step, kind, round, to, message, approverRoles: policy.approverRoles, approvalsNeeded });
  }
}
