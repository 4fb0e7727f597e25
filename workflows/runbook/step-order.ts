/**
 * The default runbook as an ordered list of step names (AWS.md §1.2, synthesised order):
 * record state → gate → tag → protect evidence → scale-in protection → known-good image →
 * point the group at it → reserve capacity from the fleet guard → leave the group → leave target
 * groups → isolate → cut credentials (→ gated revoke of older sessions) → final tags → return the
 * fleet reservation; then recovery: gate → verify the replacement (→ gated instance refresh when
 * the image is suspect).
 * Fleet guard (fleet-steps.ts): the reservation is awaited (`fleet-budget`) just before the first
 * step that takes capacity away — leave the group, or isolate when isolation goes first — and
 * returned after the final tags, so every step that takes capacity away runs inside it.
 * Forensics slots: snapshots start right after evidence protection (§1.2 step 8: no network
 * needed, so the earliest point-in-time copy); console output and, when the policy switches it
 * on, memory through SSM sit just before isolation (step 7: volatile, the agent still reaches
 * SSM); metadata and the alerts follow the chain while the group replaces the instance. No
 * containment step requires a forensics step, so a failed capture never blocks containment.
 * The same order as data: runbooks/ec2-compromised-instance.yaml (a unit test holds them equal).
 * Pure: the workflow and unit tests call it.
 */
import type { RunbookPolicy } from '../../src/domain/runbook-policy';
import { stepCatalogue, type StepName } from '../../src/domain/runbook-catalogue';

/** Each catalogue step's title (src/domain/runbook-catalogue.ts is where steps are declared). */
export const stepTitles = Object.fromEntries(Object.entries(stepCatalogue).map(([name, entry]) => [name, entry.title])) as Record<
  StepName,
  string
>;

export type { StepName };

export const recoverySteps: readonly StepName[] = ['replace', 'verify-replacement', 'approve-refresh', 'instance-refresh'];

export function runbookStepNames(policy: RunbookPolicy, threat: { activeThreat: boolean }): StepName[] {
  const chain: StepName[] = [
    'tag-containing',
    'protect-evidence',
    'snapshot-volumes',
    'scale-in-protection',
    'known-good',
    'point-group',
    'leave-group',
    'deregister-targets',
    'capture-console',
    ...(policy.forensics?.memory ? ['capture-memory' as const] : []),
    'isolate',
    'cut-credentials',
  ];
  if (policy.revokeSessions && policy.revokeSessions !== 'off') chain.push('approve-revoke-sessions', 'revoke-sessions');
  chain.push('tag-quarantined', 'fleet-release');
  // AWS.md §1.2 step 7 note: with active exfiltration or C2, cut the network first and accept the cost.
  const ordered: StepName[] =
    threat.activeThreat && policy.isolateFirstOnActiveThreat ? ['isolate', ...chain.filter((s) => s !== 'isolate')] : chain;
  // The fleet guard's reservation comes before whichever of leave-group and isolate runs first.
  const first = ordered.findIndex((s) => s === 'leave-group' || s === 'isolate');
  if (first >= 0) ordered.splice(first, 0, 'fleet-budget');
  const evidence: StepName[] = ['capture-metadata', 'capture-alerts'];
  const recovery: StepName[] = ['replace', 'verify-replacement'];
  if (policy.imageSuspect) recovery.push('approve-refresh', 'instance-refresh');
  return ['describe', 'contain', ...ordered, ...evidence, ...recovery];
}
