/**
 * The S3 Object Lock evidence store against moto: the bucket is created with Object Lock, a
 * COMPLIANCE default retention and the evidence bucket policy; every object carries its own
 * retention (read back with HeadObject — moto lacks GetObjectRetention, AWS.md G13/G17), keys are
 * never overwritten by Cordon, locked versions cannot be deleted, large bodies stream through, and
 * every manifest entry records the VersionId and S3's ChecksumSHA256 and is read by version. A
 * holder of the write credential can still put a new version on top or a delete marker (Object
 * Lock allows both; the bucket policy would refuse the first on AWS, but moto evaluates no policy,
 * AWS.md G18) — the API's verify route names both.
 */
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetBucketPolicyCommand,
  GetObjectLockConfigurationCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import type { FastifyInstance } from 'fastify';
import { OperatorDirectory } from '../../src/api/auth/operators';
import { buildApi } from '../../src/api/server';
import type { IncidentService } from '../../src/temporal/incident-service';
import { readAudit, readManifest, type ArtifactEntry, type EvidenceAnchors, type VerifyReport } from '../../src/evidence';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { createAwsClients, destroyAwsClients, type AwsClients } from '../../src/aws/clients';
import {
  appendAudit,
  EvidenceOverwriteError,
  EvidenceStoreMisconfigured,
  evidenceKeys,
  openEvidenceStore,
  recordArtifact,
  recordCustody,
  S3ObjectLockStore,
  verifyIncident,
} from '../../src/evidence';
import { digestStream } from '../../src/evidence/hashing';
import { startMoto, type MotoServer } from '../../src/local/moto-server';
import { toolchainPaths } from '../../src/local/toolchain-paths';

const REGION = 'eu-west-1';
const ID = 'inc-123456789012-eu-west-1-i-0abc';
let moto: MotoServer;
let aws: AwsClients;
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-s3-'));
  moto = await startMoto({ binary: toolchainPaths().motoServer, logFile: path.join(dir, 'moto.log') });
  aws = createAwsClients({ region: REGION, endpoint: moto.endpoint });
});
beforeEach(async () => moto.reset());
afterAll(async () => {
  destroyAwsClients(aws);
  await moto?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

// moto evaluates the bucket policy's Deny but not its s3:if-none-match condition, so with the policy on it refuses Cordon's own
// conditional writes too: the stores that write run without it; the policy has its own test below.
const open = (bucket = 'evidence', prefix = 'cordon/', bucketPolicy = false) =>
  openEvidenceStore({ kind: 's3', s3: aws.s3, bucket, region: REGION, retentionDays: 30, prefix, bucketPolicy });

test('creates the bucket with Object Lock; every object has COMPLIANCE retention read back with HeadObject', async () => {
  const store = await open();
  const lock = await aws.s3.send(new GetObjectLockConfigurationCommand({ Bucket: 'evidence' }));
  expect(lock.ObjectLockConfiguration).toMatchObject({
    ObjectLockEnabled: 'Enabled',
    Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 30 } },
  });

  const a = await recordArtifact(store, ID, {
    name: 'console.txt',
    body: 'boot log\n',
    mediaType: 'text/plain',
    source: 'ec2:GetConsoleOutput',
    collector: 'w1',
  });
  const sha = crypto.createHash('sha256').update('boot log\n').digest();
  expect(a).toMatchObject({
    key: evidenceKeys.object(ID, sha.toString('hex')),
    location: `s3://evidence/cordon/${evidenceKeys.object(ID, sha.toString('hex'))}`,
    checksumSha256: sha.toString('base64'),
  });
  const [version] = (await aws.s3.send(new ListObjectVersionsCommand({ Bucket: 'evidence', Prefix: `cordon/${a.key}` }))).Versions!;
  expect(a.versionId).toBe(version!.VersionId);

  await recordCustody(store, ID, { action: 'access', by: 'audrey' });
  await appendAudit(store, ID, [{ id: 't:0', at: new Date().toISOString(), kind: 'note', message: 'opened' }]);

  const keys = await store.list(evidenceKeys.incident(ID));
  expect(keys).toHaveLength(4);
  const earliest = Date.now() + 29 * 86400_000;
  for (const key of keys) {
    const head = await aws.s3.send(new HeadObjectCommand({ Bucket: 'evidence', Key: `cordon/${key}` }));
    expect(head.ObjectLockMode).toBe('COMPLIANCE');
    expect(head.ObjectLockRetainUntilDate!.getTime()).toBeGreaterThan(earliest);
  }
  expect(await verifyIncident(store, ID)).toMatchObject({ ok: true, manifest: { artifacts: 1, custody: 1 }, audit: { entries: 1 } });
  // Opening it again finds the bucket as configured (idempotent start).
  await expect(open()).resolves.toBeInstanceOf(S3ObjectLockStore);
});

test('a bucket Cordon creates gets the evidence bucket policy; an unconditional PutObject (a new version on top) is refused', async () => {
  await open('evidence-policy', 'cordon/', true);
  const policy = JSON.parse((await aws.s3.send(new GetBucketPolicyCommand({ Bucket: 'evidence-policy' }))).Policy!) as {
    Statement: { Sid: string; Effect: string; Action: string; Resource: string; Condition?: unknown }[];
  };
  expect(policy.Statement).toEqual([
    expect.objectContaining({
      Sid: 'CordonDenyPutWithoutIfNoneMatch',
      Effect: 'Deny',
      Action: 's3:PutObject',
      Resource: 'arn:aws:s3:::evidence-policy/cordon/*',
      Condition: { Null: { 's3:if-none-match': 'true' } },
    }),
    expect.objectContaining({
      Sid: 'CordonDenyDeleteObjectVersion',
      Effect: 'Deny',
      Action: 's3:DeleteObjectVersion',
      Resource: 'arn:aws:s3:::evidence-policy/*',
    }),
  ]);
  await expect(
    aws.s3.send(
      new PutObjectCommand({ Bucket: 'evidence-policy', Key: 'cordon/incidents/x/objects/y', Body: 'forged', ChecksumAlgorithm: 'SHA256' }),
    ),
  ).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
  // Not testable on moto: that a PutObject *with* If-None-Match passes (moto ignores the condition and refuses it too), and that
  // DeleteObjectVersion is refused by the policy rather than by the retention (both refuse it here).
});

test('never overwrites a key, and a locked version cannot be deleted', async () => {
  const store = await open();
  const key = evidenceKeys.artifact(ID, 'x.txt');
  await store.put(key, 'first', { mediaType: 'text/plain' });
  await expect(store.put(key, 'second', { mediaType: 'text/plain' })).rejects.toBeInstanceOf(EvidenceOverwriteError);
  expect((await digestStream(await store.get(key))).sha256).toBe(crypto.createHash('sha256').update('first').digest('hex'));
  const versions = await aws.s3.send(new ListObjectVersionsCommand({ Bucket: 'evidence', Prefix: `cordon/${key}` }));
  expect(versions.Versions).toHaveLength(1);
  await expect(
    aws.s3.send(new DeleteObjectCommand({ Bucket: 'evidence', Key: `cordon/${key}`, VersionId: versions.Versions![0]!.VersionId })),
  ).rejects.toMatchObject({ name: 'AccessDenied' });
});

test('streams a large body of unknown length and reads it back as a stream', async () => {
  const store = await open();
  const chunk = crypto.randomBytes(256 * 1024);
  const count = 48; // 12 MiB
  const expected = crypto.createHash('sha256');
  for (let i = 0; i < count; i++) expected.update(chunk);
  const body = Readable.from(
    (function* () {
      for (let i = 0; i < count; i++) yield chunk;
    })(),
  );
  const entry = await recordArtifact(store, ID, {
    name: 'memory.lime',
    body,
    mediaType: 'application/octet-stream',
    source: 'ssm:SendCommand',
    collector: 'w1',
  });
  expect(entry).toMatchObject({ size: count * chunk.length, sha256: expected.digest('hex') });
  const head = await aws.s3.send(new HeadObjectCommand({ Bucket: 'evidence', Key: `cordon/${entry.key}` }));
  expect(head.ContentLength).toBe(count * chunk.length);
  expect(head.ObjectLockMode).toBe('COMPLIANCE');
  const read = await store.get(entry.key!, { versionId: entry.versionId });
  expect(read).toBeInstanceOf(Readable);
  expect(await digestStream(read)).toEqual({ sha256: entry.sha256, size: entry.size });
});

test('refuses an existing bucket without Object Lock', async () => {
  await aws.s3.send(new CreateBucketCommand({ Bucket: 'plain', CreateBucketConfiguration: { LocationConstraint: REGION } }));
  await aws.s3.send(new PutObjectCommand({ Bucket: 'plain', Key: 'x', Body: 'x' }));
  await expect(open('plain')).rejects.toBeInstanceOf(EvidenceStoreMisconfigured);
});

describe('through the API verify route', () => {
  const API_ID = 'inc-123456789012-eu-west-1-i-0abc0abc0abc0abc0';
  let api: FastifyInstance;
  let anchors: EvidenceAnchors;
  const token = crypto.randomBytes(16).toString('hex');
  const verify = async () =>
    (
      await api.inject({
        method: 'POST',
        url: `/v1/incidents/${API_ID}/evidence/verify`,
        headers: { authorization: `Bearer ${token}` },
        payload: {},
      })
    ).json<VerifyReport>();

  beforeEach(async () => {
    const store = await open();
    for (const [name, body] of [
      ['console.txt', 'boot log\n'],
      ['meta.json', '{"instance":"i-0abc"}'],
    ] as const) {
      await recordArtifact(store, API_ID, { name, body, mediaType: 'text/plain', source: 'test', collector: 'w1' });
    }
    await appendAudit(store, API_ID, [{ id: 't:0', at: new Date().toISOString(), kind: 'note', message: 'opened' }]);
    // The heads as the incident's workflow would hold them (no Temporal in this file: a stand-in answers the query).
    anchors = {
      manifest: (await readManifest(store, API_ID)).map((e) => ({ seq: e.seq, hash: e.hash })),
      audit: (await readAudit(store, API_ID)).map((e) => ({ seq: e.seq, hash: e.hash })),
    };
    const operators = new OperatorDirectory();
    operators.addToken({ name: 'audrey', roles: ['auditor'] }, token);
    const incidents = { evidenceHeads: async () => anchors, anchorEvidence: async () => false } as unknown as IncidentService;
    api = await buildApi({
      incidents,
      operators,
      evidence: store,
      alerts: { defaults: { account: '123456789012', region: REGION } },
      ready: async () => true,
    });
  });
  afterEach(async () => api.close());

  test('a clean incident verifies intact, read by version', async () => {
    expect(await verify()).toMatchObject({ ok: true, anchors: { checked: true } });
  });

  test('a new version on top of an artifact and a delete marker on another are named; the recorded versions still read true', async () => {
    const manifest = (await readManifest(await open(), API_ID)).filter((e): e is ArtifactEntry => e.kind === 'artifact');
    const [consoleEntry, metaEntry] = [manifest.find((e) => e.name === 'console.txt')!, manifest.find((e) => e.name === 'meta.json')!];
    // A holder of the write credential: PutObject without If-None-Match (Object Lock permits a new version).
    const forged = 'forged boot log\n';
    await aws.s3.send(
      new PutObjectCommand({ Bucket: 'evidence', Key: `cordon/${consoleEntry.key}`, Body: forged, ChecksumAlgorithm: 'SHA256' }),
    );
    await aws.s3.send(new DeleteObjectCommand({ Bucket: 'evidence', Key: `cordon/${metaEntry.key}` }));
    const report = await verify();
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          check: 'version',
          artifact: 'console.txt',
          expected: consoleEntry.versionId,
          message: expect.stringMatching(/a newer version sits on top of the recorded version .* overwritten/),
        }),
        expect.objectContaining({
          check: 'version',
          artifact: 'meta.json',
          message: expect.stringMatching(/a delete marker sits on top .* deleted/),
        }),
      ]),
    );
    // Read by version, the recorded bytes are still the captured ones: no sha256 problem.
    expect(report.problems.filter((p) => p.check === 'sha256' || p.check === 'missing')).toEqual([]);
  });
});
