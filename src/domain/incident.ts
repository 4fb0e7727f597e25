/**
 * Plain data types of an incident, shared by workflows, activities, the API and the CLI, and
 * the severity order. Dependency-free (types only from the domain) so the workflow sandbox can import them.
 */
import type { Provenance } from './provenance';

/** The kinds of resource an incident can accuse; runbooks match on them (`matches.resourceKind`). */
export const resourceKinds = ['ec2-instance', 'iam-access-key'] as const;
export type ResourceKind = (typeof resourceKinds)[number];

/** An EC2 instance (`kind` is absent in incidents opened before other kinds existed). */
export interface InstanceRef {
  kind?: 'ec2-instance';
  account: string;
  region: string;
  instanceId: string;
}

/**
 * An IAM access key, as the finding names it: the key, and the principal it belongs to when the
 * source says (GuardDuty `accessKeyDetails`, Security Hub `AwsIamAccessKey`). `region` is where the
 * activity was seen (IAM itself is global; CloudTrail's event history is per region).
 */
export interface AccessKeyRef {
  kind: 'iam-access-key';
  account: string;
  region: string;
  accessKeyId: string;
  /** The IAM user's name, or the role's for an `AssumedRole` key. */
  userName?: string;
  /** GuardDuty's userType: `IAMUser`, `AssumedRole`, `Root`, `FederatedUser`, … */
  userType?: string;
  principalId?: string;
}

export type ResourceRef = InstanceRef | AccessKeyRef;

export function resourceKindOf(resource: ResourceRef): ResourceKind {
  return resource.kind ?? 'ec2-instance';
}

export function isAccessKeyRef(resource: ResourceRef): resource is AccessKeyRef {
  return resource.kind === 'iam-access-key';
}

/** What the incident accuses, in a few words (`i-0abc…`, `access key AKIA… of alice`). */
export function resourceLabel(resource: ResourceRef): string {
  if (!isAccessKeyRef(resource)) return resource.instanceId;
  return `access key ${resource.accessKeyId}${resource.userName ? ` of ${resource.userName}` : ''}`;
}

export type Severity = 'low' | 'medium' | 'high' | 'critical';
/** Higher is more severe: an incident's severity is its most severe alert's. */
export const severityRank: Readonly<Record<Severity, number>> = { low: 0, medium: 1, high: 2, critical: 3 };

/** What an incident keeps of one alert (the full raw payload goes to the evidence store). */
export interface IncidentAlert {
  source: string;
  sourceId: string;
  dedupKey: string;
  /** The severity whose policy applies: what the alert claimed, capped at its source's ceiling (source-trust.ts). */
  severity: Severity;
  /** What the alert claimed, when its source's ceiling capped it. */
  claimedSeverity?: Severity;
  title: string;
  /** The source's finding type (GuardDuty `Type`, Security Hub's first `Types` entry), when it has one: runbooks match on it. */
  findingType?: string;
  status: 'firing' | 'resolved';
  firstSeen: string;
  lastSeen: string;
  receivedAt: string;
  indicators?: { exfiltration?: boolean; commandAndControl?: boolean };
}

export interface AlertTally {
  dedupKey: string;
  source: string;
  title: string;
  severity: Severity;
  status: 'firing' | 'resolved';
  count: number;
  firstSeen: string;
  lastSeen: string;
}

export type StepStatus = 'pending' | 'awaiting-approval' | 'running' | 'done' | 'failed' | 'skipped';

export interface StepState {
  name: string;
  title: string;
  status: StepStatus;
  startedAt?: string;
  endedAt?: string;
  detail?: string;
  error?: string;
  approvals?: { by: string; at: string; reason: string }[];
}

export interface TimelineEntry {
  at: string;
  kind: 'alert' | 'step' | 'approval' | 'aws' | 'evidence' | 'notification' | 'note';
  step?: string;
  message: string;
  actor?: string;
  data?: Record<string, unknown>;
}

export type IncidentPhase = 'open' | 'containing' | 'contained' | 'recovering' | 'monitoring' | 'failed' | 'closed';

export interface IncidentSnapshot {
  incidentId: string;
  resource: ResourceRef;
  severity: Severity;
  phase: IncidentPhase;
  openedAt: string;
  dryRun: boolean;
  alertCount: number;
  alerts: AlertTally[];
  steps: StepState[];
  timeline: TimelineEntry[];
  target?: TargetDescription;
  /** The described principal of an access-key incident (in place of `target`). */
  principal?: PrincipalDescription;
  plan?: PlannedCall[];
  /** The runbook the incident runs, as pinned at its start (absent: the built-in order). */
  runbook?: { name: string; version: string; sha256: string };
  /** Who started it and how: an alert's sender, or an operator's manual run (`via: 'manual'`, with the reason). */
  provenance?: Provenance;
}

/** A call the runbook makes (or, in plan mode, would make). */
export interface PlannedCall {
  step: string;
  service: 'ec2' | 'autoscaling' | 'elbv2' | 'iam' | 's3' | 'ssm' | 'cloudtrail';
  operation: string;
  input: Record<string, unknown>;
}

export interface NetworkInterfaceRef {
  networkInterfaceId: string;
  vpcId: string;
  groupIds: string[];
  publicIp?: string;
  allocationId?: string;
  associationId?: string;
}

export interface TargetDescription {
  instanceId: string;
  state: string;
  imageId: string;
  vpcId: string;
  launchTime?: string;
  instanceType?: string;
  networkInterfaces: NetworkInterfaceRef[];
  volumes: { volumeId: string; deviceName: string; deleteOnTermination: boolean }[];
  instanceProfile?: { arn: string; associationId?: string };
  tags: Record<string, string>;
  autoScalingGroup?: {
    name: string;
    lifecycleState: string;
    launchTemplate?: { id: string; name?: string; version: string };
    desiredCapacity: number;
    /** Members at describe time: a replacement is any later member (recovery verification). */
    memberInstanceIds?: string[];
  };
  targetGroupArns: string[];
  terminationProtected: boolean;
  shutdownBehavior?: string;
}

/** One access key of the principal, as IAM reports it. */
export interface AccessKeyState {
  accessKeyId: string;
  status: string;
  createdAt?: string;
  lastUsed?: { at?: string; service?: string; region?: string };
}

/**
 * The accused principal of an access-key incident, recorded before anything changes it: the
 * user (or role) the key belongs to, every key it has with status and last use, its policies
 * (names; the documents go to the evidence store) and its tags (data classification included).
 */
export interface PrincipalDescription {
  kind: 'iam-user' | 'iam-role';
  name: string;
  arn: string;
  principalId?: string;
  createdAt?: string;
  /** The accused key; for a role, the temporary key GuardDuty saw (it cannot be deactivated, only denied). */
  accessKeyId: string;
  accessKeys: AccessKeyState[];
  attachedPolicies: { name: string; arn: string }[];
  inlinePolicies: string[];
  groups: string[];
  tags: Record<string, string>;
}

/** What one runbook step did (or, in plan mode, would do). */
export interface StepOutcome {
  /** False when current state already matched and nothing was (or would be) changed. */
  changed: boolean;
  summary: string;
  calls: PlannedCall[];
}

/** An image the known-good selection may consider (gathered by an activity, judged by a pure function). */
export interface ImageCandidate {
  imageId: string;
  name?: string;
  state?: string;
  /** EC2 CreationDate (moto: always "now", so `cordon:built-at` wins when present). */
  creationDate?: string;
  tags: Record<string, string>;
  /** Launch template versions that reference the image (`lt-…:3`), if any. */
  usedBy: string[];
}

export type KnownGoodChoice = { kind: 'chosen'; imageId: string; builtAt: string; reason: string } | { kind: 'none'; reason: string };

/** The group's launch template before and after the runbook pointed it at the known-good version. */
export interface GroupTemplateChange {
  groupName: string;
  launchTemplateId: string;
  /** What the group referenced before (a number, `$Default` or `$Latest` resolved to a number). */
  previousVersion: string;
  newVersion: string;
  imageId: string;
}

/** One poll of the group while waiting for the clean replacement. */
export interface ReplacementStatus {
  desiredCapacity: number;
  inServiceHealthy: number;
  /** InService, healthy members that were not in the group at describe time and run the known-good image. */
  replacementsOnImage: string[];
  ready: boolean;
  summary: string;
}
