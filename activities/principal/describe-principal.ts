/**
 * Step 0 of an access-key incident (AWS's AWSSupport-ContainIAMPrincipal reads first; AWS.md
 * Part 3): who the accused key belongs to and what it may do, before anything changes. A user's
 * key: GetUser, ListUserTags, every key with ListAccessKeys and GetAccessKeyLastUsed, inline and
 * attached policies, groups. A role's temporary key (GuardDuty userType `AssumedRole`): GetRole,
 * ListRoleTags, its policies; it has no access keys of its own.
 * Invariants: reads only; the accused key must be one of the user's keys (else the finding and
 * the account disagree, and nothing is contained); the root user is refused (Cordon neither
 * deactivates root keys nor denies root: that is a person's job, with the account's root access).
 */
import {
  GetAccessKeyLastUsedCommand,
  GetRoleCommand,
  GetUserCommand,
  ListAccessKeysCommand,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupsForUserCommand,
  ListRolePoliciesCommand,
  ListRoleTagsCommand,
  ListUserPoliciesCommand,
  ListUserTagsCommand,
} from '@aws-sdk/client-iam';
import { ApplicationFailure } from '@temporalio/activity';
import type { AwsClients } from '../../src/aws/clients';
import { ErrorType } from '../../src/domain/errors';
import type { AccessKeyRef, AccessKeyState, PrincipalDescription } from '../../src/domain/incident';
import { awsCall, isNotFound } from '../aws-errors';

const iso = (d: Date | undefined): string | undefined => d?.toISOString();
const tagsOf = (tags: { Key?: string; Value?: string }[] | undefined): Record<string, string> =>
  Object.fromEntries((tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));

/** GuardDuty's userType for a role's temporary credentials; Security Hub's PrincipalType says the same. */
export const isRoleKey = (ref: AccessKeyRef): boolean => ref.userType === 'AssumedRole' || ref.userType === 'Role';

export async function describePrincipal(aws: AwsClients, ref: AccessKeyRef): Promise<PrincipalDescription> {
  if (ref.userType === 'Root' || ref.userName === 'Root')
    throw ApplicationFailure.nonRetryable(
      `access key ${ref.accessKeyId} belongs to the root user of ${ref.account}: Cordon does not contain root credentials; rotate them with the account's root access`,
      ErrorType.AwsPermanent,
    );
  return isRoleKey(ref) ? describeRole(aws, ref) : describeUser(aws, ref);
}

async function describeUser(aws: AwsClients, ref: AccessKeyRef): Promise<PrincipalDescription> {
  // The key's owner as IAM knows it: the finding's user name is the sender's claim.
  const owner = await ownerOf(aws, ref.accessKeyId);
  const userName = owner ?? ref.userName;
  if (!userName)
    throw ApplicationFailure.nonRetryable(
      `access key ${ref.accessKeyId} is unknown to IAM in ${ref.account} and the finding names no user`,
      ErrorType.TargetNotFound,
    );
  if (owner && ref.userName && owner !== ref.userName)
    throw ApplicationFailure.nonRetryable(
      `access key ${ref.accessKeyId} belongs to ${owner}, not to ${ref.userName} as the finding says; nothing was contained`,
      ErrorType.TargetNotFound,
    );
  const user = (await awsCall('GetUser', () => aws.iam.send(new GetUserCommand({ UserName: userName })))).User!;
  const [keys, tags, inline, attached, groups] = await Promise.all([
    awsCall('ListAccessKeys', () => aws.iam.send(new ListAccessKeysCommand({ UserName: userName }))),
    awsCall('ListUserTags', () => aws.iam.send(new ListUserTagsCommand({ UserName: userName }))),
    awsCall('ListUserPolicies', () => aws.iam.send(new ListUserPoliciesCommand({ UserName: userName }))),
    awsCall('ListAttachedUserPolicies', () => aws.iam.send(new ListAttachedUserPoliciesCommand({ UserName: userName }))),
    awsCall('ListGroupsForUser', () => aws.iam.send(new ListGroupsForUserCommand({ UserName: userName }))),
  ]);
  const accessKeys: AccessKeyState[] = [];
  for (const k of keys.AccessKeyMetadata ?? []) {
    const used = await awsCall('GetAccessKeyLastUsed', () =>
      aws.iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: k.AccessKeyId! })),
    );
    const last = used.AccessKeyLastUsed;
    accessKeys.push({
      accessKeyId: k.AccessKeyId!,
      status: k.Status ?? 'Unknown',
      ...(k.CreateDate ? { createdAt: iso(k.CreateDate) } : {}),
      lastUsed: {
        ...(last?.LastUsedDate ? { at: iso(last.LastUsedDate) } : {}),
        ...(last?.ServiceName ? { service: last.ServiceName } : {}),
        ...(last?.Region ? { region: last.Region } : {}),
      },
    });
  }
  if (!accessKeys.some((k) => k.accessKeyId === ref.accessKeyId))
    throw ApplicationFailure.nonRetryable(`access key ${ref.accessKeyId} is not one of ${userName}'s keys`, ErrorType.TargetNotFound);
  return {
    kind: 'iam-user',
    name: userName,
    arn: user.Arn!,
    ...(user.UserId ? { principalId: user.UserId } : {}),
    ...(user.CreateDate ? { createdAt: iso(user.CreateDate) } : {}),
    accessKeyId: ref.accessKeyId,
    accessKeys,
    attachedPolicies: (attached.AttachedPolicies ?? []).map((p) => ({ name: p.PolicyName!, arn: p.PolicyArn! })),
    inlinePolicies: inline.PolicyNames ?? [],
    groups: (groups.Groups ?? []).map((g) => g.GroupName!),
    tags: tagsOf(tags.Tags),
  };
}

/** The user a key belongs to, per IAM (GetAccessKeyLastUsed names it); undefined when IAM does not know the key. */
async function ownerOf(aws: AwsClients, accessKeyId: string): Promise<string | undefined> {
  try {
    return (await aws.iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: accessKeyId }))).UserName;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    return awsCall('GetAccessKeyLastUsed', () => Promise.reject(err));
  }
}

async function describeRole(aws: AwsClients, ref: AccessKeyRef): Promise<PrincipalDescription> {
  const roleName = ref.userName;
  if (!roleName)
    throw ApplicationFailure.nonRetryable(
      `temporary access key ${ref.accessKeyId}: the finding names no role, so there is nothing to deny`,
      ErrorType.TargetNotFound,
    );
  const role = (await awsCall('GetRole', () => aws.iam.send(new GetRoleCommand({ RoleName: roleName })))).Role!;
  const [tags, inline, attached] = await Promise.all([
    awsCall('ListRoleTags', () => aws.iam.send(new ListRoleTagsCommand({ RoleName: roleName }))),
    awsCall('ListRolePolicies', () => aws.iam.send(new ListRolePoliciesCommand({ RoleName: roleName }))),
    awsCall('ListAttachedRolePolicies', () => aws.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName }))),
  ]);
  return {
    kind: 'iam-role',
    name: roleName,
    arn: role.Arn!,
    ...(role.RoleId ? { principalId: role.RoleId } : {}),
    ...(role.CreateDate ? { createdAt: iso(role.CreateDate) } : {}),
    accessKeyId: ref.accessKeyId,
    accessKeys: [],
    attachedPolicies: (attached.AttachedPolicies ?? []).map((p) => ({ name: p.PolicyName!, arn: p.PolicyArn! })),
    inlinePolicies: inline.PolicyNames ?? [],
    groups: [],
    tags: tagsOf(tags.Tags),
  };
}
