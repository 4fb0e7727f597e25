/**
 * Containment of an accused IAM principal (AWS.md Part 3, after AWSSupport-ContainIAMPrincipal):
 *   - `markPrincipal`: tags `ir:case=<incident>` and `ir:status=containing|quarantined` on the user
 *     or role (TagUser/TagRole have no client token: current tags are read first, differences written);
 *   - `deactivateAccessKey`: UpdateAccessKey Status=Inactive — reversible, unlike DeleteAccessKey,
 *     so the key and its last-use record stay as evidence; a key already inactive is left alone;
 *   - `denyOlderSessions`: the inline `AWSRevokeOlderSessions` policy (the IAM console's "revoke
 *     active sessions"): Deny * on * when `aws:TokenIssueTime` is earlier than the containment
 *     time, which revokes every session (and temporary key) issued before it. PutUserPolicy /
 *     PutRolePolicy overwrite by name: an existing policy with the same or a later cut-off is kept,
 *     an earlier one is moved forward.
 * Invariants: check-before-act, so a retry or a replay changes nothing twice; nothing is ever
 * deleted; plan mode (`dryRun`) reads and records the calls it would make.
 */
import {
  GetRolePolicyCommand,
  GetUserPolicyCommand,
  ListAccessKeysCommand,
  ListRoleTagsCommand,
  ListUserTagsCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  TagRoleCommand,
  TagUserCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { ApplicationFailure } from '@temporalio/activity';
import type { AwsClients } from '../../src/aws/clients';
import { ErrorType } from '../../src/domain/errors';
import type { PrincipalDescription, StepOutcome } from '../../src/domain/incident';
import { awsCall, isNotFound } from '../aws-errors';
import { revokePolicyName } from '../containment/credentials';
import { PlanRecorder } from '../plan-recorder';

/** The principal an activity acts on: its kind and name (from the description in history). */
export type PrincipalRef = Pick<PrincipalDescription, 'kind' | 'name'>;

export interface MarkPrincipalInput {
  step: string;
  incidentId: string;
  principal: PrincipalRef;
  status: 'containing' | 'quarantined';
  dryRun: boolean;
}

export async function markPrincipal(aws: AwsClients, input: MarkPrincipalInput): Promise<StepOutcome> {
  const plan = new PlanRecorder(input.step, input.dryRun);
  const { kind, name } = input.principal;
  const current =
    kind === 'iam-user'
      ? await awsCall('ListUserTags', () => aws.iam.send(new ListUserTagsCommand({ UserName: name })))
      : await awsCall('ListRoleTags', () => aws.iam.send(new ListRoleTagsCommand({ RoleName: name })));
  const have = Object.fromEntries((current.Tags ?? []).map((t) => [t.Key, t.Value]));
  const wanted: Record<string, string> = { 'ir:case': input.incidentId, 'ir:status': input.status };
  const missing = Object.entries(wanted)
    .filter(([k, v]) => have[k] !== v)
    .map(([Key, Value]) => ({ Key, Value }));
  if (missing.length) {
    if (kind === 'iam-user') {
      const params = { UserName: name, Tags: missing };
      await plan.act('iam', 'TagUser', params, () => aws.iam.send(new TagUserCommand(params)));
    } else {
      const params = { RoleName: name, Tags: missing };
      await plan.act('iam', 'TagRole', params, () => aws.iam.send(new TagRoleCommand(params)));
    }
  }
  const tags = missing.map((t) => `${t.Key}=${t.Value}`).join(', ');
  return plan.outcome(`tagged ${name}: ${tags}`, `would tag ${name}: ${tags}`, `${name} already tagged ir:status=${input.status}`);
}

export interface DeactivateKeyInput {
  userName: string;
  accessKeyId: string;
  dryRun: boolean;
}

export async function deactivateAccessKey(aws: AwsClients, input: DeactivateKeyInput): Promise<StepOutcome> {
  const plan = new PlanRecorder('deactivate-access-key', input.dryRun);
  const keys = await awsCall('ListAccessKeys', () => aws.iam.send(new ListAccessKeysCommand({ UserName: input.userName })));
  const key = (keys.AccessKeyMetadata ?? []).find((k) => k.AccessKeyId === input.accessKeyId);
  if (!key)
    throw ApplicationFailure.nonRetryable(
      `access key ${input.accessKeyId} is no longer one of ${input.userName}'s keys (deleted since it was described?)`,
      ErrorType.TargetNotFound,
    );
  if (key.Status !== 'Inactive') {
    const params = { UserName: input.userName, AccessKeyId: input.accessKeyId, Status: 'Inactive' as const };
    await plan.act('iam', 'UpdateAccessKey', params, () => aws.iam.send(new UpdateAccessKeyCommand(params)));
  }
  return plan.outcome(
    `deactivated ${input.accessKeyId} of ${input.userName}`,
    `would deactivate ${input.accessKeyId} of ${input.userName}`,
    `${input.accessKeyId} of ${input.userName} is already inactive`,
  );
}

export interface DenyOlderSessionsInput {
  principal: PrincipalRef;
  /** The containment time: sessions issued before it are denied. */
  issuedBefore: string;
  dryRun: boolean;
}

/** The deny-all-older-sessions document (IAM User Guide, "Revoking IAM role temporary security credentials"). */
export function revokeDocument(issuedBefore: string): object {
  return {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Deny', Action: '*', Resource: '*', Condition: { DateLessThan: { 'aws:TokenIssueTime': issuedBefore } } }],
  };
}

/** The cut-off of an existing AWSRevokeOlderSessions document (IAM returns it URL-encoded), if it has one. */
function cutOffOf(document: string | undefined): string | undefined {
  if (!document) return undefined;
  try {
    const parsed = JSON.parse(decodeURIComponent(document)) as {
      Statement?: { Condition?: { DateLessThan?: Record<string, string> } }[];
    };
    return parsed.Statement?.[0]?.Condition?.DateLessThan?.['aws:TokenIssueTime'];
  } catch {
    return undefined;
  }
}

export async function denyOlderSessions(aws: AwsClients, input: DenyOlderSessionsInput): Promise<StepOutcome> {
  const plan = new PlanRecorder('revoke-principal-sessions', input.dryRun);
  const { kind, name } = input.principal;
  let existing: string | undefined;
  try {
    const got =
      kind === 'iam-user'
        ? await aws.iam.send(new GetUserPolicyCommand({ UserName: name, PolicyName: revokePolicyName }))
        : await aws.iam.send(new GetRolePolicyCommand({ RoleName: name, PolicyName: revokePolicyName }));
    existing = cutOffOf(got.PolicyDocument) ?? '';
  } catch (err) {
    if (!isNotFound(err)) await awsCall(kind === 'iam-user' ? 'GetUserPolicy' : 'GetRolePolicy', () => Promise.reject(err));
  }
  // ISO-8601 UTC strings order as the instants they name.
  if (existing === undefined || existing < input.issuedBefore) {
    const PolicyDocument = JSON.stringify(revokeDocument(input.issuedBefore));
    if (kind === 'iam-user') {
      const params = { UserName: name, PolicyName: revokePolicyName, PolicyDocument };
      await plan.act('iam', 'PutUserPolicy', params, () => aws.iam.send(new PutUserPolicyCommand(params)));
    } else {
      const params = { RoleName: name, PolicyName: revokePolicyName, PolicyDocument };
      await plan.act('iam', 'PutRolePolicy', params, () => aws.iam.send(new PutRolePolicyCommand(params)));
    }
  }
  return plan.outcome(
    `denied sessions of ${name} issued before ${input.issuedBefore} (${revokePolicyName})`,
    `would deny sessions of ${name} issued before ${input.issuedBefore} (${revokePolicyName})`,
    `${revokePolicyName} on ${name} already denies sessions issued before ${existing}`,
  );
}
