/**
 * Step 2 of AWS.md §1.2: protect the evidence from deletion before anything else changes —
 * termination protection, OS-initiated shutdown = stop (termination protection does not cover
 * an OS shutdown with behaviour `terminate`, S5), and DeleteOnTermination=false on every EBS
 * volume. ModifyInstanceAttribute takes one attribute per call, so these are separate calls,
 * each made only when the current attribute differs (no client token exists, AWS.md §1.3).
 */
import { DescribeInstanceAttributeCommand, DescribeInstancesCommand, ModifyInstanceAttributeCommand } from '@aws-sdk/client-ec2';
import type { AwsClients } from '../../src/aws/clients';
import type { StepOutcome } from '../../src/domain/incident';
import { awsCall } from '../aws-errors';
import { PlanRecorder } from '../plan-recorder';

export interface ProtectEvidenceInput {
  instanceId: string;
  dryRun: boolean;
}

export async function protectEvidence(aws: AwsClients, input: ProtectEvidenceInput): Promise<StepOutcome> {
  const { instanceId } = input;
  const plan = new PlanRecorder('protect-evidence', input.dryRun);
  const attribute = (Attribute: 'disableApiTermination' | 'instanceInitiatedShutdownBehavior') =>
    awsCall('DescribeInstanceAttribute', () => aws.ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: instanceId, Attribute })));
  // The block device mapping is read from DescribeInstances: moto's DescribeInstanceAttribute(blockDeviceMapping) returns none.
  const [termination, shutdown, described] = await Promise.all([
    attribute('disableApiTermination'),
    attribute('instanceInitiatedShutdownBehavior'),
    awsCall('DescribeInstances', () => aws.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }))),
  ]);
  const devices = described.Reservations?.[0]?.Instances?.[0] ?? {};
  const done: string[] = [];
  if (termination.DisableApiTermination?.Value !== true) {
    const params = { InstanceId: instanceId, DisableApiTermination: { Value: true } };
    await plan.act('ec2', 'ModifyInstanceAttribute', params, () => aws.ec2.send(new ModifyInstanceAttributeCommand(params)));
    done.push('termination protection');
  }
  if (shutdown.InstanceInitiatedShutdownBehavior?.Value !== 'stop') {
    const params = { InstanceId: instanceId, InstanceInitiatedShutdownBehavior: { Value: 'stop' } };
    await plan.act('ec2', 'ModifyInstanceAttribute', params, () => aws.ec2.send(new ModifyInstanceAttributeCommand(params)));
    done.push('shutdown behaviour stop');
  }
  const deleting = (devices.BlockDeviceMappings ?? []).filter((b) => b.Ebs?.VolumeId && b.Ebs.DeleteOnTermination !== false);
  if (deleting.length) {
    const params = {
      InstanceId: instanceId,
      BlockDeviceMappings: deleting.map((b) => ({ DeviceName: b.DeviceName!, Ebs: { DeleteOnTermination: false } })),
    };
    await plan.act('ec2', 'ModifyInstanceAttribute', params, () => aws.ec2.send(new ModifyInstanceAttributeCommand(params)));
    done.push(`keep ${deleting.length} volume(s) on termination`);
  }
  return plan.outcome(`set ${done.join(', ')}`, `would set ${done.join(', ')}`, 'evidence already protected');
}
