/**
 * Crash-consistent snapshots of every attached EBS volume (AWS.md §1.2 step 8, S10):
 * CreateSnapshots with the instance specification (boot volume included) and the incident's
 * custody tags, falling back to one CreateSnapshot per volume when the multi-volume call is
 * refused. Idempotent: snapshots already tagged with the incident and instance are found
 * first and only missing volumes are snapshotted. Needs no network from the instance, so it
 * can run right after evidence protection. moto: snapshots complete at once, CreateSnapshots
 * returns no State and does not copy volume tags (G14), so states are read back afterwards.
 */
import { CreateSnapshotCommand, CreateSnapshotsCommand, CreateTagsCommand, DescribeInstancesCommand, DescribeSnapshotsCommand, type Snapshot, type Tag } from '@aws-sdk/client-ec2';
import { ApplicationFailure } from '@temporalio/activity';
import { ErrorType } from '../../src/domain/errors';
import { recordArtifact, type ArtifactEntry } from '../../src/evidence';
import { awsCall, errorCode, rethrowAws } from '../aws-errors';
import { evidenceCall, EvidenceTag, heartbeat, type CaptureInput, type ForensicsDeps } from './forensics-context';

export interface CaptureSnapshotsInput extends CaptureInput {
  /** Who asked (operator or policy), recorded as a tag. */
  requestedBy?: string;
}

export interface EvidenceSnapshot { snapshotId: string; volumeId: string; deviceName: string; state: string; startTime?: string }

export interface CaptureSnapshotsResult {
  method: 'CreateSnapshots' | 'CreateSnapshot' | 'existing';
  snapshots: EvidenceSnapshot[];
  artifact: ArtifactEntry;
}

export async function captureSnapshots(deps: ForensicsDeps, input: CaptureSnapshotsInput): Promise<CaptureSnapshotsResult> {
  const { aws, collector } = deps;
  const { incidentId, instanceId } = input;
  const found = await awsCall('DescribeInstances', () => aws.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] })));
  const instance = found.Reservations?.[0]?.Instances?.[0];
  if (!instance) throw ApplicationFailure.nonRetryable(`instance ${instanceId} does not exist; nothing to snapshot`, ErrorType.TargetNotFound);
  const volumes = (instance.BlockDeviceMappings ?? []).filter((b) => b.Ebs?.VolumeId).map((b) => ({ volumeId: b.Ebs!.VolumeId!, deviceName: b.DeviceName ?? '' }));

  const tags: Tag[] = [
    { Key: EvidenceTag.incident, Value: incidentId }, { Key: EvidenceTag.evidence, Value: 'true' },
    { Key: EvidenceTag.sourceInstance, Value: instanceId }, { Key: EvidenceTag.collector, Value: collector },
    { Key: EvidenceTag.collectedAt, Value: new Date().toISOString() },
    ...(input.requestedBy ? [{ Key: EvidenceTag.requestedBy, Value: input.requestedBy }] : []),
  ];
  const description = `Cordon evidence for ${incidentId} (${instanceId})`;
  const existing = await taggedSnapshots(deps, incidentId, instanceId);
  const missing = volumes.filter((v) => !existing.some((s) => s.VolumeId === v.volumeId));
  let method: CaptureSnapshotsResult['method'] = 'existing';

  if (missing.length && missing.length === volumes.length) {
    try {
      await aws.ec2.send(new CreateSnapshotsCommand({
        InstanceSpecification: { InstanceId: instanceId, ExcludeBootVolume: false }, Description: description,
        TagSpecifications: [{ ResourceType: 'snapshot', Tags: tags }],
      }));
      method = 'CreateSnapshots';
    } catch (err) {
      // Multi-volume snapshots refused (permissions, unsupported): fall back to one per volume.
      if (/Unauthorized|AccessDenied|AuthFailure/.test(errorCode(err))) rethrowAws(err, 'CreateSnapshots');
    }
  }
  if (method !== 'CreateSnapshots') {
    for (const v of missing) {
      heartbeat({ snapshotting: v.volumeId });
      await awsCall('CreateSnapshot', () => aws.ec2.send(new CreateSnapshotCommand({
        VolumeId: v.volumeId, Description: `${description} ${v.deviceName}`,
        TagSpecifications: [{ ResourceType: 'snapshot', Tags: [...tags, { Key: EvidenceTag.sourceVolume, Value: v.volumeId }, { Key: EvidenceTag.sourceDevice, Value: v.deviceName }] }],
      })));
      method = 'CreateSnapshot';
    }
  }

  const all = await taggedSnapshots(deps, incidentId, instanceId);
  const snapshots: EvidenceSnapshot[] = [];
  for (const v of volumes) {
    const s = all.find((x) => x.VolumeId === v.volumeId);
    if (!s?.SnapshotId) throw new Error(`snapshot of ${v.volumeId} not visible yet; retrying`);
    if (!s.Tags?.some((t) => t.Key === EvidenceTag.sourceVolume)) {
      // CreateSnapshots tags every snapshot alike: name the source volume per snapshot.
      await awsCall('CreateTags', () => aws.ec2.send(new CreateTagsCommand({ Resources: [s.SnapshotId!], Tags: [{ Key: EvidenceTag.sourceVolume, Value: v.volumeId }, { Key: EvidenceTag.sourceDevice, Value: v.deviceName }] })));
    }
    snapshots.push({ snapshotId: s.SnapshotId, volumeId: v.volumeId, deviceName: v.deviceName, state: s.State ?? 'unknown', startTime: s.StartTime?.toISOString() });
  }
  heartbeat({ snapshots: snapshots.length });

  const artifact = await evidenceCall(() => recordArtifact(deps.store, incidentId, {
    name: `snapshots-${instanceId}.json`, mediaType: 'application/json', collector,
    source: `ec2:${method === 'existing' ? 'DescribeSnapshots' : method}`,
    body: JSON.stringify({ incidentId, instanceId, region: aws.region, method, snapshots, tags: Object.fromEntries(tags.map((t) => [t.Key, t.Value])) }, null, 2),
    detail: { snapshotIds: snapshots.map((s) => s.snapshotId) },
  }));
  return { method, snapshots, artifact };
}

async function taggedSnapshots(deps: ForensicsDeps, incidentId: string, instanceId: string): Promise<Snapshot[]> {
  const out = await awsCall('DescribeSnapshots', () => deps.aws.ec2.send(new DescribeSnapshotsCommand({
    OwnerIds: ['self'],
    Filters: [{ Name: `tag:${EvidenceTag.incident}`, Values: [incidentId] }, { Name: `tag:${EvidenceTag.sourceInstance}`, Values: [instanceId] }],
  })));
  return out.Snapshots ?? [];
}
