/**
 * Recovery verification (AWS.md §1.4): wait DURABLY — workflow timers between describe
 * activities, never sleeps inside activities — until the group has its desired capacity of
 * InService, healthy instances including a replacement on the known-good image, or the policy
 * deadline passes (the runbook's parameters, else the policy's). On failure, compensation (unless the runbook
 * switched it off) restores the group's previous launch template
 * version and the timeline says so. Plan mode makes no wait and no call.
 */
import { sleep } from '@temporalio/workflow';
import { done, failed, skipped, type RunContext, type StepResult } from './runner';

export const defaultReplacementWait = { deadlineMinutes: 15, pollSeconds: 15 };

export async function waitForReplacement(ctx: RunContext): Promise<StepResult> {
  const change = ctx.facts.change!;
  const policy = ctx.input.policy.replacement ?? defaultReplacementWait;
  const deadlineMinutes = (ctx.runbook?.param('verify-replacement', 'deadlineMinutes') as number | undefined) ?? policy.deadlineMinutes;
  const pollSeconds = (ctx.runbook?.param('verify-replacement', 'pollSeconds') as number | undefined) ?? policy.pollSeconds;
  if (ctx.input.dryRun) return skipped(`plan mode: would wait up to ${deadlineMinutes} min for a healthy replacement on ${change.imageId}`);
  const deadline = new Date().getTime() + deadlineMinutes * 60_000;
  const previousMemberIds = ctx.facts.target?.autoScalingGroup?.memberInstanceIds ?? [];
  let last = 'not read yet';
  for (;;) {
    const status = await ctx.read.describeReplacement({
      groupName: change.groupName,
      imageId: change.imageId,
      previousMemberIds,
      resource: ctx.input.resource,
    });
    last = status.summary;
    if (status.ready) return done(status.summary);
    if (new Date().getTime() + pollSeconds * 1000 > deadline) break;
    await sleep(`${pollSeconds}s`);
  }
  // The runbook switched this compensation off (`compensate: false`): the group keeps the new version.
  if (ctx.runbook && !ctx.runbook.compensate('verify-replacement')) {
    return failed(
      `no healthy replacement on ${change.imageId} within ${deadlineMinutes} min (last: ${last}); compensation off by the runbook: group ${change.groupName} stays on launch template v${change.newVersion}`,
    );
  }
  const restored = await ctx.mutate.restoreGroupLaunchTemplate({
    groupName: change.groupName,
    launchTemplateId: change.launchTemplateId,
    version: change.previousVersion,
    dryRun: false,
    resource: ctx.input.resource,
  });
  if (restored.calls.length) ctx.state.addPlannedCalls(restored.calls);
  ctx.state.log({
    at: new Date().toISOString(),
    kind: 'aws',
    step: 'verify-replacement',
    message: `compensation: ${restored.summary} — the replacement on ${change.imageId} was not healthy within ${deadlineMinutes} min`,
  });
  return failed(
    `no healthy replacement on ${change.imageId} within ${deadlineMinutes} min (last: ${last}); compensation: group ${change.groupName} restored to launch template v${change.previousVersion}`,
  );
}
