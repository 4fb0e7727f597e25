/**
 * Image-suspect path (AWS.md §1.4 "Replacement choices"): an instance refresh of the whole group
 * onto the known-good version, behind an approval gate in the workflow. StartInstanceRefresh has
 * no client token (§1.3) and answers InstanceRefreshInProgress while one runs, so running refreshes
 * are read first and reused. StandbyInstances=Ignore keeps a Standby evidence instance alive (S7:
 * `Terminate` would destroy it). moto lacks both calls (G13, HTTP 500): that is reported as
 * "unsupported by this endpoint", non-retryable, instead of being retried as a 5xx.
 */
import { DescribeInstanceRefreshesCommand, StartInstanceRefreshCommand } from '@aws-sdk/client-auto-scaling';
import { ApplicationFailure } from '@temporalio/activity';
import type { AwsClients } from '../../src/aws/clients';
import { ErrorType } from '../../src/domain/errors';
import type { StepOutcome } from '../../src/domain/incident';
import { isUnsupported, rethrowAws } from '../aws-errors';
import { PlanRecorder } from '../plan-recorder';

export interface InstanceRefreshInput {
  groupName: string;
  launchTemplateId: string;
  version: string;
  dryRun: boolean;
}
export interface InstanceRefreshResult extends StepOutcome {
  instanceRefreshId?: string;
}

const running = new Set(['Pending', 'InProgress', 'Baking']);

async function call<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isUnsupported(err)) {
      throw ApplicationFailure.nonRetryable(
        `${what} is not supported by this AWS endpoint (moto does not implement instance refresh, AWS.md G13); replace the group's instances by hand`,
        ErrorType.AwsPermanent,
      );
    }
    rethrowAws(err, what);
  }
}

export async function startInstanceRefresh(aws: AwsClients, input: InstanceRefreshInput): Promise<InstanceRefreshResult> {
  const plan = new PlanRecorder('instance-refresh', input.dryRun);
  const existing = await call('DescribeInstanceRefreshes', () =>
    aws.autoscaling.send(new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: input.groupName })),
  );
  const active = (existing.InstanceRefreshes ?? []).find((r) => running.has(r.Status ?? ''));
  if (active)
    return {
      ...plan.outcome('', '', `instance refresh ${active.InstanceRefreshId} already ${active.Status}`),
      instanceRefreshId: active.InstanceRefreshId,
    };
  const params = {
    AutoScalingGroupName: input.groupName,
    Strategy: 'Rolling' as const,
    DesiredConfiguration: { LaunchTemplate: { LaunchTemplateId: input.launchTemplateId, Version: input.version } },
    Preferences: { MinHealthyPercentage: 90, SkipMatching: true, StandbyInstances: 'Ignore' as const },
  };
  plan.calls.push({ step: 'instance-refresh', service: 'autoscaling', operation: 'StartInstanceRefresh', input: params });
  const started = input.dryRun
    ? undefined
    : await call('StartInstanceRefresh', () => aws.autoscaling.send(new StartInstanceRefreshCommand(params)));
  return {
    ...plan.outcome(
      `started instance refresh ${started?.InstanceRefreshId} of ${input.groupName} onto v${input.version}`,
      `would refresh ${input.groupName} onto v${input.version}`,
      '',
    ),
    instanceRefreshId: started?.InstanceRefreshId,
  };
}
