/**
 * Plain data types of an incident, shared by workflows, activities, the API and the CLI, and
 * the severity order. Dependency-free so the workflow sandbox can import them.
 */

export interface ResourceRef {
  account: string;
  region: string;
  instanceId: string;
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
  plan?: PlannedCall[];
  /** The runbook the incident runs, as pinned at its start (absent: the built-in order). */
  runbook?: { name: string; version: string; sha256: string };
}

/** A call the runbook makes (or, in plan mode, would make). */
export interface PlannedCall {
  step: string;
  service: 'ec2' | 'autoscaling' | 'elbv2' | 'iam' | 's3' | 'ssm';
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
