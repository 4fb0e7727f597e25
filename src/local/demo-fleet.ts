/**
 * Seeds the demo fleet into a fresh moto: a VPC with two subnets, a `web` security group,
 * two AMIs (an old verified known-good one and a newer unverified one), a launch template
 * with v1 (known-good) and v2 (unverified, what the fleet runs), an instance profile, an ALB
 * target group, and an Auto Scaling group `web` of 3 instances tagged with data classification.
 * Idempotent: an existing demo VPC means the fleet is already there.
 */
import { CreateAutoScalingGroupCommand, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import {
  AssociateIamInstanceProfileCommand,
  CreateImageCommand,
  CreateLaunchTemplateCommand,
  CreateLaunchTemplateVersionCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DescribeImagesCommand,
  DescribeVpcsCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
  type LaunchTemplateBlockDeviceMappingRequest,
} from '@aws-sdk/client-ec2';
import { CreateLoadBalancerCommand, CreateTargetGroupCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { AddRoleToInstanceProfileCommand, CreateInstanceProfileCommand, CreateRoleCommand } from '@aws-sdk/client-iam';
import type { AwsClients } from '../aws/clients';

export interface DemoFleet {
  vpcId: string;
  subnetIds: string[];
  webSecurityGroupId: string;
  knownGoodImageId: string;
  unverifiedImageId: string;
  launchTemplateId: string;
  autoScalingGroupName: string;
  targetGroupArn: string;
  instanceProfileName: string;
  instanceIds: string[];
}

export interface DemoFleetOptions {
  verifiedImageTag: string;
  dataTagPrefix: string;
  /** Build time recorded on images; the verified image is older than any compromise window. */
  now?: Date;
  groupName?: string;
  size?: number;
}

const DEMO_TAG = 'cordon:demo';
const dataVolume: LaunchTemplateBlockDeviceMappingRequest = { DeviceName: '/dev/sdf', Ebs: { VolumeSize: 8, VolumeType: 'gp3' } };

export async function seedDemoFleet(aws: AwsClients, opts: DemoFleetOptions): Promise<DemoFleet> {
  const groupName = opts.groupName ?? 'web';
  const now = opts.now ?? new Date();
  const existing = await aws.ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: `tag:${DEMO_TAG}`, Values: [groupName] }] }));
  if (existing.Vpcs?.length) throw new Error(`demo fleet "${groupName}" already seeded in this AWS endpoint`);

  const vpc = await aws.ec2.send(
    new CreateVpcCommand({
      CidrBlock: '10.42.0.0/16',
      TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: DEMO_TAG, Value: groupName }] }],
    }),
  );
  const vpcId = vpc.Vpc!.VpcId!;
  const subnetIds: string[] = [];
  for (const [i, az] of ['a', 'b'].entries()) {
    const subnet = await aws.ec2.send(
      new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: `10.42.${i + 1}.0/24`, AvailabilityZone: `${aws.region}${az}` }),
    );
    subnetIds.push(subnet.Subnet!.SubnetId!);
  }
  const sg = await aws.ec2.send(new CreateSecurityGroupCommand({ GroupName: groupName, Description: 'demo web tier', VpcId: vpcId }));
  const webSecurityGroupId = sg.GroupId!;

  const role = await aws.iam.send(
    new CreateRoleCommand({
      RoleName: `${groupName}-role`,
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
    }),
  );
  const instanceProfileName = `${groupName}-profile`;
  const profile = await aws.iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: instanceProfileName }));
  await aws.iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: instanceProfileName, RoleName: role.Role!.RoleName! }));

  const [knownGoodImageId, unverifiedImageId] = await createImages(aws, subnetIds[0]!, opts, now, groupName);

  const dataTags = [
    ['personal', 'true'],
    ['subject-regions', 'EU'],
    ['subject-categories', 'customers'],
    ['record-categories', 'contact details;order history;payment references'],
    ['subject-count', '25000'],
    ['record-count', '120000'],
  ].map(([k, v]) => ({ Key: `${opts.dataTagPrefix}${k}`, Value: v }));

  const template = await aws.ec2.send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: `${groupName}-template`,
      LaunchTemplateData: {
        ImageId: knownGoodImageId,
        InstanceType: 't3.micro',
        SecurityGroupIds: [webSecurityGroupId],
        BlockDeviceMappings: [dataVolume],
        IamInstanceProfile: { Name: instanceProfileName },
      },
    }),
  );
  const launchTemplateId = template.LaunchTemplate!.LaunchTemplateId!;
  // v2 carries the full data: moto ignores SourceVersion (AWS.md G7).
  await aws.ec2.send(
    new CreateLaunchTemplateVersionCommand({
      LaunchTemplateId: launchTemplateId,
      VersionDescription: 'newer build, not yet verified',
      LaunchTemplateData: {
        ImageId: unverifiedImageId,
        InstanceType: 't3.micro',
        SecurityGroupIds: [webSecurityGroupId],
        BlockDeviceMappings: [dataVolume],
        IamInstanceProfile: { Name: instanceProfileName },
      },
    }),
  );

  const lb = await aws.elbv2.send(
    new CreateLoadBalancerCommand({ Name: `${groupName}-alb`, Subnets: subnetIds, SecurityGroups: [webSecurityGroupId] }),
  );
  const tg = await aws.elbv2.send(
    new CreateTargetGroupCommand({ Name: `${groupName}-tg`, Protocol: 'HTTP', Port: 80, VpcId: vpcId, TargetType: 'instance' }),
  );
  const targetGroupArn = tg.TargetGroups![0]!.TargetGroupArn!;
  void lb;

  const size = opts.size ?? 3;
  await aws.autoscaling.send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: groupName,
      LaunchTemplate: { LaunchTemplateId: launchTemplateId, Version: '2' },
      MinSize: size,
      MaxSize: size * 2,
      DesiredCapacity: size,
      VPCZoneIdentifier: subnetIds.join(','),
      TargetGroupARNs: [targetGroupArn],
      Tags: [...dataTags, { Key: 'Name', Value: `${groupName}-node` }].map((t) => ({ ...t, PropagateAtLaunch: true })),
    }),
  );
  const group = await aws.autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [groupName] }));
  const instanceIds = (group.AutoScalingGroups?.[0]?.Instances ?? []).map((i) => i.InstanceId!);
  // moto does not apply the template's instance profile (AWS.md G10): associate it as AWS would.
  for (const instanceId of instanceIds) {
    await aws.ec2.send(
      new AssociateIamInstanceProfileCommand({ InstanceId: instanceId, IamInstanceProfile: { Name: instanceProfileName } }),
    );
  }
  return {
    vpcId,
    subnetIds,
    webSecurityGroupId,
    knownGoodImageId,
    unverifiedImageId,
    launchTemplateId,
    autoScalingGroupName: groupName,
    targetGroupArn,
    instanceProfileName,
    instanceIds,
  };
}

/** Two images built from a throwaway instance; build times are recorded in the `cordon:built-at` tag. */
async function createImages(
  aws: AwsClients,
  subnetId: string,
  opts: DemoFleetOptions,
  now: Date,
  groupName: string,
): Promise<[string, string]> {
  const base = await aws.ec2.send(
    new DescribeImagesCommand({ Owners: ['amazon'], Filters: [{ Name: 'architecture', Values: ['x86_64'] }] }),
  );
  const baseImage = base.Images?.find((i) => i.ImageId)?.ImageId;
  if (!baseImage) throw new Error('no base image in this endpoint to build the demo images from');
  const builder = await aws.ec2.send(
    new RunInstancesCommand({ ImageId: baseImage, MinCount: 1, MaxCount: 1, InstanceType: 't3.micro', SubnetId: subnetId }),
  );
  const builderId = builder.Instances![0]!.InstanceId!;
  const days = (n: number) => new Date(now.getTime() - n * 86400_000).toISOString();
  const good = await aws.ec2.send(new CreateImageCommand({ InstanceId: builderId, Name: `${groupName}-2026.10-verified` }));
  const fresh = await aws.ec2.send(new CreateImageCommand({ InstanceId: builderId, Name: `${groupName}-2026.11-candidate` }));
  await aws.ec2.send(
    new CreateTagsCommand({
      Resources: [good.ImageId!],
      Tags: [
        { Key: opts.verifiedImageTag, Value: 'true' },
        { Key: 'cordon:built-at', Value: days(30) },
      ],
    }),
  );
  await aws.ec2.send(new CreateTagsCommand({ Resources: [fresh.ImageId!], Tags: [{ Key: 'cordon:built-at', Value: days(0.5) }] }));
  await aws.ec2.send(new TerminateInstancesCommand({ InstanceIds: [builderId] }));
  return [good.ImageId!, fresh.ImageId!];
}
