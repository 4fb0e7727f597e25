/**
 * The containment and recovery runbook end to end: IncidentService → Temporal dev server →
 * worker → moto. Every assertion reads real state back from moto (or Temporal's history).
 * One stack for the file; moto is reset and the demo fleet reseeded per test.
 */
import {
  DescribeAutoScalingGroupsCommand,
  DescribeAutoScalingInstancesCommand,
  SetInstanceHealthCommand,
} from '@aws-sdk/client-auto-scaling';
import {
  DescribeIamInstanceProfileAssociationsCommand,
  DescribeInstanceAttributeCommand,
  DescribeInstancesCommand,
  DescribeLaunchTemplateVersionsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand,
} from '@aws-sdk/client-ec2';
import { DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { IncidentSnapshot } from '../../src/domain/incident';
import type { DemoFleet } from '../../src/local/demo-fleet';
import { incidentStateQuery } from '../../workflows/definitions';
import {
  approverGate,
  autoPolicy,
  freshFleet,
  motoState,
  openIncident,
  startPlan,
  runbookFinished,
  settled,
  stepStatus,
} from '../helpers/containment';
import { startStack, type Stack } from '../helpers/stack';

let stack: Stack;
let fleet: DemoFleet;

beforeAll(async () => {
  stack = await startStack();
});
beforeEach(async () => {
  fleet = await freshFleet(stack);
});
afterAll(async () => stack?.teardown());

async function instance(id: string) {
  return (await stack.aws.ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0]!.Instances![0]!;
}
async function group() {
  return (await stack.aws.autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['web'] })))
    .AutoScalingGroups![0]!;
}
async function versions() {
  return (await stack.aws.ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: fleet.launchTemplateId })))
    .LaunchTemplateVersions!;
}

test('quarantines in AWS.md §1.2 order and the group replaces the instance from the known-good image', async () => {
  const accused = fleet.instanceIds[0]!;
  const incidentId = await openIncident(stack, accused, autoPolicy);
  const snap = await settled(stack, incidentId, runbookFinished);
  expect(snap.steps.filter((s) => s.status === 'failed')).toEqual([]);
  expect(snap.phase).toBe('monitoring');
  const alongside = ['snapshot-volumes', 'capture-console'];
  const steps = snap.timeline.filter((t) => t.kind === 'step');
  const order = steps.filter((t) => / done/.test(t.message)).map((t) => t.step!);
  expect(order.filter((n) => !alongside.includes(n))).toEqual([
    'describe',
    'contain',
    'tag-containing',
    'protect-evidence',
    'scale-in-protection',
    'known-good',
    'point-group',
    'fleet-budget',
    'leave-group',
    'deregister-targets',
    'isolate',
    'cut-credentials',
    'tag-quarantined',
    'fleet-release',
    'capture-metadata',
    'capture-alerts',
    'replace',
    'verify-replacement',
  ]);
  // Snapshots and console output start at their §1.2 slots, run beside the chain (they need no network), and finish before recovery.
  const started = steps.filter((t) => / running/.test(t.message)).map((t) => t.step!);
  expect(started.indexOf('snapshot-volumes')).toBe(started.indexOf('protect-evidence') + 1);
  expect(started.indexOf('capture-console')).toBe(started.indexOf('deregister-targets') + 1);
  for (const n of alongside) expect(order.indexOf(n)).toBeLessThan(order.indexOf('replace'));
  expect(snap.steps.find((s) => s.name === 'known-good')!.detail).toContain(fleet.knownGoodImageId);

  // Isolation group only, on every ENI; the instance is still running (evidence).
  const isolation = (
    await stack.aws.ec2.send(
      new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: [`cordon-isolation-${fleet.vpcId}`] }] }),
    )
  ).SecurityGroups![0]!;
  const accusedNow = await instance(accused);
  expect(accusedNow.State!.Name).toBe('running');
  const enis = await stack.aws.ec2.send(
    new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: accusedNow.NetworkInterfaces!.map((e) => e.NetworkInterfaceId!) }),
  );
  for (const eni of enis.NetworkInterfaces!) expect(eni.Groups!.map((g) => g.GroupId)).toEqual([isolation.GroupId]);

  // Evidence protected: termination protection, shutdown stop, every volume kept.
  const attr = (Attribute: 'disableApiTermination' | 'instanceInitiatedShutdownBehavior') =>
    stack.aws.ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: accused, Attribute }));
  expect((await attr('disableApiTermination')).DisableApiTermination!.Value).toBe(true);
  expect((await attr('instanceInitiatedShutdownBehavior')).InstanceInitiatedShutdownBehavior!.Value).toBe('stop');
  const devices = (await instance(accused)).BlockDeviceMappings!;
  expect(devices.length).toBeGreaterThan(0);
  for (const d of devices) expect(d.Ebs!.DeleteOnTermination).toBe(false);

  // Out of the group, out of the target group, no instance profile; desired capacity unchanged, replacement on the known-good image.
  expect(
    (await stack.aws.autoscaling.send(new DescribeAutoScalingInstancesCommand({ InstanceIds: [accused] }))).AutoScalingInstances,
  ).toEqual([]);
  const targets = await stack.aws.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: fleet.targetGroupArn }));
  expect(targets.TargetHealthDescriptions!.map((t) => t.Target!.Id)).not.toContain(accused);
  const associations = await stack.aws.ec2.send(
    new DescribeIamInstanceProfileAssociationsCommand({ Filters: [{ Name: 'instance-id', Values: [accused] }] }),
  );
  expect(associations.IamInstanceProfileAssociations!.filter((a) => a.State === 'associated')).toEqual([]);
  const web = await group();
  expect(web.DesiredCapacity).toBe(3);
  const fresh = web.Instances!.filter((i) => !fleet.instanceIds.includes(i.InstanceId!));
  expect(fresh).toHaveLength(1);
  expect((await instance(fresh[0]!.InstanceId!)).ImageId).toBe(fleet.knownGoodImageId);

  // A new launch template version (v3) with the image, copied from v2 (instance type kept, G7), and the group points at it.
  const all = await versions();
  expect(all.map((v) => v.VersionNumber).sort()).toEqual([1, 2, 3]);
  const v3 = all.find((v) => v.VersionNumber === 3)!;
  expect(v3.LaunchTemplateData!.ImageId).toBe(fleet.knownGoodImageId);
  expect(v3.LaunchTemplateData!.InstanceType).toBe('t3.micro');
  expect(v3.VersionDescription).toContain(incidentId);
  expect(web.LaunchTemplate!.Version).toBe('3');

  // Tags.
  const tags = Object.fromEntries(accusedNow.Tags!.map((t) => [t.Key, t.Value]));
  expect(tags).toMatchObject({ 'ir:case': incidentId, 'ir:status': 'quarantined' });
});

test('plan mode returns every call it would make and leaves moto byte-for-byte unchanged', async () => {
  const before = await motoState(stack, fleet);
  const planId = await startPlan(stack, fleet.instanceIds[1]!, autoPolicy);
  expect(planId).toMatch(/^plan-[0-9a-f-]{36}$/);
  const result: IncidentSnapshot = await stack.client.workflow.getHandle(planId).result();
  expect(await motoState(stack, fleet)).toBe(before);
  const ops = result.plan!.map((c) => `${c.step}:${c.operation}`);
  expect(ops).toEqual(
    expect.arrayContaining([
      'tag-containing:CreateTags',
      'protect-evidence:ModifyInstanceAttribute',
      'scale-in-protection:SetInstanceProtection',
      'point-group:CreateLaunchTemplateVersion',
      'point-group:UpdateAutoScalingGroup',
      'leave-group:DetachInstances',
      'deregister-targets:DeregisterTargets',
      'isolate:CreateSecurityGroup',
      'isolate:ModifyNetworkInterfaceAttribute',
      'cut-credentials:DisassociateIamInstanceProfile',
      'tag-quarantined:CreateTags',
    ]),
  );
  // One attribute per ModifyInstanceAttribute call (AWS.md §1.2 step 2).
  // moto's default shutdown behaviour is already `stop`, so two calls are planned: termination protection, then the volumes.
  const protect = result.plan!.filter((c) => c.step === 'protect-evidence');
  expect(protect.map((c) => Object.keys(c.input).filter((k) => k !== 'InstanceId'))).toEqual([
    ['DisableApiTermination'],
    ['BlockDeviceMappings'],
  ]);
  expect(result.plan!.find((c) => c.operation === 'DetachInstances')!.input).toMatchObject({ ShouldDecrementDesiredCapacity: false });
  expect(stepStatus(result, 'verify-replacement')).toBe('skipped');
});

test('a failed replacement restores the previous launch template version and says so', async () => {
  const accused = fleet.instanceIds[2]!;
  const policy = { ...autoPolicy, replace: approverGate, replacement: { deadlineMinutes: 0.05, pollSeconds: 1 } };
  const incidentId = await openIncident(stack, accused, policy);
  await settled(stack, incidentId, (s) => stepStatus(s, 'replace') === 'awaiting-approval');
  expect((await group()).LaunchTemplate!.Version).toBe('3');
  // The replacement turns unhealthy before the operator approves the replacement step.
  const fresh = (await group()).Instances!.filter((i) => !fleet.instanceIds.includes(i.InstanceId!));
  for (const i of fresh)
    await stack.aws.autoscaling.send(new SetInstanceHealthCommand({ InstanceId: i.InstanceId!, HealthStatus: 'Unhealthy' }));
  await stack.incidents.decide(incidentId, {
    step: 'replace',
    decision: 'approve',
    reason: 'go',
    operator: { name: 'bob', roles: ['approver'] },
  });
  const snap = await settled(stack, incidentId, runbookFinished);
  expect(stepStatus(snap, 'verify-replacement')).toBe('failed');
  expect(snap.steps.find((s) => s.name === 'verify-replacement')!.error).toContain('restored to launch template v2');
  expect(snap.timeline.some((t) => t.message.startsWith('compensation: restored web to v2'))).toBe(true);
  expect((await group()).LaunchTemplate!.Version).toBe('2');
  // Quarantine still stands.
  expect(stepStatus(snap, 'isolate')).toBe('done');
  expect(snap.phase).toBe('contained');
});

test('no known-good image stops the step for an operator and never points the group at the suspect image', async () => {
  const accused = fleet.instanceIds[0]!;
  // Alert first seen 40 days ago: the verified image (built 30 days ago) is inside the compromise window.
  const old = new Date(Date.now() - 40 * 86400_000).toISOString();
  const incidentId = await openIncident(stack, accused, autoPolicy, { alert: { firstSeen: old } });
  const snap = await settled(stack, incidentId, runbookFinished);
  const known = snap.steps.find((s) => s.name === 'known-good')!;
  expect(known.status).toBe('failed');
  expect(known.error).toMatch(/operator needed — no known-good image/);
  expect(known.error).toContain("accused instance's image");
  expect(stepStatus(snap, 'point-group')).toBe('skipped');
  expect(stepStatus(snap, 'isolate')).toBe('done');
  expect((await versions()).map((v) => v.VersionNumber).sort()).toEqual([1, 2]);
  expect((await group()).LaunchTemplate!.Version).toBe('2');
  const q = await stack.client.workflow.getHandle(incidentId).query(incidentStateQuery);
  expect(q.phase).toBe('contained');
});
