/**
 * Steps 1 and 11 of AWS.md §1.2: mark the instance `ir:case=<incident>` and `ir:status=containing`
 * at the start (a resume marker for re-runs) and `ir:status=quarantined` at the end. CreateTags
 * has no client token (AWS.md §1.3), so current tags are read first and only differences written.
 */
import { CreateTagsCommand, DescribeTagsCommand } from '@aws-sdk/client-ec2';
import type { AwsClients } from '../../src/aws/clients';
import type { StepOutcome } from '../../src/domain/incident';
import { awsCall } from '../aws-errors';
import { PlanRecorder } from '../plan-recorder';

export type ContainmentStatus = 'containing' | 'quarantined';
export interface MarkInstanceInput {
  step: string;
  incidentId: string;
  instanceId: string;
  status: ContainmentStatus;
  dryRun: boolean;
}

export async function markInstance(aws: AwsClients, input: MarkInstanceInput): Promise<StepOutcome> {
  const plan = new PlanRecorder(input.step, input.dryRun);
  const wanted: Record<string, string> = { 'ir:case': input.incidentId, 'ir:status': input.status };
  const current = await awsCall('DescribeTags', () =>
    aws.ec2.send(
      new DescribeTagsCommand({
        Filters: [
          { Name: 'resource-id', Values: [input.instanceId] },
          { Name: 'key', Values: Object.keys(wanted) },
        ],
      }),
    ),
  );
  const have = Object.fromEntries((current.Tags ?? []).map((t) => [t.Key, t.Value]));
  const missing = Object.entries(wanted)
    .filter(([k, v]) => have[k] !== v)
    .map(([Key, Value]) => ({ Key, Value }));
  if (missing.length) {
    const params = { Resources: [input.instanceId], Tags: missing };
    await plan.act('ec2', 'CreateTags', params, () => aws.ec2.send(new CreateTagsCommand(params)));
  }
  const tags = missing.map((t) => `${t.Key}=${t.Value}`).join(', ');
  return plan.outcome(`tagged ${tags}`, `would tag ${tags}`, `already tagged ir:status=${input.status}`);
}
