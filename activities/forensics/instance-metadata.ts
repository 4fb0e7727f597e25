/**
 * Instance metadata as one JSON artifact (AWS.md §1.2 step 0 facts, kept as evidence): the
 * instance, its ENIs, security groups with rules, volumes, instance profile association and
 * role, user data, tags and Auto Scaling membership — the raw AWS responses, so nothing is
 * lost in translation. Only DescribeInstances is required; every other call that fails is
 * recorded in the artifact's `errors` rather than failing the capture. Idempotent by name.
 */
import { DescribeAutoScalingInstancesCommand } from '@aws-sdk/client-auto-scaling';
import {
  DescribeIamInstanceProfileAssociationsCommand,
  DescribeInstanceAttributeCommand,
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand,
  DescribeVolumesCommand,
} from '@aws-sdk/client-ec2';
import { GetInstanceProfileCommand } from '@aws-sdk/client-iam';
import { ApplicationFailure } from '@temporalio/activity';
import { ErrorType } from '../../src/domain/errors';
import { findArtifact, recordArtifact, type ArtifactEntry } from '../../src/evidence';
import { awsCall, errorCode } from '../aws-errors';
import { evidenceCall, heartbeat, plain, type CaptureInput, type ForensicsDeps } from './forensics-context';

export interface CaptureMetadataInput extends CaptureInput {
  /** The runbook's description from before any change (AWS.md §1.2 step 0), kept beside the live reads. */
  describedBefore?: unknown;
}

export async function captureInstanceMetadata(deps: ForensicsDeps, input: CaptureMetadataInput): Promise<ArtifactEntry> {
  const { aws, store, collector } = deps;
  const { incidentId, instanceId } = input;
  const name = `instance-metadata-${instanceId}.json`;
  const done = await evidenceCall(() => findArtifact(store, incidentId, name));
  if (done) return done;

  const calls: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  const optional = async <T extends object>(label: string, fn: () => Promise<T>): Promise<T | undefined> => {
    try {
      const out = await fn();
      calls[label] = plain(out);
      return out;
    } catch (err) {
      errors[label] = `${errorCode(err)}: ${(err as Error).message}`;
      return undefined;
    }
  };

  const described = await awsCall('DescribeInstances', () => aws.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] })));
  const instance = described.Reservations?.[0]?.Instances?.[0];
  if (!instance)
    throw ApplicationFailure.nonRetryable(`instance ${instanceId} does not exist; no metadata to capture`, ErrorType.TargetNotFound);
  calls['ec2:DescribeInstances'] = plain(described);
  const byInstance = [{ Name: 'attachment.instance-id', Values: [instanceId] }];

  const [enis, , association] = await Promise.all([
    optional('ec2:DescribeNetworkInterfaces', () => aws.ec2.send(new DescribeNetworkInterfacesCommand({ Filters: byInstance }))),
    optional('ec2:DescribeVolumes', () => aws.ec2.send(new DescribeVolumesCommand({ Filters: byInstance }))),
    optional('ec2:DescribeIamInstanceProfileAssociations', () =>
      aws.ec2.send(new DescribeIamInstanceProfileAssociationsCommand({ Filters: [{ Name: 'instance-id', Values: [instanceId] }] })),
    ),
    optional('ec2:DescribeInstanceAttribute(userData)', () =>
      aws.ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: instanceId, Attribute: 'userData' })),
    ),
    optional('ec2:DescribeInstanceAttribute(disableApiTermination)', () =>
      aws.ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: instanceId, Attribute: 'disableApiTermination' })),
    ),
    optional('autoscaling:DescribeAutoScalingInstances', () =>
      aws.autoscaling.send(new DescribeAutoScalingInstancesCommand({ InstanceIds: [instanceId] })),
    ),
  ]);
  heartbeat({ described: Object.keys(calls).length });

  const groupIds = new Set<string>();
  for (const g of instance.SecurityGroups ?? []) if (g.GroupId) groupIds.add(g.GroupId);
  for (const eni of enis?.NetworkInterfaces ?? []) for (const g of eni.Groups ?? []) if (g.GroupId) groupIds.add(g.GroupId);
  if (groupIds.size)
    await optional('ec2:DescribeSecurityGroups', () => aws.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [...groupIds] })));
  const profileArn = association?.IamInstanceProfileAssociations?.find((a) => a.State === 'associated' || a.State === 'associating')
    ?.IamInstanceProfile?.Arn;
  const profileName = profileArn?.split('/').pop();
  if (profileName)
    await optional('iam:GetInstanceProfile', () => aws.iam.send(new GetInstanceProfileCommand({ InstanceProfileName: profileName })));

  const capturedAt = new Date().toISOString();
  return evidenceCall(() =>
    recordArtifact(store, incidentId, {
      ...deps.made,
      name,
      mediaType: 'application/json',
      collector,
      collectedAt: capturedAt,
      source: Object.keys(calls).join(' '),
      body: JSON.stringify(
        {
          incidentId,
          instanceId,
          region: aws.region,
          capturedAt,
          collector,
          describedBefore: input.describedBefore ?? null,
          calls,
          errors,
        },
        null,
        2,
      ),
      detail: { calls: Object.keys(calls).length, failedCalls: Object.keys(errors) },
    }),
  );
}
