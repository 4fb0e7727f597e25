/**
 * Step 10 of AWS.md §1.2: cut the instance's credentials. The instance profile is disassociated
 * (S1) after reading the current associations (a repeat disassociate fails with NotFound in moto).
 * Optionally — a gated policy option, off by default, because it also denies healthy peers that
 * share the role until they rotate (S6) — every role of the profile gets the `AWSRevokeOlderSessions`
 * inline deny on tokens issued before now. PutRolePolicy overwrites by name, so an existing policy
 * is kept rather than moved later (that would also deny the clean replacement's fresh credentials).
 */
import { DescribeIamInstanceProfileAssociationsCommand, DisassociateIamInstanceProfileCommand } from '@aws-sdk/client-ec2';
import { GetInstanceProfileCommand, GetRolePolicyCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { ApplicationFailure } from '@temporalio/activity';
import type { AwsClients } from '../../src/aws/clients';
import { ErrorType } from '../../src/domain/errors';
import type { StepOutcome } from '../../src/domain/incident';
import { awsCall, isNotFound } from '../aws-errors';
import { PlanRecorder } from '../plan-recorder';

export const revokePolicyName = 'AWSRevokeOlderSessions';

export interface CutCredentialsInput {
  instanceId: string;
  dryRun: boolean;
}
export interface RevokeSessionsInput {
  instanceProfileArn: string;
  issuedBefore: string;
  dryRun: boolean;
}

export async function cutCredentials(aws: AwsClients, input: CutCredentialsInput): Promise<StepOutcome> {
  const plan = new PlanRecorder('cut-credentials', input.dryRun);
  const found = await awsCall('DescribeIamInstanceProfileAssociations', () =>
    aws.ec2.send(
      new DescribeIamInstanceProfileAssociationsCommand({
        Filters: [{ Name: 'instance-id', Values: [input.instanceId] }],
      }),
    ),
  );
  const live = (found.IamInstanceProfileAssociations ?? []).filter((a) => a.State === 'associated' || a.State === 'associating');
  for (const association of live) {
    const params = { AssociationId: association.AssociationId! };
    try {
      await plan.act('ec2', 'DisassociateIamInstanceProfile', params, () =>
        aws.ec2.send(new DisassociateIamInstanceProfileCommand(params)),
      );
    } catch (err) {
      // Gone between our read and the call (a concurrent retry): the goal is reached.
      if (!(err instanceof ApplicationFailure && err.type === ErrorType.TargetNotFound)) throw err;
    }
  }
  const profiles = live.map((a) => a.IamInstanceProfile?.Arn).join(', ');
  return plan.outcome(`disassociated ${profiles}`, `would disassociate ${profiles}`, 'no instance profile associated');
}

export async function revokeOlderSessions(aws: AwsClients, input: RevokeSessionsInput): Promise<StepOutcome> {
  const plan = new PlanRecorder('revoke-sessions', input.dryRun);
  const profileName = input.instanceProfileArn.split('/').pop()!;
  const profile = await awsCall('GetInstanceProfile', () =>
    aws.iam.send(new GetInstanceProfileCommand({ InstanceProfileName: profileName })),
  );
  const roles = (profile.InstanceProfile?.Roles ?? []).map((r) => r.RoleName!);
  const kept: string[] = [];
  for (const RoleName of roles) {
    try {
      await aws.iam.send(new GetRolePolicyCommand({ RoleName, PolicyName: revokePolicyName }));
      kept.push(RoleName);
      continue;
    } catch (err) {
      if (!isNotFound(err)) await awsCall('GetRolePolicy', () => Promise.reject(err));
    }
    const document = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Deny', Action: '*', Resource: '*', Condition: { DateLessThan: { 'aws:TokenIssueTime': input.issuedBefore } } },
      ],
    };
    const params = { RoleName, PolicyName: revokePolicyName, PolicyDocument: JSON.stringify(document) };
    await plan.act('iam', 'PutRolePolicy', params, () => aws.iam.send(new PutRolePolicyCommand(params)));
  }
  const touched = plan.calls.map((c) => c.input.RoleName).join(', ');
  return plan.outcome(
    `denied sessions issued before ${input.issuedBefore} on ${touched}`,
    `would deny sessions issued before ${input.issuedBefore} on ${touched}`,
    kept.length ? `${revokePolicyName} already on ${kept.join(', ')}` : 'the instance profile has no role',
  );
}
