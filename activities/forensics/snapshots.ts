/**
 * Crash-consistent snapshots of every attached EBS volume (AWS.md §1.2 step 8, S10):
 * CreateSnapshots with the instance specification (boot volume included) and the incident's
 * custody tags, falling back to one CreateSnapshot per volume when the multi-volume call is
 * refused. Split in two because CreateSnapshots is asynchronous in AWS (it returns ids at once):
 * `startSnapshots` only issues the call — inside the quarantine chain, right after evidence
 * protection, so the point-in-time copy predates isolation — and `captureSnapshots`, beside the
 * chain, waits for completion, names each snapshot's volume and records the artifact.
 * Idempotent: snapshots already tagged with the incident and instance are found first and only
 * missing volumes are snapshotted. moto: snapshots complete at once, CreateSnapshots returns no
 * State and does not copy volume tags (G14), so states are read back afterwards.
 */
import {
  CreateSnapshotCommand,
  CreateSnapshotsCommand,
  CreateTagsCommand,
  DescribeInstancesCommand,
  DescribeSnapshotsCommand,
  type Snapshot,
  type Tag,
} from '@aws-sdk/client-ec2';
import { ApplicationFailure } from '@temporalio/activity';
import { ErrorType } from '../../src/domain/errors';
import { recordArtifact, type ArtifactEntry } from '../../src/evidence';
import { awsCall, errorCode, rethrowAws } from '../aws-errors';
import { evidenceCall, EvidenceTag, heartbeat, type CaptureInput, type ForensicsDeps } from './forensics-context';
import { shareWithForensicAccount, type SnapshotSharing } from './share-snapshots';

export interface CaptureSnapshotsInput extends CaptureInput {
  /** Who asked (operator or policy), recorded as a tag. */
  requestedBy?: string;
  /** What startSnapshots issued in the chain (recorded in the artifact). */
  started?: StartSnapshotsResult;
  /** Longest wait for `completed` before recording the states as they are (default 10). */
  waitMinutes?: number;
}

export interface StartSnapshotsResult {
  method: 'CreateSnapshots' | 'CreateSnapshot' | 'existing';
  snapshotIds: string[];
  /** When the call returned (the snapshots' point in time is at or before it). */
  issuedAt: string;
}

export interface EvidenceSnapshot {
  snapshotId: string;
  volumeId: string;
  deviceName: string;
  state: string;
  startTime?: string;
}

export interface CaptureSnapshotsResult {
  method: 'CreateSnapshots' | 'CreateSnapshot' | 'existing';
  snapshots: EvidenceSnapshot[];
  artifact: ArtifactEntry;
  /** Sharing with the organisation's forensic account, when one is configured and differs from the snapshots' account. */
  sharing?: SnapshotSharing;
}

function custodyTags(deps: ForensicsDeps, input: CaptureSnapshotsInput): Tag[] {
  return [
    { Key: EvidenceTag.incident, Value: input.incidentId },
    { Key: EvidenceTag.evidence, Value: 'true' },
    { Key: EvidenceTag.sourceInstance, Value: input.instanceId },
    { Key: EvidenceTag.collector, Value: deps.collector },
    { Key: EvidenceTag.collectedAt, Value: new Date().toISOString() },
    ...(input.requestedBy ? [{ Key: EvidenceTag.requestedBy, Value: input.requestedBy }] : []),
  ];
}

async function volumesOf(deps: ForensicsDeps, instanceId: string): Promise<{ volumeId: string; deviceName: string }[]> {
  const found = await awsCall('DescribeInstances', () => deps.aws.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] })));
  const instance = found.Reservations?.[0]?.Instances?.[0];
  if (!instance)
    throw ApplicationFailure.nonRetryable(`instance ${instanceId} does not exist; nothing to snapshot`, ErrorType.TargetNotFound);
  return (instance.BlockDeviceMappings ?? [])
    .filter((b) => b.Ebs?.VolumeId)
    .map((b) => ({ volumeId: b.Ebs!.VolumeId!, deviceName: b.DeviceName ?? '' }));
}

/** Issues the snapshots of the volumes not yet snapshotted for this incident; returns at once (no waiting, no store write). */
async function issueSnapshots(
  deps: ForensicsDeps,
  input: CaptureSnapshotsInput,
  volumes: { volumeId: string; deviceName: string }[],
): Promise<StartSnapshotsResult> {
  const { aws } = deps;
  const { incidentId, instanceId } = input;
  const tags = custodyTags(deps, input);
  const description = `Cordon evidence for ${incidentId} (${instanceId})`;
  const existing = await taggedSnapshots(deps, incidentId, instanceId);
  const missing = volumes.filter((v) => !existing.some((s) => s.VolumeId === v.volumeId));
  let method: StartSnapshotsResult['method'] = 'existing';
  const ids = existing.flatMap((s) => (s.SnapshotId ? [s.SnapshotId] : []));

  if (missing.length && missing.length === volumes.length) {
    try {
      const out = await aws.ec2.send(
        new CreateSnapshotsCommand({
          InstanceSpecification: { InstanceId: instanceId, ExcludeBootVolume: false },
          Description: description,
          TagSpecifications: [{ ResourceType: 'snapshot', Tags: tags }],
        }),
      );
      ids.push(...(out.Snapshots ?? []).flatMap((x) => (x.SnapshotId ? [x.SnapshotId] : [])));
      method = 'CreateSnapshots';
    } catch (err) {
      // Multi-volume snapshots refused (permissions, unsupported): fall back to one per volume.
      if (/Unauthorized|AccessDenied|AuthFailure/.test(errorCode(err))) rethrowAws(err, 'CreateSnapshots');
    }
  }
  if (method !== 'CreateSnapshots') {
    for (const v of missing) {
      heartbeat({ snapshotting: v.volumeId });
      const out = await awsCall('CreateSnapshot', () =>
        aws.ec2.send(
          new CreateSnapshotCommand({
            VolumeId: v.volumeId,
            Description: `${description} ${v.deviceName}`,
            TagSpecifications: [
              {
                ResourceType: 'snapshot',
                Tags: [
                  ...tags,
                  { Key: EvidenceTag.sourceVolume, Value: v.volumeId },
                  { Key: EvidenceTag.sourceDevice, Value: v.deviceName },
                ],
              },
            ],
          }),
        ),
      );
      if (out.SnapshotId) ids.push(out.SnapshotId);
      method = 'CreateSnapshot';
    }
  }
  return { method, snapshotIds: ids, issuedAt: new Date().toISOString() };
}

/**
 * The chain's half: CreateSnapshots for the volumes the runbook described (no DescribeInstances: the chain
 * already knows them), so isolation waits for one DescribeSnapshots and one CreateSnapshots call only.
 */
export async function startSnapshots(
  deps: ForensicsDeps,
  input: CaptureSnapshotsInput & { volumes: { volumeId: string; deviceName: string }[] },
): Promise<StartSnapshotsResult> {
  return issueSnapshots(deps, input, input.volumes);
}

/** Beside the chain: issues what is still missing, waits for completion, names volumes and records the artifact. */
export async function captureSnapshots(deps: ForensicsDeps, input: CaptureSnapshotsInput): Promise<CaptureSnapshotsResult> {
  const { aws, collector } = deps;
  const { incidentId, instanceId } = input;
  const volumes = await volumesOf(deps, instanceId);
  const tags = custodyTags(deps, input);
  const issued = await issueSnapshots(deps, input, volumes);
  const method = issued.method === 'existing' && input.started ? input.started.method : issued.method;
  await waitForCompletion(deps, incidentId, instanceId, input.waitMinutes ?? 10);

  const all = await taggedSnapshots(deps, incidentId, instanceId);
  const snapshots: EvidenceSnapshot[] = [];
  for (const v of volumes) {
    const s = all.find((x) => x.VolumeId === v.volumeId);
    if (!s?.SnapshotId) throw new Error(`snapshot of ${v.volumeId} not visible yet; retrying`);
    if (!s.Tags?.some((t) => t.Key === EvidenceTag.sourceVolume)) {
      // CreateSnapshots tags every snapshot alike: name the source volume per snapshot.
      await awsCall('CreateTags', () =>
        aws.ec2.send(
          new CreateTagsCommand({
            Resources: [s.SnapshotId!],
            Tags: [
              { Key: EvidenceTag.sourceVolume, Value: v.volumeId },
              { Key: EvidenceTag.sourceDevice, Value: v.deviceName },
            ],
          }),
        ),
      );
    }
    snapshots.push({
      snapshotId: s.SnapshotId,
      volumeId: v.volumeId,
      deviceName: v.deviceName,
      state: s.State ?? 'unknown',
      startTime: s.StartTime?.toISOString(),
    });
  }
  heartbeat({ snapshots: snapshots.length });
  const sharing = await shareWithForensicAccount(
    deps,
    snapshots.map((s) => s.snapshotId),
  );

  const artifact = await evidenceCall(() =>
    recordArtifact(deps.store, incidentId, {
      ...deps.made,
      name: `snapshots-${instanceId}.json`,
      mediaType: 'application/json',
      collector,
      source: `ec2:${method === 'existing' ? 'DescribeSnapshots' : method}`,
      body: JSON.stringify(
        {
          incidentId,
          instanceId,
          account: deps.made.account,
          region: aws.region,
          method,
          issuedAt: input.started?.issuedAt ?? issued.issuedAt,
          snapshots,
          tags: Object.fromEntries(tags.map((t) => [t.Key, t.Value])),
          ...(sharing ? { sharedWith: sharing } : {}),
        },
        null,
        2,
      ),
      detail: {
        snapshotIds: snapshots.map((s) => s.snapshotId),
        issuedAt: input.started?.issuedAt ?? issued.issuedAt,
        states: [...new Set(snapshots.map((s) => s.state))],
        ...(sharing ? { sharedWith: sharing.account, notShared: sharing.failed.map((f) => f.snapshotId) } : {}),
      },
    }),
  );
  return { method, snapshots, artifact, sharing };
}

/** Polls until every snapshot of the incident's instance is completed or in error, or `minutes` pass (the states are recorded as they are). */
async function waitForCompletion(deps: ForensicsDeps, incidentId: string, instanceId: string, minutes: number): Promise<void> {
  const deadline = Date.now() + minutes * 60_000;
  for (;;) {
    const states = (await taggedSnapshots(deps, incidentId, instanceId)).map((s) => s.State ?? 'unknown');
    heartbeat({ snapshotStates: states });
    if (states.every((st) => st === 'completed' || st === 'error' || st === 'unknown') || Date.now() > deadline) return;
    await new Promise((r) => setTimeout(r, 15_000));
  }
}

async function taggedSnapshots(deps: ForensicsDeps, incidentId: string, instanceId: string): Promise<Snapshot[]> {
  const out = await awsCall('DescribeSnapshots', () =>
    deps.aws.ec2.send(
      new DescribeSnapshotsCommand({
        OwnerIds: ['self'],
        Filters: [
          { Name: `tag:${EvidenceTag.incident}`, Values: [incidentId] },
          { Name: `tag:${EvidenceTag.sourceInstance}`, Values: [instanceId] },
        ],
      }),
    ),
  );
  return out.Snapshots ?? [];
}
