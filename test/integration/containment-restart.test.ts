/**
 * Idempotency under the two ways a runbook repeats itself: the worker process is killed (-9)
 * mid-runbook right after an AWS mutation (the detach) but before its completion is recorded,
 * and a second incident runs for the same, already quarantined instance. Both must leave no
 * duplicate launch template versions, security groups or replacements, and fail no step.
 * The kill is certain to land mid-chain: a fault proxy between the first worker and moto holds
 * DeregisterTargets (the step after the detach) for seconds.
 */
import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand, DescribeLaunchTemplateVersionsCommand, DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import path from 'node:path';
import type { DemoFleet } from '../../src/local/demo-fleet';
import { alertReceivedSignal } from '../../workflows/definitions';
import { alertFor, autoPolicy, freshFleet, openIncident, runbookFinished, settled, stepStatus } from '../helpers/containment';
import { startFaultProxy } from '../helpers/fault-proxy';
import { eventually, startStack, type Stack, stackEnv } from '../helpers/stack';
import { bundleOnce, startWorkerProcess } from '../../src/local/cordon-processes';

let stack: Stack;
let fleet: DemoFleet;

beforeAll(async () => {
  stack = await startStack({ worker: false });
  fleet = await freshFleet(stack);
});
afterAll(async () => stack?.teardown());

async function fleetFacts() {
  const group = (await stack.aws.autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['web'] })))
    .AutoScalingGroups![0]!;
  const versions = (await stack.aws.ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: fleet.launchTemplateId })))
    .LaunchTemplateVersions!;
  const groups = (await stack.aws.ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [fleet.vpcId] }] })))
    .SecurityGroups!;
  const all = (await stack.aws.ec2.send(new DescribeInstancesCommand({}))).Reservations!.flatMap((r) => r.Instances!);
  return {
    desired: group.DesiredCapacity,
    members: group.Instances!.map((i) => i.InstanceId!),
    version: group.LaunchTemplate!.Version,
    versions: versions.map((v) => v.VersionNumber).sort(),
    groupNames: groups.map((g) => g.GroupName).sort(),
    running: all.filter((i) => i.State!.Name === 'running').length,
  };
}

test('the worker process is killed right after the detach; a new worker finishes the runbook once, without a second detach', async () => {
  const accused = fleet.instanceIds[0]!;
  const proxy = await startFaultProxy(stack.moto.endpoint);
  proxy.setRule((action) => (action === 'DeregisterTargets' ? { kind: 'latency', ms: 5000 } : undefined));
  const doomed = await startWorkerProcess(
    stackEnv(stack, await bundleOnce(stack.dir), { AWS_ENDPOINT_URL: proxy.endpoint }),
    path.join(stack.dir, 'doomed-worker.log'),
  );
  const incidentId = await openIncident(stack, accused, autoPolicy);
  await eventually(
    async () => proxy.log.some((l) => l.action === 'DeregisterTargets'),
    30000,
    'the detach to be done and the next step in flight',
  );
  await doomed.kill9();
  await proxy.close();
  const midway = await fleetFacts();
  expect(midway.members).not.toContain(accused);
  expect(midway.members).toHaveLength(3);

  await stack.startWorker();
  await stack.client.workflow
    .getHandle(incidentId)
    .signal(alertReceivedSignal, alertFor(accused, { dedupKey: 'generic:second', title: 'second alert' }));
  const snap = await settled(stack, incidentId, runbookFinished, 90000);
  expect(snap.steps.filter((s) => s.status === 'failed')).toEqual([]);
  expect(snap.steps.find((s) => s.name === 'leave-group')!.detail).toBe('already outside any Auto Scaling group');
  expect(stepStatus(snap, 'verify-replacement')).toBe('done');
  expect(snap.timeline.filter((t) => t.message.startsWith('runbook finished'))).toHaveLength(1);
  expect(snap.alertCount).toBe(2);

  const after = await fleetFacts();
  expect(after.desired).toBe(3);
  expect(after.members).toEqual(midway.members);
  expect(after.versions).toEqual([1, 2, 3]);
  expect(after.version).toBe('3');
  expect(after.groupNames).toEqual([`cordon-isolation-${fleet.vpcId}`, `cordon-untrack-${fleet.vpcId}`, 'default', 'web']);
  expect(after.running).toBe(4); // 3 members + the quarantined instance, nothing terminated.
});

test('a second incident for the quarantined instance changes nothing in the fleet and fails nothing', async () => {
  const accused = fleet.instanceIds[0]!;
  const before = await fleetFacts();
  const first = stack.client.workflow.getHandle(`inc-123456789012-eu-west-1-${accused}`);
  await stack.incidents.close(first.workflowId, { name: 'alice', roles: ['responder'] }, 'contained, replaced');
  await first.result();

  const incidentId = await openIncident(stack, accused, autoPolicy, { alert: { dedupKey: 'generic:again' } });
  const snap = await settled(
    stack,
    incidentId,
    (s) => (runbookFinished(s) && s.openedAt > (before as unknown as { at?: string }).at!) || runbookFinished(s),
  );
  expect(snap.steps.filter((s) => s.status === 'failed')).toEqual([]);
  for (const step of ['scale-in-protection', 'leave-group', 'known-good']) expect(stepStatus(snap, step)).toBe('skipped');
  expect(snap.steps.find((s) => s.name === 'isolate')!.detail).toContain('already isolated');
  expect(snap.steps.find((s) => s.name === 'protect-evidence')!.detail).toBe('evidence already protected');
  expect(snap.steps.find((s) => s.name === 'cut-credentials')!.detail).toBe('no instance profile associated');
  expect(await fleetFacts()).toEqual(before);
});
