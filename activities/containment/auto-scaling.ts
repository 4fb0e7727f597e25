/**
 * Steps 3 and 5 of AWS.md §1.2: scale-in protection while the instance is still a member, then
 * out of the Auto Scaling group WITHOUT decrementing desired capacity, so the group launches a
 * clean replacement from the (already re-pointed) launch template. Standby is a policy option (S3).
 * Neither AWS nor moto validates membership (G3: a repeated detach in moto terminates a healthy
 * instance), so every call is preceded by DescribeAutoScalingInstances (membership + lifecycle).
 */
import {
  DescribeAutoScalingInstancesCommand,
  DetachInstancesCommand,
  EnterStandbyCommand,
  SetInstanceProtectionCommand,
  type AutoScalingInstanceDetails,
} from '@aws-sdk/client-auto-scaling';
import type { AwsClients } from '../../src/aws/clients';
import type { StepOutcome } from '../../src/domain/incident';
import { awsCall } from '../aws-errors';
import { PlanRecorder } from '../plan-recorder';

export type LeaveGroupMode = 'detach' | 'standby';
export interface GroupMemberInput {
  instanceId: string;
  dryRun: boolean;
}
export interface LeaveGroupInput extends GroupMemberInput {
  mode: LeaveGroupMode;
}

async function membership(aws: AwsClients, instanceId: string): Promise<AutoScalingInstanceDetails | undefined> {
  const found = await awsCall('DescribeAutoScalingInstances', () =>
    aws.autoscaling.send(new DescribeAutoScalingInstancesCommand({ InstanceIds: [instanceId] })),
  );
  return found.AutoScalingInstances?.find((i) => i.InstanceId === instanceId);
}

/** Transitional lifecycle states: wait (a plain error, so Temporal retries with backoff). */
const transitional = /^(Pending|Terminating|Detaching|EnteringStandby|Warmed)/;

export async function protectFromScaleIn(aws: AwsClients, input: GroupMemberInput): Promise<StepOutcome> {
  const plan = new PlanRecorder('scale-in-protection', input.dryRun);
  const member = await membership(aws, input.instanceId);
  if (member && !member.ProtectedFromScaleIn) {
    const params = { AutoScalingGroupName: member.AutoScalingGroupName!, InstanceIds: [input.instanceId], ProtectedFromScaleIn: true };
    await plan.act('autoscaling', 'SetInstanceProtection', params, () => aws.autoscaling.send(new SetInstanceProtectionCommand(params)));
  }
  return plan.outcome(
    `protected from scale-in in ${member?.AutoScalingGroupName}`,
    `would protect from scale-in in ${member?.AutoScalingGroupName}`,
    member ? 'already protected from scale-in' : 'not in an Auto Scaling group',
  );
}

export async function leaveAutoScalingGroup(aws: AwsClients, input: LeaveGroupInput): Promise<StepOutcome> {
  const plan = new PlanRecorder('leave-group', input.dryRun);
  const member = await membership(aws, input.instanceId);
  if (!member) return plan.outcome('', '', 'already outside any Auto Scaling group');
  const state = member.LifecycleState ?? '';
  const group = member.AutoScalingGroupName!;
  if (input.mode === 'standby' && state.startsWith('Standby')) return plan.outcome('', '', `already in Standby in ${group}`);
  if (transitional.test(state))
    throw new Error(`instance ${input.instanceId} is ${state} in ${group}; waiting for it to settle before leaving the group`);
  // Never decrement: the group must launch a replacement (and S5 warns that detaching a Standby instance with decrement can terminate others).
  const params = { AutoScalingGroupName: group, InstanceIds: [input.instanceId], ShouldDecrementDesiredCapacity: false };
  if (input.mode === 'standby') {
    await plan.act('autoscaling', 'EnterStandby', params, () => aws.autoscaling.send(new EnterStandbyCommand(params)));
  } else {
    await plan.act('autoscaling', 'DetachInstances', params, () => aws.autoscaling.send(new DetachInstancesCommand(params)));
  }
  const verb = input.mode === 'standby' ? 'moved to Standby in' : 'detached from';
  return plan.outcome(
    `${verb} ${group} without decrement (the group launches a replacement)`,
    `would be ${verb} ${group} without decrement`,
    '',
  );
}
