/**
 * Forensics end to end: IncidentService → Temporal dev server → worker → moto, evidence in the
 * stack's write-once folder. Every assertion reads back moto state, stored bytes or the API.
 * moto's SSM always reports `Success` and runs nothing (AWS.md G11): the memory image is
 * seeded in the output bucket where the document would have written it, and a failing or
 * timed-out capture is made by a proxy in front of moto that answers the worker's
 * GetCommandInvocation the way SSM reports a command that failed on the instance (Status
 * Failed or TimedOut).
 */
import { DescribeSnapshotsCommand, DescribeVolumesCommand, GetConsoleOutputCommand } from '@aws-sdk/client-ec2';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { ListCommandsCommand } from '@aws-sdk/client-ssm';
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { artifactKey, readAudit, readManifest, verifyIncident, type ArtifactEntry, type EvidenceStore } from '../../src/evidence';
import { incidentIdFor } from '../../src/temporal/incident-id';
import { digestStream } from '../../src/evidence/hashing';
import { readText } from '../../src/evidence/chain-log';
import type { IncidentSnapshot } from '../../src/domain/incident';
import type { DemoFleet } from '../../src/local/demo-fleet';
import { autoPolicy, freshFleet, openIncident, runbookFinished, settled, stepStatus } from '../helpers/containment';
import { ACCOUNT, REGION, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
let fleet: DemoFleet;
let failMemory: false | 'Failed' | 'TimedOut' | 'InProgress' = false;
const OUTPUT_BUCKET = 'cordon-ssm-output';
let proxy: http.Server | undefined;

/** Forwards to moto; with `failMemory`, GetCommandInvocation says the command failed on the instance. */
async function ssmFailureProxy(moto: string): Promise<string> {
  const upstream = new URL(moto);
  proxy = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rewrite = failMemory && req.headers['x-amz-target'] === 'AmazonSSM.GetCommandInvocation';
      const out = http.request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
        (up) => {
          if (!rewrite || up.statusCode !== 200) {
            res.writeHead(up.statusCode ?? 502, up.headers);
            return void up.pipe(res);
          }
          const body: Buffer[] = [];
          up.on('data', (c: Buffer) => body.push(c));
          up.on('end', () => {
            const invocation = JSON.parse(Buffer.concat(body).toString('utf8')) as Record<string, unknown>;
            const failed = JSON.stringify({
              ...invocation,
              Status: failMemory,
              StatusDetails: failMemory,
              ResponseCode: failMemory === 'Failed' ? 1 : -1,
              StandardErrorContent: 'avml: failed to open /dev/crash',
            });
            res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'content-length': Buffer.byteLength(failed) }).end(failed);
          });
        },
      );
      out.on('error', () => res.destroy());
      out.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => proxy!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
}

const memoryPolicy = { ...autoPolicy, forensics: { memory: true, memoryDocument: 'Cordon-AVML-Capture', memoryTimeoutMinutes: 1 } };

beforeAll(async () => {
  stack = await startStack({ workerAwsEndpoint: ssmFailureProxy, memory: { outputS3Bucket: OUTPUT_BUCKET } });
});
beforeEach(async () => {
  failMemory = false;
  fleet = await freshFleet(stack);
  await stack.aws.s3.send(new CreateBucketCommand({ Bucket: OUTPUT_BUCKET, CreateBucketConfiguration: { LocationConstraint: REGION } }));
});

/**
 * What the memory document would have written: moto's SSM runs nothing, so the image (and the
 * digest the document computes on the instance) is put where collectMemoryOutput looks.
 */
async function seedMemoryImage(
  instanceId: string,
  image: Buffer,
  sidecar = crypto.createHash('sha256').update(image).digest('hex'),
): Promise<string> {
  const incidentId = incidentIdFor({ account: ACCOUNT, region: REGION, instanceId });
  const key = `incidents/${incidentId}/memory/${instanceId}/memory.lime`;
  await stack.aws.s3.send(new PutObjectCommand({ Bucket: OUTPUT_BUCKET, Key: key, Body: image }));
  await stack.aws.s3.send(new PutObjectCommand({ Bucket: OUTPUT_BUCKET, Key: `${key}.sha256`, Body: `${sidecar}  memory.lime\n` }));
  return key;
}
afterAll(async () => {
  await stack?.teardown();
  proxy?.closeAllConnections();
  await new Promise((resolve) => proxy?.close(resolve));
});

async function artifacts(store: EvidenceStore, incidentId: string): Promise<Map<string, ArtifactEntry>> {
  const entries = (await readManifest(store, incidentId)).filter((e): e is ArtifactEntry => e.kind === 'artifact');
  return new Map(entries.map((e) => [e.name, e]));
}

/** The stored bytes hash to what the manifest says. */
async function expectIntact(store: EvidenceStore, incidentId: string, entry: ArtifactEntry | undefined): Promise<void> {
  expect(entry).toBeDefined();
  const digest = await digestStream(await store.get(artifactKey(incidentId, entry!)));
  expect(digest).toEqual({ sha256: entry!.sha256, size: entry!.size });
  expect(entry!.collector).toBe('cordon-it-worker');
}

const textOf = (incidentId: string, entry: ArtifactEntry | undefined) => readText(stack.evidence, artifactKey(incidentId, entry!));

test('snapshots every volume with incident tags, stores metadata, console, the memory image and alerts, and exports the audit trail', async () => {
  const accused = fleet.instanceIds[0]!;
  const image = crypto.randomBytes(256 * 1024);
  const imageKey = await seedMemoryImage(accused, image);
  const incidentId = await openIncident(stack, accused, memoryPolicy);
  const snap = await settled(stack, incidentId, runbookFinished);
  expect(snap.steps.filter((s) => s.status === 'failed')).toEqual([]);
  for (const name of ['snapshot-volumes', 'capture-console', 'capture-memory', 'capture-metadata', 'capture-alerts'])
    expect(stepStatus(snap, name)).toBe('done');
  // Memory (volatile) before isolation, snapshots right after evidence protection (AWS.md §1.2).
  const names = snap.steps.map((s) => s.name);
  expect(names.indexOf('capture-memory')).toBeLessThan(names.indexOf('isolate'));
  expect(names.indexOf('snapshot-volumes')).toBe(names.indexOf('protect-evidence') + 1);

  // Every attached volume has a snapshot carrying the incident's tags.
  const volumes = (
    await stack.aws.ec2.send(new DescribeVolumesCommand({ Filters: [{ Name: 'attachment.instance-id', Values: [accused] }] }))
  ).Volumes!;
  expect(volumes.length).toBe(2);
  const snapshots = (
    await stack.aws.ec2.send(
      new DescribeSnapshotsCommand({ OwnerIds: ['self'], Filters: [{ Name: 'tag:cordon:incident', Values: [incidentId] }] }),
    )
  ).Snapshots!;
  for (const v of volumes) {
    const s = snapshots.find((x) => x.VolumeId === v.VolumeId);
    expect(s).toBeDefined();
    expect(Object.fromEntries(s!.Tags!.map((t) => [t.Key, t.Value]))).toMatchObject({
      'cordon:incident': incidentId,
      'cordon:source-instance': accused,
      'cordon:source-volume': v.VolumeId,
      'cordon:evidence': 'true',
      'cordon:collector': 'cordon-it-worker',
    });
  }

  // Artifacts exist with correct hashes; their content is what AWS returned.
  const stored = await artifacts(stack.evidence, incidentId);
  for (const name of [
    `instance-metadata-${accused}.json`,
    `console-output-${accused}.txt`,
    `snapshots-${accused}.json`,
    `memory-capture-${accused}.json`,
  ]) {
    await expectIntact(stack.evidence, incidentId, stored.get(name));
  }
  const console = await stack.aws.ec2.send(new GetConsoleOutputCommand({ InstanceId: accused, Latest: true }));
  expect(await textOf(incidentId, stored.get(`console-output-${accused}.txt`))).toBe(
    Buffer.from(console.Output!, 'base64').toString('utf8'),
  );
  const metadata = JSON.parse(await textOf(incidentId, stored.get(`instance-metadata-${accused}.json`))) as {
    calls: Record<string, { Reservations?: { Instances?: { InstanceId?: string }[] }[] }>;
    describedBefore: { instanceId: string; autoScalingGroup?: { name: string } };
  };
  expect(metadata.calls['ec2:DescribeInstances']!.Reservations![0]!.Instances![0]!.InstanceId).toBe(accused);
  expect(metadata.describedBefore).toMatchObject({ instanceId: accused, autoScalingGroup: { name: 'web' } });
  const alerts = [...stored.values()].filter((a) => a.name.startsWith('alerts/'));
  expect(alerts).toHaveLength(1);
  await expectIntact(stack.evidence, incidentId, alerts[0]);
  expect(stored.get(`memory-capture-${accused}.json`)!.detail).toMatchObject({ status: 'Success' });
  // The memory image itself: copied from the output bucket into the store, hashed, with its source and collector.
  const memory = stored.get(`memory/${accused}/${accused}-memory.lime`)!;
  await expectIntact(stack.evidence, incidentId, memory);
  expect(memory).toMatchObject({
    sha256: crypto.createHash('sha256').update(image).digest('hex'),
    size: image.length,
    source: expect.stringContaining(`s3:GetObject s3://${OUTPUT_BUCKET}/${imageKey}`),
  });
  expect(memory.detail).toMatchObject({ sourceBucket: OUTPUT_BUCKET, sourceKey: imageKey, sourceSha256: memory.sha256 });
  expect(snap.steps.find((s) => s.name === 'capture-memory')!.detail).toMatch(/copied from s3:\/\/cordon-ssm-output\//);
  const commands = await stack.aws.ssm.send(new ListCommandsCommand({ InstanceId: accused }));
  expect(commands.Commands!.filter((c) => c.DocumentName === 'Cordon-AVML-Capture')).toHaveLength(1);

  // The audit trail holds every timeline entry, in order, once; AWS calls sit beside their steps.
  await stack.incidents.close(incidentId, { name: 'alice', roles: ['responder'] }, 'evidence secured');
  const final: IncidentSnapshot = await stack.client.workflow.getHandle(incidentId).result();
  const audit = await readAudit(stack.evidence, incidentId);
  expect(audit.filter((e) => e.id.startsWith('t:')).map((e) => e.message)).toEqual(final.timeline.map((t) => t.message));
  expect(audit.filter((e) => e.id.startsWith('call:'))).toHaveLength(final.plan!.length);
  expect(audit.find((e) => e.message === 'ec2:CreateSnapshots' || e.message === 'ec2:CreateSnapshot')).toMatchObject({
    kind: 'aws',
    step: 'snapshot-volumes',
  });
  expect(audit.at(-1)!.message).toBe('incident is closed');
  expect(await verifyIncident(stack.evidence, incidentId)).toMatchObject({ ok: true, problems: [] });

  // The API lists the evidence with hashes for readers, verifies (recording custody), and refuses other roles.
  const auth = (who: string) => ({ authorization: `Bearer ${stack.tokens[who]}` });
  const list = await stack.api.inject({ method: 'GET', url: `/v1/incidents/${incidentId}/evidence`, headers: auth('audrey') });
  expect(list.statusCode).toBe(200);
  const listed = list.json<{ artifacts: { name: string; sha256: string }[]; audit: { entries: number } }>();
  expect(listed.artifacts.find((a) => a.name === `console-output-${accused}.txt`)!.sha256).toBe(
    stored.get(`console-output-${accused}.txt`)!.sha256,
  );
  expect(listed.audit.entries).toBe(audit.length);
  expect((await stack.api.inject({ method: 'GET', url: `/v1/incidents/${incidentId}/evidence`, headers: auth('bob') })).statusCode).toBe(
    403,
  );
  expect(
    (await stack.api.inject({ method: 'POST', url: `/v1/incidents/${incidentId}/evidence/verify`, headers: auth('sensor') })).statusCode,
  ).toBe(403);
  const verified = await stack.api.inject({ method: 'POST', url: `/v1/incidents/${incidentId}/evidence/verify`, headers: auth('dora') });
  expect(verified.statusCode).toBe(200);
  expect(verified.json()).toMatchObject({ ok: true, found: true });
  expect((await readManifest(stack.evidence, incidentId)).at(-1)).toMatchObject({ kind: 'custody', action: 'access', by: 'dora' });
  expect(
    (
      await stack.api.inject({
        method: 'GET',
        url: '/v1/incidents/inc-123456789012-eu-west-1-i-00000000000000000/evidence',
        headers: auth('admin'),
      })
    ).statusCode,
  ).toBe(404);
});

test('a failed memory capture leaves containment and the rest of the evidence intact and shows in the timeline', async () => {
  failMemory = 'Failed';
  const accused = fleet.instanceIds[1]!;
  const incidentId = await openIncident(stack, accused, memoryPolicy);
  const snap = await settled(stack, incidentId, runbookFinished);
  const memory = snap.steps.find((s) => s.name === 'capture-memory')!;
  expect(memory.status).toBe('failed');
  expect(memory.error).toMatch(/memory capture failed \(Failed\): memory capture command .* ended Failed; containment continues/);
  expect(snap.timeline.some((t) => t.step === 'capture-memory' && /: failed — memory capture failed/.test(t.message))).toBe(true);
  for (const name of [
    'snapshot-volumes',
    'capture-console',
    'isolate',
    'cut-credentials',
    'tag-quarantined',
    'capture-metadata',
    'capture-alerts',
    'verify-replacement',
  ]) {
    expect(stepStatus(snap, name)).toBe('done');
  }
  expect(snap.phase).toBe('monitoring');
  const stored = await artifacts(stack.evidence, incidentId);
  for (const name of [`instance-metadata-${accused}.json`, `console-output-${accused}.txt`, `snapshots-${accused}.json`])
    await expectIntact(stack.evidence, incidentId, stored.get(name));
  // The failed attempt itself is evidence: SSM's answer is kept.
  const attempt = stored.get(`memory-capture-${accused}.json`)!;
  await expectIntact(stack.evidence, incidentId, attempt);
  expect(attempt.detail).toMatchObject({ status: 'Failed' });
  expect(await textOf(incidentId, attempt)).toContain('avml: failed to open /dev/crash');
  expect((await verifyIncident(stack.evidence, incidentId)).ok).toBe(true);
});

test('memory capture failure paths: timed out, output missing, hash mismatch — each named, containment unaffected', async () => {
  // Timed out on the instance (SSM status TimedOut).
  failMemory = 'TimedOut';
  let accused = fleet.instanceIds[2]!;
  let snap = await settled(stack, await openIncident(stack, accused, memoryPolicy), runbookFinished);
  expect(snap.steps.find((s) => s.name === 'capture-memory')!.error).toMatch(
    /memory capture failed \(TimedOut\): memory capture command .* ended TimedOut/,
  );
  expect(stepStatus(snap, 'isolate')).toBe('done');

  // Success reported, but nothing where the document should have written.
  failMemory = false;
  fleet = await freshFleet(stack);
  await stack.aws.s3.send(new CreateBucketCommand({ Bucket: OUTPUT_BUCKET, CreateBucketConfiguration: { LocationConstraint: REGION } }));
  accused = fleet.instanceIds[0]!;
  let incidentId = await openIncident(stack, accused, memoryPolicy);
  snap = await settled(stack, incidentId, runbookFinished);
  expect(snap.steps.find((s) => s.name === 'capture-memory')!.error).toMatch(
    /succeeded but its image is not evidence \(OutputMissing\): .*holds no output object/,
  );
  expect(stepStatus(snap, 'isolate')).toBe('done');

  // The image does not hash to the digest the document computed on the instance.
  accused = fleet.instanceIds[1]!;
  await seedMemoryImage(accused, Buffer.from('image bytes'), 'a'.repeat(64));
  incidentId = await openIncident(stack, accused, memoryPolicy);
  snap = await settled(stack, incidentId, runbookFinished);
  expect(snap.steps.find((s) => s.name === 'capture-memory')!.error).toMatch(
    /\(HashMismatch\): memory output .*memory\.lime: the copy in the evidence store hashes to [0-9a-f]{64}, the source's sidecar says a{64}/,
  );
  expect(stepStatus(snap, 'isolate')).toBe('done');
});

test('a capture still running when its budget before isolation ends: isolation proceeds, the capture is marked incomplete with the reason', async () => {
  failMemory = 'InProgress';
  const accused = fleet.instanceIds[0]!;
  // A budget of 6 s (the policy's setting; the default is 3 min).
  const incidentId = await openIncident(stack, accused, {
    ...memoryPolicy,
    forensics: { ...memoryPolicy.forensics, memoryTimeoutMinutes: 0.1 },
  });
  const snap = await settled(stack, incidentId, runbookFinished);
  const memory = snap.steps.find((s) => s.name === 'capture-memory')!;
  expect(memory.status).toBe('failed');
  expect(memory.error).toMatch(
    /memory capture incomplete: the command .* did not finish within the 0\.1-minute budget before isolation \(SSM status InProgress\); isolation went ahead/,
  );
  expect(stepStatus(snap, 'isolate')).toBe('done');
  const at = (pred: (t: IncidentSnapshot['timeline'][number]) => boolean) => Date.parse(snap.timeline.find(pred)!.at);
  const gaveUp = at((t) => t.step === 'capture-memory' && t.message.startsWith('memory capture incomplete'));
  const isolated = at((t) => t.step === 'isolate' && /: done/.test(t.message));
  expect(isolated).toBeGreaterThanOrEqual(gaveUp);
});
