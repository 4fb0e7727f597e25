/**
 * Step 9 of AWS.md §1.2: network isolation with the connection-tracking fix. For every ENI,
 * first an allow-all group (tracked flows become untracked, S4), then the no-rule isolation
 * group, which interrupts untracked flows at once; then Elastic IPs are disassociated (S2).
 * One group pair per VPC, found by a deterministic name or created once. Every call checks
 * current state first, so a retry or a second run changes nothing further.
 */
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DescribeAddressesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand,
  DisassociateAddressCommand,
  ModifyInstanceAttributeCommand,
  ModifyNetworkInterfaceAttributeCommand,
  RevokeSecurityGroupEgressCommand,
  type IpPermission,
} from '@aws-sdk/client-ec2';
import type { AwsClients } from '../../src/aws/clients';
import type { PlannedCall, TargetDescription } from '../../src/domain/incident';
import { awsCall, errorCode } from '../aws-errors';

export interface IsolationGroups {
  untrackGroupId: string;
  isolationGroupId: string;
}
export interface IsolateNetworkInput {
  incidentId: string;
  target: TargetDescription;
  dryRun: boolean;
}
export interface IsolateNetworkResult extends IsolationGroups {
  calls: PlannedCall[];
  alreadyIsolated: boolean;
}

export const isolationGroupName = (vpcId: string) => `cordon-isolation-${vpcId}`;
export const untrackGroupName = (vpcId: string) => `cordon-untrack-${vpcId}`;

export async function isolateNetwork(aws: AwsClients, input: IsolateNetworkInput): Promise<IsolateNetworkResult> {
  const { target, dryRun } = input;
  const calls: PlannedCall[] = [];
  const act = async <T>(operation: string, params: Record<string, unknown>, fn: () => Promise<T>): Promise<T | undefined> => {
    calls.push({ step: 'isolate', service: 'ec2', operation, input: params });
    return dryRun ? undefined : awsCall(operation, fn);
  };
  const groups = await ensureIsolationGroups(aws, target.vpcId, dryRun, calls);
  const current = await awsCall('DescribeNetworkInterfaces', () =>
    aws.ec2.send(
      new DescribeNetworkInterfacesCommand({
        NetworkInterfaceIds: target.networkInterfaces.map((e) => e.networkInterfaceId),
      }),
    ),
  );
  let alreadyIsolated = true;
  for (const eni of current.NetworkInterfaces ?? []) {
    const groupIds = (eni.Groups ?? []).map((g) => g.GroupId);
    if (groupIds.length === 1 && groupIds[0] === groups.isolationGroupId) continue;
    alreadyIsolated = false;
    for (const stage of [groups.untrackGroupId, groups.isolationGroupId]) {
      const params = { NetworkInterfaceId: eni.NetworkInterfaceId!, Groups: [stage] };
      await act('ModifyNetworkInterfaceAttribute', params, () => aws.ec2.send(new ModifyNetworkInterfaceAttributeCommand(params)));
    }
  }
  if (target.networkInterfaces.length === 1) {
    // Keeps the instance-level view consistent (moto reports ENI groups ∪ instance groups, AWS.md G9).
    const params = { InstanceId: target.instanceId, Groups: [groups.isolationGroupId] };
    if (!alreadyIsolated) await act('ModifyInstanceAttribute', params, () => aws.ec2.send(new ModifyInstanceAttributeCommand(params)));
  }
  const addresses = await awsCall('DescribeAddresses', () =>
    aws.ec2.send(new DescribeAddressesCommand({ Filters: [{ Name: 'instance-id', Values: [target.instanceId] }] })),
  );
  for (const address of addresses.Addresses ?? []) {
    if (!address.AssociationId) continue;
    const params = { AssociationId: address.AssociationId };
    await act('DisassociateAddress', params, () => aws.ec2.send(new DisassociateAddressCommand(params)));
  }
  return { ...groups, calls, alreadyIsolated };
}

/** Finds or creates the VPC's group pair; in plan mode, records what it would create. */
export async function ensureIsolationGroups(
  aws: AwsClients,
  vpcId: string,
  dryRun: boolean,
  calls: PlannedCall[],
): Promise<IsolationGroups> {
  const existing = await awsCall('DescribeSecurityGroups', () =>
    aws.ec2.send(
      new DescribeSecurityGroupsCommand({
        Filters: [
          { Name: 'vpc-id', Values: [vpcId] },
          { Name: 'group-name', Values: [untrackGroupName(vpcId), isolationGroupName(vpcId)] },
        ],
      }),
    ),
  );
  const byName = new Map((existing.SecurityGroups ?? []).map((g) => [g.GroupName, g]));
  const ensure = async (name: string, kind: 'untrack' | 'isolation'): Promise<string> => {
    const found = byName.get(name);
    if (found?.GroupId) {
      if (kind === 'isolation' && (found.IpPermissionsEgress?.length ?? 0) > 0) await revokeEgress(aws, found.GroupId, dryRun, calls);
      // A crash between create and authorize leaves the untrack group without its rule: finish the job.
      if (kind === 'untrack' && !hasAllowAll(found.IpPermissions)) await authorizeAllowAll(aws, found.GroupId, dryRun, calls);
      return found.GroupId;
    }
    const description =
      kind === 'untrack'
        ? 'Cordon stage 1: allow-all so tracked flows become untracked (AWS EC2 UG connection tracking)'
        : 'Cordon stage 2: no ingress, no egress - quarantine';
    calls.push({
      step: 'isolate',
      service: 'ec2',
      operation: 'CreateSecurityGroup',
      input: { GroupName: name, VpcId: vpcId, Description: description },
    });
    if (dryRun) return `<${name}>`;
    const created = await createGroup(aws, name, vpcId, description, kind);
    if (kind === 'untrack') {
      await authorizeAllowAll(aws, created, dryRun, calls);
    } else {
      await revokeEgress(aws, created, dryRun, calls);
    }
    return created;
  };
  return {
    untrackGroupId: await ensure(untrackGroupName(vpcId), 'untrack'),
    isolationGroupId: await ensure(isolationGroupName(vpcId), 'isolation'),
  };
}

const hasAllowAll = (permissions: IpPermission[] | undefined): boolean =>
  (permissions ?? []).some((p) => p.IpProtocol === '-1' && (p.IpRanges ?? []).some((r) => r.CidrIp === '0.0.0.0/0'));

/** The untrack group's single allow-all ingress rule; a concurrent incident adding it first is success. */
async function authorizeAllowAll(aws: AwsClients, groupId: string, dryRun: boolean, calls: PlannedCall[]): Promise<void> {
  await allTrafficRule(
    'AuthorizeSecurityGroupIngress',
    'InvalidPermission.Duplicate',
    (p) => aws.ec2.send(new AuthorizeSecurityGroupIngressCommand(p)),
    groupId,
    dryRun,
    calls,
  );
}

async function createGroup(aws: AwsClients, name: string, vpcId: string, description: string, kind: string): Promise<string> {
  try {
    const created = await aws.ec2.send(
      new CreateSecurityGroupCommand({
        GroupName: name,
        VpcId: vpcId,
        Description: description,
        TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: 'cordon:role', Value: kind }] }],
      }),
    );
    return created.GroupId!;
  } catch (err) {
    // A concurrent incident in the same VPC created it first: reuse theirs.
    if (errorCode(err) !== 'InvalidGroup.Duplicate') return awsCall('CreateSecurityGroup', () => Promise.reject(err));
    const again = await awsCall('DescribeSecurityGroups', () =>
      aws.ec2.send(
        new DescribeSecurityGroupsCommand({
          Filters: [
            { Name: 'vpc-id', Values: [vpcId] },
            { Name: 'group-name', Values: [name] },
          ],
        }),
      ),
    );
    return again.SecurityGroups![0]!.GroupId!;
  }
}

async function revokeEgress(aws: AwsClients, groupId: string, dryRun: boolean, calls: PlannedCall[]): Promise<void> {
  await allTrafficRule(
    'RevokeSecurityGroupEgress',
    'InvalidPermission.NotFound',
    (p) => aws.ec2.send(new RevokeSecurityGroupEgressCommand(p)),
    groupId,
    dryRun,
    calls,
  );
}

/** Adds or removes the all-traffic rule (planned, then made); `alreadyCode` means the group is already as wanted. */
async function allTrafficRule(
  operation: string,
  alreadyCode: string,
  send: (params: { GroupId: string; IpPermissions: IpPermission[] }) => Promise<unknown>,
  groupId: string,
  dryRun: boolean,
  calls: PlannedCall[],
): Promise<void> {
  const params = { GroupId: groupId, IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] };
  calls.push({ step: 'isolate', service: 'ec2', operation, input: params });
  if (dryRun) return;
  try {
    await send(params);
  } catch (err) {
    if (errorCode(err) !== alreadyCode) await awsCall(operation, () => Promise.reject(err));
  }
}
