/**
 * One read of the group while the workflow waits, with durable timers between reads, for the
 * clean replacement (AWS.md §1.4 "Replacement choices"; moto replaces synchronously, AWS does not,
 * G2). Ready = at least desired-capacity members InService and Healthy, and at least one of them
 * is a replacement (not a member at describe time) running the known-good image. Never sleeps.
 */
import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import type { AwsClients } from '../../src/aws/clients';
import type { ReplacementStatus } from '../../src/domain/incident';
import { awsCall } from '../aws-errors';

export interface ReplacementStatusInput {
  groupName: string;
  imageId: string;
  previousMemberIds: string[];
}

export async function describeReplacement(aws: AwsClients, input: ReplacementStatusInput): Promise<ReplacementStatus> {
  const found = await awsCall('DescribeAutoScalingGroups', () =>
    aws.autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [input.groupName] })),
  );
  const group = found.AutoScalingGroups?.[0];
  const desired = group?.DesiredCapacity ?? 0;
  const healthy = (group?.Instances ?? [])
    .filter((i) => i.LifecycleState === 'InService' && i.HealthStatus === 'Healthy')
    .map((i) => i.InstanceId!);
  const fresh = healthy.filter((id) => !input.previousMemberIds.includes(id));
  let replacementsOnImage: string[] = [];
  if (fresh.length) {
    const described = await awsCall('DescribeInstances', () => aws.ec2.send(new DescribeInstancesCommand({ InstanceIds: fresh })));
    replacementsOnImage = (described.Reservations ?? [])
      .flatMap((r) => r.Instances ?? [])
      .filter((i) => i.ImageId === input.imageId)
      .map((i) => i.InstanceId!);
  }
  const ready = healthy.length >= desired && replacementsOnImage.length > 0;
  return {
    desiredCapacity: desired,
    inServiceHealthy: healthy.length,
    replacementsOnImage,
    ready,
    summary: `${healthy.length}/${desired} InService and healthy; ${replacementsOnImage.length ? `replacement ${replacementsOnImage.join(', ')} on ${input.imageId}` : `no replacement on ${input.imageId} yet`}`,
  };
}
