/**
 * Plain data types of an incident, shared by workflows, activities, the API and the CLI.
 * Type-only and dependency-free so the workflow sandbox can import them.
 */

export interface ResourceRef {
  account: string;
  region: string;
  instanceId: string;
}

export type Severity = 'low' | 'medium' | 'high' | 'critical';

/** What an incident keeps of one alert (the full raw payload goes to the evidence store). */
export interface IncidentAlert {
  source: string;
  sourceId: string;
  dedupKey: string;
  severity: Severity;
  title: string;
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
  autoScalingGroup?: { name: string; lifecycleState: string; launchTemplate?: { id: string; name?: string; version: string }; desiredCapacity: number };
  targetGroupArns: string[];
  terminationProtected: boolean;
  shutdownBehavior?: string;
}
