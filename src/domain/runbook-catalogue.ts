/**
 * The catalogue of runbook steps: every step a runbook file may name, with its title, kind
 * (action or gate), typed parameters, the effects the engine's invariants reason about, whether
 * it may run alongside the chain, its compensation, and the resource kinds it acts on (a runbook
 * matches one kind and may name only that kind's steps). The implementations live in
 * workflows/runbook/step-registry.ts under the same names; the README's step table is generated
 * from this file (src/runbooks/catalogue-table.ts).
 * Effects: `protects-evidence` (termination protection, stop on shutdown, keep volumes),
 * `may-destroy-evidence` (must run after evidence protection), `may-terminate-accused` (must run
 * after the accused left its group, or say `terminateAccused: true`), `uses-known-good` (acts only
 * on the image the known-good step chose; no step takes an image id), `captures-principal` (stores
 * the accused principal's description and policies as evidence), `alters-principal` (changes the
 * accused principal or its keys: must run after an unconditional `capture-principal`). No step
 * deletes a user, a role or a key: containment deactivates and denies, so the evidence stays.
 * Plain data, no dependencies: workflows import it.
 */
import type { ResourceKind } from './incident';

export type StepEffect =
  | 'protects-evidence'
  | 'may-destroy-evidence'
  | 'may-terminate-accused'
  | 'uses-known-good'
  | 'captures-principal'
  | 'alters-principal';

export type StepParam =
  | { name: string; type: 'boolean'; default: boolean; description: string }
  | { name: string; type: 'number'; min: number; max: number; default?: number; description: string }
  | { name: string; type: 'enum'; values: readonly string[]; default?: string; description: string };

export interface CatalogueEntry {
  title: string;
  kind: 'action' | 'gate';
  /** The resource kinds the step acts on (default: EC2 instances only). */
  kinds: readonly ResourceKind[];
  params: readonly StepParam[];
  effects: readonly StepEffect[];
  /** The step may start in the chain and finish beside it (`alongside: true`): forensics that must not delay isolation. */
  alongside?: boolean;
  /** What runs when the step fails, switchable with `compensate: false`. */
  compensation?: string;
  /** A gate whose default (`gate: policy`) is the severity policy's gate of this name. */
  policyGate?: 'contain' | 'replace' | 'revokeSessions' | 'imageSuspect.refresh';
}

const noParams: readonly StepParam[] = [];
const ec2: readonly ResourceKind[] = ['ec2-instance'];
const iam: readonly ResourceKind[] = ['iam-access-key'];
const any: readonly ResourceKind[] = ['ec2-instance', 'iam-access-key'];
const action = (title: string, more: Partial<CatalogueEntry> = {}): CatalogueEntry => ({
  title,
  kind: 'action',
  kinds: ec2,
  params: noParams,
  effects: [],
  ...more,
});
const gate = (title: string, policyGate: CatalogueEntry['policyGate'], kinds = ec2): CatalogueEntry => ({
  title,
  kind: 'gate',
  kinds,
  params: noParams,
  effects: [],
  policyGate,
});

export const stepCatalogue = {
  describe: action('Record the original state (describe the target)', { kinds: any }),
  contain: gate('Approve containment', 'contain', any),
  'tag-containing': action('Tag ir:case and ir:status=containing', { kinds: any }),
  'protect-evidence': action('Protect the evidence (termination protection, shutdown stop, keep volumes)', {
    effects: ['protects-evidence'],
  }),
  'snapshot-volumes': action('Snapshot every attached volume (crash-consistent, tagged with the incident)', { alongside: true }),
  'scale-in-protection': action('Protect from scale-in'),
  'known-good': action('Pick the last known-good image'),
  'fleet-budget': action("Reserve containment capacity from the group's fleet guard (over budget: wait, or an approver releases it)"),
  'point-group': action('Point the group at a new launch template version with the known-good image', { effects: ['uses-known-good'] }),
  'leave-group': action('Leave the Auto Scaling group without decrementing desired capacity', {
    effects: ['may-destroy-evidence'],
    params: [
      {
        name: 'mode',
        type: 'enum',
        values: ['detach', 'standby'],
        description: "detach (the group launches a replacement) or Standby; default: the policy's leaveGroup, else detach",
      },
    ],
  }),
  'deregister-targets': action('Deregister from every load balancer target group'),
  'capture-console': action('Capture the console output (and screenshot where available)', { alongside: true }),
  'capture-memory': action('Capture memory through SSM Run Command', {
    alongside: true,
    params: [
      {
        name: 'budgetMinutes',
        type: 'number',
        min: 1,
        max: 60,
        description: "how long isolation waits for the capture; default: the policy's forensics.memoryTimeoutMinutes, else 3",
      },
    ],
  }),
  isolate: action('Isolate the network (two-stage security-group swap)'),
  'cut-credentials': action('Cut the instance credentials (disassociate the instance profile)'),
  'approve-revoke-sessions': gate('Approve denying older sessions of the instance role', 'revokeSessions'),
  'revoke-sessions': action('Deny sessions issued before now on the instance role (AWSRevokeOlderSessions)'),
  'tag-quarantined': action('Tag ir:status=quarantined', { kinds: any }),
  'fleet-release': action('Return the containment reservation to the fleet guard'),
  'capture-metadata': action('Store the instance metadata as evidence'),
  'capture-alerts': action('Store the alerts as evidence', { kinds: any }),
  replace: gate('Approve replacement', 'replace'),
  'verify-replacement': action('Wait for a healthy replacement on the known-good image', {
    compensation: "restore the group's previous launch template version",
    params: [
      {
        name: 'deadlineMinutes',
        type: 'number',
        min: 1,
        max: 1440,
        description: "how long to wait for a healthy replacement; default: the policy's, else 15",
      },
      {
        name: 'pollSeconds',
        type: 'number',
        min: 5,
        max: 600,
        description: "time between reads of the group; default: the policy's, else 15",
      },
    ],
  }),
  'approve-refresh': gate('Approve an instance refresh of the whole group (image suspect)', 'imageSuspect.refresh'),
  'instance-refresh': action('Refresh every instance of the group onto the known-good version', {
    effects: ['may-destroy-evidence', 'may-terminate-accused', 'uses-known-good'],
    params: [
      {
        name: 'terminateAccused',
        type: 'boolean',
        default: false,
        description: 'say so to run the refresh before the accused instance left its group (it would be terminated)',
      },
    ],
  }),
  'capture-principal': action("Store the principal's description and its policy documents as evidence", {
    kinds: iam,
    effects: ['captures-principal'],
  }),
  'deactivate-access-key': action('Deactivate the accused access key (UpdateAccessKey Status=Inactive; never deleted)', {
    kinds: iam,
    effects: ['alters-principal'],
  }),
  'revoke-principal-sessions': action(
    'Deny sessions issued before now on the principal (inline AWSRevokeOlderSessions, aws:TokenIssueTime)',
    { kinds: iam, effects: ['alters-principal'] },
  ),
  'capture-cloudtrail': action("Store CloudTrail's event history for the access key as evidence (LookupEvents)", {
    kinds: iam,
    params: [
      {
        name: 'lookbackHours',
        type: 'number',
        min: 1,
        max: 2160,
        description: 'how far back to look from the first sighting (CloudTrail keeps 90 days); default 24',
      },
    ],
  }),
} as const satisfies Record<string, CatalogueEntry>;

export type StepName = keyof typeof stepCatalogue;
export const stepNames = Object.keys(stepCatalogue) as StepName[];

export function catalogueEntry(name: StepName): CatalogueEntry {
  return stepCatalogue[name];
}

/** Whether the step acts on this kind of resource. */
export function stepActsOn(name: StepName, kind: ResourceKind): boolean {
  return catalogueEntry(name).kinds.includes(kind);
}

export function isStepName(name: string): name is StepName {
  return Object.prototype.hasOwnProperty.call(stepCatalogue, name);
}
