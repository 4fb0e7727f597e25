/**
 * Step 6 of AWS.md §1.2: out of every load balancer target group. Detach/Standby deregister only
 * from target groups attached to the group on AWS, and not at all in moto (G5), so each target
 * group that lists the instance (DescribeTargetHealth, read first) gets an explicit DeregisterTargets.
 */
import { DescribeTargetHealthCommand, DeregisterTargetsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { AwsClients } from '../../src/aws/clients';
import type { StepOutcome } from '../../src/domain/incident';
import { awsCall, isNotFound } from '../aws-errors';
import { PlanRecorder } from '../plan-recorder';

export interface DeregisterTargetsInput {
  instanceId: string;
  targetGroupArns: string[];
  dryRun: boolean;
}

export async function deregisterFromTargetGroups(aws: AwsClients, input: DeregisterTargetsInput): Promise<StepOutcome> {
  const plan = new PlanRecorder('deregister-targets', input.dryRun);
  for (const arn of input.targetGroupArns) {
    let listed = false;
    try {
      const health = await aws.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }));
      listed = (health.TargetHealthDescriptions ?? []).some(
        (d) => d.Target?.Id === input.instanceId && d.TargetHealth?.State !== 'draining',
      );
    } catch (err) {
      if (!isNotFound(err)) await awsCall('DescribeTargetHealth', () => Promise.reject(err));
    }
    if (!listed) continue;
    const params = { TargetGroupArn: arn, Targets: [{ Id: input.instanceId }] };
    await plan.act('elbv2', 'DeregisterTargets', params, () => aws.elbv2.send(new DeregisterTargetsCommand(params)));
  }
  const n = plan.calls.length;
  return plan.outcome(
    `deregistered from ${n} target group(s)`,
    `would deregister from ${n} target group(s)`,
    'registered in no target group',
  );
}
