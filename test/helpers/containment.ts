/**
 * Helpers for containment suites: a fresh demo fleet per test (moto reset + reseed), incidents
 * opened through IncidentService with an explicit policy, and a canonical JSON of moto's
 * describe outputs for byte-for-byte before/after comparisons (request ids stripped).
 */
import { DescribeAutoScalingGroupsCommand, DescribeAutoScalingInstancesCommand } from '@aws-sdk/client-auto-scaling';
import {
  DescribeIamInstanceProfileAssociationsCommand,
  DescribeInstanceAttributeCommand,
  DescribeInstancesCommand,
  DescribeLaunchTemplateVersionsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand,
  DescribeTagsCommand,
} from '@aws-sdk/client-ec2';
import { DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ListRolePoliciesCommand } from '@aws-sdk/client-iam';
import type { IncidentAlert, IncidentSnapshot, Severity } from '../../src/domain/incident';
import { seedDemoFleet, type DemoFleet } from '../../src/local/demo-fleet';
import { defaultPolicies } from '../../src/policy/runbook-policy';
import { IncidentService } from '../../src/temporal/incident-service';
import { builtInRunbooksDir, pin, RunbookLibrary } from '../../src/runbooks/runbook-library';
import type { GatePolicy } from '../../src/domain/gate';
import type { RunbookPolicy } from '../../src/domain/runbook-policy';
import { ACCOUNT, REGION, eventually, type Stack } from './stack';

export const autoGate: GatePolicy = {
  mode: 'auto',
  approverRoles: ['approver'],
  forbidSelfApproval: true,
  timeoutMinutes: 30,
  onTimeout: 'escalate',
};
export const approverGate: GatePolicy = { ...autoGate, mode: 'approve' };
/** Containment and replacement both automatic, short replacement wait. */
export const autoPolicy: RunbookPolicy = {
  ...defaultPolicies.critical,
  contain: autoGate,
  replace: autoGate,
  replacement: { deadlineMinutes: 1, pollSeconds: 1 },
};

export async function freshFleet(stack: Stack): Promise<DemoFleet> {
  await stack.moto.reset();
  return seedDemoFleet(stack.aws, { verifiedImageTag: 'cordon:verified', dataTagPrefix: 'data:' });
}

export function alertFor(instanceId: string, extra: Partial<IncidentAlert> = {}): IncidentAlert {
  const now = new Date().toISOString();
  return {
    source: 'generic',
    sourceId: `${instanceId}-${now}`,
    dedupKey: `generic:${instanceId}:c2`,
    severity: 'critical' as Severity,
    title: 'Outbound traffic to known C2',
    status: 'firing',
    firstSeen: now,
    lastSeen: now,
    receivedAt: now,
    ...extra,
  };
}

export async function openIncident(
  stack: Stack,
  instanceId: string,
  policy: RunbookPolicy,
  opts: { alert?: Partial<IncidentAlert> } = {},
): Promise<string> {
  const service = new IncidentService(stack.client, stack.taskQueue, () => policy);
  return service.openOrJoin({ account: ACCOUNT, region: REGION, instanceId }, alertFor(instanceId, opts.alert), { openedBy: 'test' });
}

/** Opens an incident the way the API does with runbooks: chosen from the built-in folder (and `dir`), pinned in the input. */
export async function openIncidentWithRunbook(
  stack: Stack,
  instanceId: string,
  policy: RunbookPolicy,
  opts: { dir?: string; alert?: Partial<IncidentAlert> } = {},
): Promise<string> {
  const library = RunbookLibrary.load([
    { dir: builtInRunbooksDir, origin: 'built-in' },
    ...(opts.dir ? [{ dir: opts.dir, origin: 'operator' as const }] : []),
  ]);
  if (library.problems.length) throw new Error(library.problemLines().join('\n'));
  const service = new IncidentService(
    stack.client,
    stack.taskQueue,
    () => policy,
    (alerts, severity) => {
      const entry = library.choose(alerts, severity);
      return entry ? pin(entry) : undefined;
    },
  );
  return service.openOrJoin({ account: ACCOUNT, region: REGION, instanceId }, alertFor(instanceId, opts.alert), { openedBy: 'test' });
}

/** Starts a plan (its own `plan-<uuid>` workflow) under an explicit policy; returns its id. */
export async function startPlan(
  stack: Stack,
  instanceId: string,
  policy: RunbookPolicy,
  opts: { alert?: Partial<IncidentAlert> } = {},
): Promise<string> {
  const service = new IncidentService(stack.client, stack.taskQueue, () => policy);
  return service.plan({ account: ACCOUNT, region: REGION, instanceId }, [alertFor(instanceId, opts.alert)], { openedBy: 'test' });
}

export const stepStatus = (s: IncidentSnapshot, name: string) => s.steps.find((x) => x.name === name)?.status;

/** Waits until no step is pending or running (gates awaiting approval count as settled only if `gatesSettle`). */
export async function settled(
  stack: Stack,
  incidentId: string,
  until: (s: IncidentSnapshot) => boolean,
  timeoutMs = 60000,
): Promise<IncidentSnapshot> {
  return eventually(
    async () => {
      const s = await stack.incidents.get(incidentId);
      return s && until(s) ? s : undefined;
    },
    timeoutMs,
    `incident ${incidentId}`,
  );
}

export const runbookFinished = (s: IncidentSnapshot) => s.timeline.some((t) => t.message.startsWith('runbook finished'));

/** Every describe output the runbook could change, as canonical JSON ($metadata stripped). */
export async function motoState(stack: Stack, fleet: DemoFleet): Promise<string> {
  const { ec2, autoscaling, elbv2, iam } = stack.aws;
  const instances = await ec2.send(new DescribeInstancesCommand({}));
  const ids = (instances.Reservations ?? [])
    .flatMap((r) => r.Instances ?? [])
    .map((i) => i.InstanceId!)
    .sort();
  const attributes = [];
  for (const id of ids) {
    for (const Attribute of ['disableApiTermination', 'instanceInitiatedShutdownBehavior', 'blockDeviceMapping'] as const) {
      attributes.push(await ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: id, Attribute })));
    }
  }
  const parts = {
    instances,
    attributes,
    enis: await ec2.send(new DescribeNetworkInterfacesCommand({})),
    groups: await ec2.send(new DescribeSecurityGroupsCommand({})),
    tags: await ec2.send(new DescribeTagsCommand({})),
    versions: await ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: fleet.launchTemplateId })),
    asg: await autoscaling.send(new DescribeAutoScalingGroupsCommand({})),
    asgInstances: await autoscaling.send(new DescribeAutoScalingInstancesCommand({})),
    targets: await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: fleet.targetGroupArn })),
    associations: await ec2.send(new DescribeIamInstanceProfileAssociationsCommand({})),
    rolePolicies: await iam.send(new ListRolePoliciesCommand({ RoleName: 'web-role' })),
  };
  return JSON.stringify(parts, (k, v) => (k === '$metadata' ? undefined : v), 1);
}
