/**
 * A later, more severe alert tightens the incident's runbook. The incident was opened under the
 * policy of its first alert's severity (config: e.g. low → record only, medium → contain after
 * approval, critical → contain automatically); each alert batch carries the sender's policy for
 * its own highest severity (AlertsPolicyHint), and a higher severity than the one in force:
 *   - becomes the policy later steps read (the live input the runbook context holds);
 *   - passes an open gate at once when the new policy makes that gate automatic;
 *   - asks for a second pass of the runbook when the first one only recorded (contain skipped
 *     because the old policy records only) — `needsRerun`, which the workflow acts on.
 * Never loosens: a less severe alert changes nothing. Plan mode ignores it. A sender whose source
 * may not tighten policy (the hint's `mayTighten: false`) changes nothing either, and the refusal
 * is written to the timeline.
 * Histories without the 'escalate-on-severity' marker replay without escalation.
 */
import { patched } from '@temporalio/workflow';
import { severityRank } from '../../src/domain/incident';
import type { AlertsPolicyHint, IncidentInput } from '../definitions';
import type { GatePolicy } from '../../src/domain/gate';
import type { GateKeeper } from '../runbook/gate-keeper';
import type { IncidentState } from '../runbook/incident-state';

const nowIso = (): string => new Date().toISOString();
const mode = (g: GatePolicy | 'record-only') =>
  g === 'record-only' ? 'record only' : g.mode === 'auto' ? 'automatic' : `after ${g.mode === 'two-person' ? 'two approvals' : 'approval'}`;

export class SeverityEscalation {
  private pending: AlertsPolicyHint | undefined;
  private readonly refusals: string[] = [];
  private target?: { state: IncidentState; gates: GateKeeper };
  private rerunStarted = false;

  /** `live` is the input the runbook reads; its policy is replaced on escalation. */
  constructor(private readonly live: IncidentInput) {}

  /** From the alerts signal handler (possibly before the state exists). */
  offer(hint: AlertsPolicyHint | undefined): void {
    if (!hint || this.live.dryRun || severityRank[hint.severity] <= severityRank[this.pending?.severity ?? this.live.severity]) return;
    if (hint.mayTighten === false) {
      const who = hint.requestedBy
        ? `${hint.requestedBy.name}${hint.requestedBy.kind === 'source' ? ` via ${hint.requestedBy.source}` : ''}`
        : 'its sender';
      this.refusals.push(
        `a ${hint.severity} alert from ${who} did not raise the policy: that source may not tighten an open incident's policy (CORDON_SOURCE_MAY_TIGHTEN); an operator's alert can`,
      );
      if (this.target) this.logRefusals();
      return;
    }
    this.pending = hint;
    if (this.target) this.apply();
  }

  /** Once the state and gates exist: applies what arrived before. */
  attach(state: IncidentState, gates: GateKeeper): void {
    this.target = { state, gates };
    this.logRefusals();
    if (this.pending) this.apply();
  }

  private logRefusals(): void {
    for (const message of this.refusals.splice(0)) this.target!.state.log({ at: nowIso(), kind: 'note', message });
  }

  /** The first pass only recorded, and the policy now in force contains. */
  needsRerun(): boolean {
    if (this.rerunStarted || !this.target || this.live.policy.contain === 'record-only') return false;
    const { state } = this.target;
    return state.hasStep('contain') && state.step('contain').status === 'skipped' && state.step('contain').detail === RECORD_ONLY;
  }

  markRerun(): void {
    this.rerunStarted = true;
  }

  private apply(): void {
    const hint = this.pending!;
    const { state, gates } = this.target!;
    this.pending = undefined;
    if (!patched('escalate-on-severity')) return;
    const from = this.live.severity;
    this.live.policy = hint.policy;
    this.live.severity = hint.severity;
    state.log({
      at: nowIso(),
      kind: 'note',
      message: `severity raised from ${from} to ${hint.severity} by a later alert: now containing ${mode(hint.policy.contain)}, replacing ${mode(hint.policy.replace)}`,
    });
    const reason = `approved automatically: severity raised to ${hint.severity}`;
    if (hint.policy.contain !== 'record-only' && hint.policy.contain.mode === 'auto') gates.relax('contain', reason);
    if (hint.policy.replace.mode === 'auto') gates.relax('replace', reason);
  }
}

/** The contain gate's detail when the policy records only (step-registry.ts). */
export const RECORD_ONLY = 'severity policy records only';
