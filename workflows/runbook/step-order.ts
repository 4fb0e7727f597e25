/**
 * The default runbook as an ordered list of step names (AWS.md §1.2, synthesised order):
 * record state → gate → tag → protect evidence → scale-in protection → known-good image →
 * point the group at it → reserve capacity from the fleet guard → leave the group → leave target
 * groups → isolate → cut credentials (→ gated revoke of older sessions) → final tags → return the
 * fleet reservation; then recovery: gate → verify the replacement (→ gated instance refresh when
 * the image is suspect).
 * Fleet guard (fleet-steps.ts): the reservation is asked for just before the first step that takes
 * capacity away — leave the group, or isolate when isolation goes first — and returned after the
 * final tags, so every step that takes capacity away runs inside it.
 * Forensics slots: snapshots start right after evidence protection (§1.2 step 8: no network
 * needed, so the earliest point-in-time copy); console output and, when the policy switches it
 * on, memory through SSM sit just before isolation (step 7: volatile, the agent still reaches
 * SSM); metadata and the alerts follow the chain while the group replaces the instance. No
 * containment step requires a forensics step, so a failed capture never blocks containment.
 * Pure: the workflow and unit tests call it.
 */
import type { RunbookPolicy } from '../../src/domain/runbook-policy';

export const stepTitles = {
  describe: 'Record the original state (describe the target)',
  contain: 'Approve containment',
  'tag-containing': 'Tag ir:case and ir:status=containing',
  'protect-evidence': 'Protect the evidence (termination protection, shutdown stop, keep volumes)',
  'snapshot-volumes': 'Snapshot every attached volume (crash-consistent, tagged with the incident)',
  'scale-in-protection': 'Protect from scale-in',
  'known-good': 'Pick the last known-good image',
  'fleet-budget': 'Reserve containment capacity from the group\'s fleet guard (over budget: wait, or an approver releases it)',
  'point-group': 'Point the group at a new launch template version with the known-good image',
  'leave-group': 'Leave the Auto Scaling group without decrementing desired capacity',
  'deregister-targets': 'Deregister from every load balancer target group',
  'capture-console': 'Capture the console output (and screenshot where available)',
  'capture-memory': 'Capture memory through SSM Run Command',
  isolate: 'Isolate the network (two-stage security-group swap)',
  'cut-credentials': 'Cut the instance credentials (disassociate the instance profile)',
  'approve-revoke-sessions': 'Approve denying older sessions of the instance role',
  'revoke-sessions': 'Deny sessions issued before now on the instance role (AWSRevokeOlderSessions)',
  'tag-quarantined': 'Tag ir:status=quarantined',
  'fleet-release': 'Return the containment reservation to the fleet guard',
  'capture-metadata': 'Store the instance metadata as evidence',
  'capture-alerts': 'Store the alerts as evidence',
  replace: 'Approve replacement',
  'verify-replacement': 'Wait for a healthy replacement on the known-good image',
  'approve-refresh': 'Approve an instance refresh of the whole group (image suspect)',
  'instance-refresh': 'Refresh every instance of the group onto the known-good version',
} as const;

export type StepName = keyof typeof stepTitles;

export const recoverySteps: readonly StepName[] = ['replace', 'verify-replacement', 'approve-refresh', 'instance-refresh'];

export function runbookStepNames(policy: RunbookPolicy, threat: { activeThreat: boolean }): StepName[] {
  const chain: StepName[] = [
    'tag-containing', 'protect-evidence', 'snapshot-volumes', 'scale-in-protection', 'known-good', 'point-group', 'leave-group', 'deregister-targets',
    'capture-console', ...(policy.forensics?.memory ? ['capture-memory' as const] : []), 'isolate', 'cut-credentials',
  ];
  if (policy.revokeSessions && policy.revokeSessions !== 'off') chain.push('approve-revoke-sessions', 'revoke-sessions');
  chain.push('tag-quarantined', 'fleet-release');
  // AWS.md §1.2 step 7 note: with active exfiltration or C2, cut the network first and accept the cost.
  const ordered: StepName[] = threat.activeThreat && policy.isolateFirstOnActiveThreat ? ['isolate', ...chain.filter((s) => s !== 'isolate')] : chain;
  // The fleet guard's reservation comes before whichever of leave-group and isolate runs first.
  const first = ordered.findIndex((s) => s === 'leave-group' || s === 'isolate');
  if (first >= 0) ordered.splice(first, 0, 'fleet-budget');
  const evidence: StepName[] = ['capture-metadata', 'capture-alerts'];
  const recovery: StepName[] = ['replace', 'verify-replacement'];
  if (policy.imageSuspect) recovery.push('approve-refresh', 'instance-refresh');
  return ['describe', 'contain', ...ordered, ...evidence, ...recovery];
}
