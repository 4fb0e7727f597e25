/**
 * Step 4 of AWS.md §1.2 (recovery prep) and its compensation. Points the group at a NEW launch
 * template version carrying the known-good image, before the instance leaves the group, so the
 * replacement launches clean (S5: detach launches from the group's current configuration).
 * Versions are immutable and never edited (§1.4). moto ignores SourceVersion (G7), so the full
 * LaunchTemplateData is copied from the source version and patched; UserData is left out (G8) —
 * SourceVersion is still sent, so real AWS inherits the source's UserData. ClientToken is not
 * honoured by moto (G15): a version this incident created is found by its VersionDescription first.
 */
import { DescribeAutoScalingGroupsCommand, UpdateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import { CreateLaunchTemplateVersionCommand, type LaunchTemplateVersion, type RequestLaunchTemplateData } from '@aws-sdk/client-ec2';
import { ApplicationFailure } from '@temporalio/activity';
import crypto from 'node:crypto';
import type { AwsClients } from '../../src/aws/clients';
import { ErrorType } from '../../src/domain/errors';
import type { GroupTemplateChange, StepOutcome } from '../../src/domain/incident';
import { awsCall } from '../aws-errors';
import { PlanRecorder } from '../plan-recorder';
import { launchTemplateVersions } from './image-candidates';

export interface PointGroupInput {
  incidentId: string;
  groupName: string;
  launchTemplateId: string;
  /** The group's reference at describe time: a number, `$Default` or `$Latest`. */
  sourceVersion: string;
  imageId: string;
  dryRun: boolean;
}
export interface PointGroupResult extends StepOutcome {
  change: GroupTemplateChange;
}
export interface RestoreGroupInput {
  groupName: string;
  launchTemplateId: string;
  version: string;
  dryRun: boolean;
}

/** The marker that makes the version findable again by a re-run of the same incident. */
export const versionMarker = (incidentId: string) => `cordon:${incidentId}`;

function resolve(versions: LaunchTemplateVersion[], ref: string): LaunchTemplateVersion | undefined {
  if (ref === '$Latest')
    return versions.reduce<LaunchTemplateVersion | undefined>(
      (a, v) => (!a || (v.VersionNumber ?? 0) > (a.VersionNumber ?? 0) ? v : a),
      undefined,
    );
  if (ref === '$Default') return versions.find((v) => v.DefaultVersion);
  return versions.find((v) => String(v.VersionNumber) === ref);
}

/** Response → request shape: drops UserData (G8) and empty values. */
function requestData(data: LaunchTemplateVersion['LaunchTemplateData'], imageId: string): RequestLaunchTemplateData {
  const clean = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(clean);
    if (v && typeof v === 'object' && !(v instanceof Date)) {
      const out = Object.fromEntries(
        Object.entries(v)
          .map(([k, x]) => [k, clean(x)])
          .filter(([, x]) => x !== undefined && !(Array.isArray(x) && x.length === 0)),
      );
      return Object.keys(out).length ? out : undefined;
    }
    return v;
  };
  const { UserData: _ignored, ...rest } = data ?? {};
  return { ...(clean(rest) as RequestLaunchTemplateData), ImageId: imageId };
}

async function groupVersion(aws: AwsClients, groupName: string): Promise<string | undefined> {
  const found = await awsCall('DescribeAutoScalingGroups', () =>
    aws.autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [groupName] })),
  );
  const group = found.AutoScalingGroups?.[0];
  if (!group) throw ApplicationFailure.nonRetryable(`Auto Scaling group ${groupName} no longer exists`, ErrorType.TargetNotFound);
  return group.LaunchTemplate?.Version;
}

export async function pointGroupAtImage(aws: AwsClients, input: PointGroupInput): Promise<PointGroupResult> {
  const plan = new PlanRecorder('point-group', input.dryRun);
  const versions = await launchTemplateVersions(aws, input.launchTemplateId);
  const source = resolve(versions, input.sourceVersion);
  if (!source)
    throw ApplicationFailure.nonRetryable(
      `launch template ${input.launchTemplateId} has no version ${input.sourceVersion}`,
      ErrorType.TargetNotFound,
    );
  const previousVersion = input.sourceVersion === '$Latest' ? String(source.VersionNumber) : input.sourceVersion;
  const marker = versionMarker(input.incidentId);
  const ours = versions.find((v) => v.VersionDescription?.startsWith(marker));
  let newVersion: string;
  if (ours) {
    newVersion = String(ours.VersionNumber);
  } else if (source.LaunchTemplateData?.ImageId === input.imageId) {
    newVersion = String(source.VersionNumber);
  } else {
    const params = {
      LaunchTemplateId: input.launchTemplateId,
      SourceVersion: String(source.VersionNumber),
      VersionDescription: `${marker} known-good ${input.imageId}`.slice(0, 255),
      ClientToken: `cordon-${crypto.createHash('sha256').update(`${input.incidentId}:point-group`).digest('hex').slice(0, 40)}`,
      LaunchTemplateData: requestData(source.LaunchTemplateData, input.imageId),
    };
    const created = await plan.act('ec2', 'CreateLaunchTemplateVersion', params, () =>
      aws.ec2.send(new CreateLaunchTemplateVersionCommand(params)),
    );
    newVersion = created ? String(created.LaunchTemplateVersion!.VersionNumber) : '<new version>';
  }
  if ((await groupVersion(aws, input.groupName)) !== newVersion) {
    const params = {
      AutoScalingGroupName: input.groupName,
      LaunchTemplate: { LaunchTemplateId: input.launchTemplateId, Version: newVersion },
    };
    await plan.act('autoscaling', 'UpdateAutoScalingGroup', params, () => aws.autoscaling.send(new UpdateAutoScalingGroupCommand(params)));
  }
  const change: GroupTemplateChange = {
    groupName: input.groupName,
    launchTemplateId: input.launchTemplateId,
    previousVersion,
    newVersion,
    imageId: input.imageId,
  };
  const created = plan.calls.some((c) => c.operation === 'CreateLaunchTemplateVersion');
  return {
    ...plan.outcome(
      `${input.groupName} now launches ${input.imageId} from ${input.launchTemplateId} v${newVersion}${created ? ' (new version)' : ''}, was v${previousVersion}`,
      `would create a version of ${input.launchTemplateId} with ${input.imageId} and point ${input.groupName} at it (was v${previousVersion})`,
      `${input.groupName} already launches ${input.imageId} from v${newVersion}`,
    ),
    change,
  };
}

/** Compensation: the group goes back to the launch template version it used before the runbook. */
export async function restoreGroupLaunchTemplate(aws: AwsClients, input: RestoreGroupInput): Promise<StepOutcome> {
  const plan = new PlanRecorder('restore-group', input.dryRun);
  if ((await groupVersion(aws, input.groupName)) !== input.version) {
    const params = {
      AutoScalingGroupName: input.groupName,
      LaunchTemplate: { LaunchTemplateId: input.launchTemplateId, Version: input.version },
    };
    await plan.act('autoscaling', 'UpdateAutoScalingGroup', params, () => aws.autoscaling.send(new UpdateAutoScalingGroupCommand(params)));
  }
  return plan.outcome(
    `restored ${input.groupName} to v${input.version}`,
    `would restore ${input.groupName} to v${input.version}`,
    `${input.groupName} already on v${input.version}`,
  );
}
