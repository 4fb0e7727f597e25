/**
 * The catalogue of runbook steps: every step a runbook file may name, with its title, kind
 * (action or gate), typed parameters, the effects the engine's invariants reason about, whether
 * it may run alongside the chain, and its compensation. The implementations live in
 * workflows/runbook/step-registry.ts under the same names; the README's step table is generated
 * from this file (src/runbooks/catalogue-table.ts).
 * Effects: `protects-evidence` (termination protection, stop on shutdown, keep volumes),
 * `may-destroy-evidence` (must run after evidence protection), `may-terminate-accused` (must run
 * after the accused left its group, or say `terminateAccused: true`), `uses-known-good` (acts only
 * on the image the known-good step chose; no step takes an image id).
 * Plain data, no dependencies: workflows import it.
 */

export type StepEffect = 'protects-evidence' | 'may-destroy-evidence' | 'may-terminate-accused' | 'uses-known-good';

export type StepParam =
  | { name: string; type: 'boolean'; default: boolean; description: string }
  | { name: string; type: 'number'; min: number; max: number; default?: number; description: string }
  | { name: string; type: 'enum'; values: readonly string[]; default?: string; description: string };

export interface CatalogueEntry {
  title: string;
  kind: 'action' | 'gate';
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
const action = (title: string, more: Partial<CatalogueEntry> = {}): CatalogueEntry => ({
  title,
  kind: 'action',
  params: noParams,
  effects: [],
  ...more,
});
const gate = (title: string, policyGate: CatalogueEntry['policyGate']): CatalogueEntry => ({
  title,
  kind: 'gate',
  params: noParams,
  effects: [],
  policyGate,
});

export const stepCatalogue = {
  describe: action('Record the original state (describe the target)'),
  contain: gate('Approve containment', 'contain'),
  'tag-containing': action('Tag ir:case and ir:status=containing'),
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
  'tag-quarantined': action('Tag ir:status=quarantined'),
  'fleet-release': action('Return the containment reservation to the fleet guard'),
  'capture-metadata': action('Store the instance metadata as evidence'),
  'capture-alerts': action('Store the alerts as evidence'),
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
} as const satisfies Record<string, CatalogueEntry>;

export type StepName = keyof typeof stepCatalogue;
export const stepNames = Object.keys(stepCatalogue) as StepName[];

export function catalogueEntry(name: StepName): CatalogueEntry {
  return stepCatalogue[name];
}

export function isStepName(name: string): name is StepName {
  return Object.prototype.hasOwnProperty.call(stepCatalogue, name);
}
