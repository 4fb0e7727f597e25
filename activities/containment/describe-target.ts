/**
 * Step 0 of AWS.md §1.2: record the accused instance's original state — ENIs and their groups,
 * volumes, image, instance profile, tags, Auto Scaling membership and target groups.
 * Read-only, so safe to retry and to run in plan mode.
 */
import { DescribeAutoScalingGroupsCommand, DescribeAutoScalingInstancesCommand } from '@aws-sdk/client-auto-scaling';
import {
  DescribeIamInstanceProfileAssociationsCommand,
  DescribeInstanceAttributeCommand,
  DescribeInstancesCommand,
} from '@aws-sdk/client-ec2';
import { DescribeTargetGroupsCommand, DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ApplicationFailure } from '@temporalio/activity';
import type { AwsClients } from '../../src/aws/clients';
import { ErrorType } from '../../src/domain/errors';
import type { InstanceRef, TargetDescription } from '../../src/domain/incident';
import { awsCall } from '../aws-errors';

export async function describeTarget(aws: AwsClients, resource: InstanceRef): Promise<TargetDescription> {
  const { instanceId } = resource;
  const found = await awsCall('DescribeInstances', () => aws.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] })));
  const instance = found.Reservations?.[0]?.Instances?.[0];
  if (!instance)
    throw ApplicationFailure.nonRetryable(`instance ${instanceId} does not exist in ${resource.region}`, ErrorType.TargetNotFound);

  const [protection, shutdown, associations, membership] = await Promise.all([
    awsCall('DescribeInstanceAttribute', () =>
      aws.ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: instanceId, Attribute: 'disableApiTermination' })),
    ),
    awsCall('DescribeInstanceAttribute', () =>
      aws.ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: instanceId, Attribute: 'instanceInitiatedShutdownBehavior' })),
    ),
    awsCall('DescribeIamInstanceProfileAssociations', () =>
      aws.ec2.send(new DescribeIamInstanceProfileAssociationsCommand({ Filters: [{ Name: 'instance-id', Values: [instanceId] }] })),
    ),
    awsCall('DescribeAutoScalingInstances', () =>
      aws.autoscaling.send(new DescribeAutoScalingInstancesCommand({ InstanceIds: [instanceId] })),
    ),
  ]);
  const association = associations.IamInstanceProfileAssociations?.find((a) => a.State === 'associated' || a.State === 'associating');
  const asgInstance = membership.AutoScalingInstances?.[0];

  let autoScalingGroup: TargetDescription['autoScalingGroup'];
  if (asgInstance?.AutoScalingGroupName) {
    const groups = await awsCall('DescribeAutoScalingGroups', () =>
      aws.autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [asgInstance.AutoScalingGroupName!] })),
    );
    const group = groups.AutoScalingGroups?.[0];
    // The group's own launch template reference is authoritative; moto reports the default version per instance (AWS.md §2.1).
    const lt = group?.LaunchTemplate ?? asgInstance.LaunchTemplate;
    autoScalingGroup = {
      name: asgInstance.AutoScalingGroupName,
      lifecycleState: asgInstance.LifecycleState ?? 'unknown',
      desiredCapacity: group?.DesiredCapacity ?? 0,
      launchTemplate: lt?.LaunchTemplateId
        ? { id: lt.LaunchTemplateId, name: lt.LaunchTemplateName, version: lt.Version ?? '$Default' }
        : undefined,
      memberInstanceIds: (group?.Instances ?? []).map((i) => i.InstanceId!).filter(Boolean),
    };
  }

  return {
    instanceId,
    state: instance.State?.Name ?? 'unknown',
    imageId: instance.ImageId ?? '',
    vpcId: instance.VpcId ?? '',
    launchTime: instance.LaunchTime?.toISOString(),
    instanceType: instance.InstanceType,
    networkInterfaces: (instance.NetworkInterfaces ?? []).map((eni) => ({
      networkInterfaceId: eni.NetworkInterfaceId!,
      vpcId: eni.VpcId ?? instance.VpcId ?? '',
      groupIds: (eni.Groups ?? []).map((g) => g.GroupId!).filter(Boolean),
      publicIp: eni.Association?.PublicIp,
      allocationId: undefined,
      associationId: undefined,
    })),
    volumes: (instance.BlockDeviceMappings ?? [])
      .filter((b) => b.Ebs?.VolumeId)
      .map((b) => ({
        volumeId: b.Ebs!.VolumeId!,
        deviceName: b.DeviceName ?? '',
        deleteOnTermination: b.Ebs!.DeleteOnTermination ?? false,
      })),
    instanceProfile: association?.IamInstanceProfile?.Arn
      ? { arn: association.IamInstanceProfile.Arn, associationId: association.AssociationId }
      : undefined,
    tags: Object.fromEntries((instance.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
    autoScalingGroup,
    targetGroupArns: await targetGroupsListing(aws, instanceId, instance.VpcId),
    terminationProtected: protection.DisableApiTermination?.Value ?? false,
    shutdownBehavior: shutdown.InstanceInitiatedShutdownBehavior?.Value,
  };
}

/** Target groups (in the instance's VPC) that list the instance as a registered target. */
async function targetGroupsListing(aws: AwsClients, instanceId: string, vpcId: string | undefined): Promise<string[]> {
  const groups = await awsCall('DescribeTargetGroups', () => aws.elbv2.send(new DescribeTargetGroupsCommand({})));
  const candidates = (groups.TargetGroups ?? []).filter((g) => g.TargetType === 'instance' && (!vpcId || g.VpcId === vpcId));
  const listing: string[] = [];
  for (const group of candidates) {
    const health = await awsCall('DescribeTargetHealth', () =>
      aws.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: group.TargetGroupArn })),
    );
    if (health.TargetHealthDescriptions?.some((d) => d.Target?.Id === instanceId)) listing.push(group.TargetGroupArn!);
  }
  return listing;
}
