/**
 * Checks, before an incident needs them, that Cordon holds the permissions of the shipped
 * responder policy (iam/responder-policy.json) in one account and region: every EC2 action that
 * offers `DryRun` is sent with it (AWS answers DryRunOperation when allowed, UnauthorizedOperation
 * when not, and changes nothing); every other read is made once with a harmless argument;
 * mutations that have no dry run (Auto Scaling, load balancers, IAM writes, SSM SendCommand,
 * DisassociateIamInstanceProfile) are listed as not checkable without acting. The probes are built from the policy document, so a permission
 * added to the policy without a probe fails the policy test (test/unit/iam-policy.test.ts).
 * Placeholder ids are used where the call needs one; an answer that is neither a success nor a
 * refusal (e.g. not found for a placeholder) is `inconclusive` with its code, never `ok`.
 */
import {
  DescribeAutoScalingGroupsCommand,
  DescribeAutoScalingInstancesCommand,
  DescribeInstanceRefreshesCommand,
} from '@aws-sdk/client-auto-scaling';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateLaunchTemplateVersionCommand,
  CreateSecurityGroupCommand,
  CreateSnapshotCommand,
  CreateSnapshotsCommand,
  CreateTagsCommand,
  DescribeAddressesCommand,
  DescribeIamInstanceProfileAssociationsCommand,
  DescribeImagesCommand,
  DescribeInstanceAttributeCommand,
  DescribeInstancesCommand,
  DescribeLaunchTemplateVersionsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSnapshotAttributeCommand,
  DescribeSnapshotsCommand,
  DescribeTagsCommand,
  DescribeVolumesCommand,
  DisassociateAddressCommand,
  GetConsoleOutputCommand,
  GetConsoleScreenshotCommand,
  ModifyInstanceAttributeCommand,
  ModifyNetworkInterfaceAttributeCommand,
  ModifySnapshotAttributeCommand,
  RevokeSecurityGroupEgressCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { DescribeTargetGroupsCommand, DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  GetAccessKeyLastUsedCommand,
  GetInstanceProfileCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  ListAccessKeysCommand,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupsForUserCommand,
  ListRolePoliciesCommand,
  ListRoleTagsCommand,
  ListUserPoliciesCommand,
  ListUserTagsCommand,
} from '@aws-sdk/client-iam';
import { GetCommandInvocationCommand, ListCommandsCommand } from '@aws-sdk/client-ssm';
import { isUnsupported } from '../../activities/aws-errors';
import responderPolicy from '../../iam/responder-policy.json';
import type { AwsClients } from './clients';

export type CheckResult = 'ok' | 'missing' | 'inconclusive' | 'unsupported' | 'not checkable';

export interface PermissionCheck {
  /** The policy statement (one per runbook step), e.g. `Isolate`. */
  statement: string;
  /** The IAM action, e.g. `ec2:ModifyNetworkInterfaceAttribute`. */
  action: string;
  result: CheckResult;
  detail: string;
}

/** What a probe may use: a real instance when the account has one (dry runs on real ids are the most telling). */
interface ProbeContext {
  instanceId: string;
}

const none = '00000000000000000';
const placeholder = {
  vpc: `vpc-${none}`,
  sg: `sg-${none}`,
  eni: `eni-${none}`,
  vol: `vol-${none}`,
  snap: `snap-${none}`,
  lt: `lt-${none}`,
  ami: `ami-${none}`,
};
const probeName = 'cordon-doctor-probe';
/** An access key id no one holds (the IAM format: 20 upper-case letters and digits). */
const probeKeyId = 'AKIA0000000000000000';
const tg = (region: string) => `arn:aws:elasticloadbalancing:${region}:000000000000:targetgroup/${probeName}/0000000000000000`;

type Probe = (aws: AwsClients, ctx: ProbeContext) => Promise<unknown>;

/** EC2 actions: every one sent with DryRun. */
const ec2DryRun: Record<string, Probe> = {
  'ec2:DescribeInstances': (a) => a.ec2.send(new DescribeInstancesCommand({ DryRun: true, MaxResults: 5 })),
  'ec2:DescribeInstanceAttribute': (a, c) =>
    a.ec2.send(new DescribeInstanceAttributeCommand({ DryRun: true, InstanceId: c.instanceId, Attribute: 'disableApiTermination' })),
  'ec2:DescribeTags': (a) => a.ec2.send(new DescribeTagsCommand({ DryRun: true, MaxResults: 5 })),
  'ec2:CreateTags': (a, c) =>
    a.ec2.send(new CreateTagsCommand({ DryRun: true, Resources: [c.instanceId], Tags: [{ Key: 'cordon:doctor', Value: 'dry-run' }] })),
  'ec2:ModifyInstanceAttribute': (a, c) =>
    a.ec2.send(new ModifyInstanceAttributeCommand({ DryRun: true, InstanceId: c.instanceId, DisableApiTermination: { Value: true } })),
  'ec2:DescribeSnapshots': (a) => a.ec2.send(new DescribeSnapshotsCommand({ DryRun: true, OwnerIds: ['self'], MaxResults: 5 })),
  'ec2:CreateSnapshots': (a, c) =>
    a.ec2.send(new CreateSnapshotsCommand({ DryRun: true, InstanceSpecification: { InstanceId: c.instanceId } })),
  'ec2:CreateSnapshot': (a) => a.ec2.send(new CreateSnapshotCommand({ DryRun: true, VolumeId: placeholder.vol })),
  'ec2:DescribeSnapshotAttribute': (a) =>
    a.ec2.send(new DescribeSnapshotAttributeCommand({ DryRun: true, SnapshotId: placeholder.snap, Attribute: 'createVolumePermission' })),
  'ec2:ModifySnapshotAttribute': (a) =>
    a.ec2.send(
      new ModifySnapshotAttributeCommand({
        DryRun: true,
        SnapshotId: placeholder.snap,
        Attribute: 'createVolumePermission',
        OperationType: 'add',
        UserIds: ['000000000000'],
      }),
    ),
  'ec2:DescribeImages': (a) => a.ec2.send(new DescribeImagesCommand({ DryRun: true, Owners: ['self'], MaxResults: 5 })),
  'ec2:DescribeLaunchTemplateVersions': (a) =>
    a.ec2.send(new DescribeLaunchTemplateVersionsCommand({ DryRun: true, LaunchTemplateId: placeholder.lt })),
  'ec2:CreateLaunchTemplateVersion': (a) =>
    a.ec2.send(
      new CreateLaunchTemplateVersionCommand({
        DryRun: true,
        LaunchTemplateId: placeholder.lt,
        LaunchTemplateData: { ImageId: placeholder.ami },
      }),
    ),
  'ec2:RunInstances': (a) => a.ec2.send(new RunInstancesCommand({ DryRun: true, ImageId: placeholder.ami, MinCount: 1, MaxCount: 1 })),
  'ec2:GetConsoleOutput': (a, c) => a.ec2.send(new GetConsoleOutputCommand({ DryRun: true, InstanceId: c.instanceId })),
  'ec2:GetConsoleScreenshot': (a, c) => a.ec2.send(new GetConsoleScreenshotCommand({ DryRun: true, InstanceId: c.instanceId })),
  'ec2:DescribeSecurityGroups': (a) => a.ec2.send(new DescribeSecurityGroupsCommand({ DryRun: true, MaxResults: 5 })),
  'ec2:CreateSecurityGroup': (a) =>
    a.ec2.send(
      new CreateSecurityGroupCommand({ DryRun: true, GroupName: probeName, Description: 'cordon doctor dry run', VpcId: placeholder.vpc }),
    ),
  'ec2:AuthorizeSecurityGroupIngress': (a) =>
    a.ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        DryRun: true,
        GroupId: placeholder.sg,
        IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      }),
    ),
  'ec2:RevokeSecurityGroupEgress': (a) =>
    a.ec2.send(
      new RevokeSecurityGroupEgressCommand({
        DryRun: true,
        GroupId: placeholder.sg,
        IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      }),
    ),
  'ec2:DescribeNetworkInterfaces': (a) => a.ec2.send(new DescribeNetworkInterfacesCommand({ DryRun: true, MaxResults: 5 })),
  'ec2:ModifyNetworkInterfaceAttribute': (a) =>
    a.ec2.send(new ModifyNetworkInterfaceAttributeCommand({ DryRun: true, NetworkInterfaceId: placeholder.eni, Groups: [placeholder.sg] })),
  'ec2:DescribeAddresses': (a) => a.ec2.send(new DescribeAddressesCommand({ DryRun: true })),
  'ec2:DisassociateAddress': (a) => a.ec2.send(new DisassociateAddressCommand({ DryRun: true, AssociationId: `eipassoc-${none}` })),
  'ec2:DescribeVolumes': (a) => a.ec2.send(new DescribeVolumesCommand({ DryRun: true, MaxResults: 5 })),
};

/** Reads of the other services: made once, harmlessly. */
const reads: Record<string, Probe> = {
  'ec2:DescribeIamInstanceProfileAssociations': (a, c) =>
    a.ec2.send(new DescribeIamInstanceProfileAssociationsCommand({ Filters: [{ Name: 'instance-id', Values: [c.instanceId] }] })),
  'autoscaling:DescribeAutoScalingInstances': (a) => a.autoscaling.send(new DescribeAutoScalingInstancesCommand({ MaxRecords: 1 })),
  'autoscaling:DescribeAutoScalingGroups': (a) => a.autoscaling.send(new DescribeAutoScalingGroupsCommand({ MaxRecords: 1 })),
  'autoscaling:DescribeInstanceRefreshes': (a) =>
    a.autoscaling.send(new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: probeName })),
  'elasticloadbalancing:DescribeTargetGroups': (a) => a.elbv2.send(new DescribeTargetGroupsCommand({ PageSize: 1 })),
  'elasticloadbalancing:DescribeTargetHealth': (a) => a.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg(a.region) })),
  'iam:GetInstanceProfile': (a) => a.iam.send(new GetInstanceProfileCommand({ InstanceProfileName: probeName })),
  'iam:GetRolePolicy': (a) => a.iam.send(new GetRolePolicyCommand({ RoleName: probeName, PolicyName: probeName })),
  'iam:GetUserPolicy': (a) => a.iam.send(new GetUserPolicyCommand({ UserName: probeName, PolicyName: probeName })),
  'iam:GetUser': (a) => a.iam.send(new GetUserCommand({ UserName: probeName })),
  'iam:GetRole': (a) => a.iam.send(new GetRoleCommand({ RoleName: probeName })),
  'iam:GetAccessKeyLastUsed': (a) => a.iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: probeKeyId })),
  'iam:ListAccessKeys': (a) => a.iam.send(new ListAccessKeysCommand({ UserName: probeName })),
  'iam:ListUserTags': (a) => a.iam.send(new ListUserTagsCommand({ UserName: probeName })),
  'iam:ListUserPolicies': (a) => a.iam.send(new ListUserPoliciesCommand({ UserName: probeName })),
  'iam:ListAttachedUserPolicies': (a) => a.iam.send(new ListAttachedUserPoliciesCommand({ UserName: probeName })),
  'iam:ListGroupsForUser': (a) => a.iam.send(new ListGroupsForUserCommand({ UserName: probeName })),
  'iam:ListRoleTags': (a) => a.iam.send(new ListRoleTagsCommand({ RoleName: probeName })),
  'iam:ListRolePolicies': (a) => a.iam.send(new ListRolePoliciesCommand({ RoleName: probeName })),
  'iam:ListAttachedRolePolicies': (a) => a.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: probeName })),
  'iam:GetPolicy': (a) => a.iam.send(new GetPolicyCommand({ PolicyArn: `arn:aws:iam::aws:policy/${probeName}` })),
  'iam:GetPolicyVersion': (a) =>
    a.iam.send(new GetPolicyVersionCommand({ PolicyArn: `arn:aws:iam::aws:policy/${probeName}`, VersionId: 'v1' })),
  'ssm:ListCommands': (a) => a.ssm.send(new ListCommandsCommand({ MaxResults: 1 })),
  'ssm:GetCommandInvocation': (a, c) =>
    a.ssm.send(new GetCommandInvocationCommand({ CommandId: '00000000-0000-0000-0000-000000000000', InstanceId: c.instanceId })),
};

/** Mutations with no dry run: checking them would mean acting. */
export const notCheckable: Record<string, string> = {
  'ec2:DisassociateIamInstanceProfile': 'the one EC2 action here without DryRun',
  'autoscaling:SetInstanceProtection': 'no dry run in Auto Scaling',
  'autoscaling:UpdateAutoScalingGroup': 'no dry run in Auto Scaling',
  'autoscaling:DetachInstances': 'no dry run in Auto Scaling',
  'autoscaling:EnterStandby': 'no dry run in Auto Scaling',
  'autoscaling:StartInstanceRefresh': 'no dry run in Auto Scaling',
  'elasticloadbalancing:DeregisterTargets': 'no dry run in Elastic Load Balancing',
  'iam:PutRolePolicy': 'no dry run in IAM',
  'iam:PutUserPolicy': 'no dry run in IAM',
  'iam:UpdateAccessKey': 'no dry run in IAM',
  'iam:TagUser': 'no dry run in IAM',
  'iam:TagRole': 'no dry run in IAM',
  'cloudtrail:LookupEvents': "the CloudTrail call of the access-key runbook's evidence step; the doctor does not probe it",
  'iam:PassRole': 'checked by AWS only when a group is pointed at a launch template',
  'ssm:SendCommand': 'no dry run in Systems Manager',
};

export const probes: Record<string, Probe> = { ...ec2DryRun, ...reads };

interface Statement {
  Sid: string;
  Action: string | string[];
}
/** Every (statement, action) pair of the shipped responder policy, in document order. */
export function responderPermissions(): { statement: string; action: string }[] {
  return (responderPolicy.Statement as Statement[]).flatMap((s) =>
    (Array.isArray(s.Action) ? s.Action : [s.Action]).map((action) => ({ statement: s.Sid, action })),
  );
}

const refused = /^(UnauthorizedOperation|AccessDenied|AccessDeniedException|AuthFailure|UnauthorizedAccess|Forbidden)$/;

/** IAM, ELB and SSM authorise a request before they look its resource up: "not found" for a placeholder means allowed. */
const notFoundAfterAuthorisation = /^(NoSuchEntity|TargetGroupNotFound|InvalidCommandId|InvocationDoesNotExist)$/;

function classify(action: string, err: unknown): { result: CheckResult; detail: string } {
  const e = err as { name?: string; Code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const code = e.Code ?? e.name ?? 'Error';
  const said = `${code}: ${(e.message ?? '').split('\n')[0]}`;
  if (code === 'DryRunOperation') return { result: 'ok', detail: 'dry run allowed' };
  if (refused.test(code) || e.$metadata?.httpStatusCode === 403) return { result: 'missing', detail: said };
  if (isUnsupported(err)) return { result: 'unsupported', detail: 'not implemented by this endpoint' };
  if (!action.startsWith('ec2:') && notFoundAfterAuthorisation.test(code))
    return { result: 'ok', detail: `read allowed (${code} for the probe's placeholder)` };
  return { result: 'inconclusive', detail: said };
}

/** Runs every check of the responder policy with these clients (one account and region). */
export async function checkPermissions(aws: AwsClients): Promise<PermissionCheck[]> {
  // A real instance makes the instance dry runs conclusive; without one a placeholder is named.
  const found = await aws.ec2.send(new DescribeInstancesCommand({ MaxResults: 5 })).catch(() => undefined);
  const ctx: ProbeContext = { instanceId: found?.Reservations?.flatMap((r) => r.Instances ?? [])[0]?.InstanceId ?? `i-${none}` };
  const results: PermissionCheck[] = [];
  const seen = new Map<string, { result: CheckResult; detail: string }>();
  for (const { statement, action } of responderPermissions()) {
    let outcome = seen.get(action);
    if (!outcome) {
      const probe = probes[action];
      if (!probe) {
        outcome = { result: 'not checkable', detail: notCheckable[action] ?? 'no probe' };
      } else {
        try {
          await probe(aws, ctx);
          outcome = { result: 'ok', detail: ec2DryRun[action] ? 'allowed (the endpoint ignored DryRun for this read)' : 'read allowed' };
        } catch (err) {
          outcome = classify(action, err);
        }
      }
      seen.set(action, outcome);
    }
    results.push({ statement, action, ...outcome });
  }
  return results;
}
