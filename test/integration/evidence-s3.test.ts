/**
 * The S3 Object Lock evidence store against moto: the bucket is created with Object Lock and a
 * COMPLIANCE default retention, every object carries its own retention (read back with
 * HeadObject — moto lacks GetObjectRetention, AWS.md G13/G17), keys are never overwritten,
 * locked versions cannot be deleted, and large bodies stream through.
 */
import {
  CreateBucketCommand, DeleteObjectCommand, GetObjectLockConfigurationCommand, HeadObjectCommand, ListObjectVersionsCommand, PutObjectCommand,
} from '@aws-sdk/client-s3';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { createAwsClients, destroyAwsClients, type AwsClients } from '../../src/aws/clients';
import {
  appendAudit, EvidenceOverwriteError, EvidenceStoreMisconfigured, evidenceKeys, openEvidenceStore, recordArtifact, recordCustody, S3ObjectLockStore, verifyIncident,
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

const open = (bucket = 'evidence', prefix = 'cordon/') => openEvidenceStore({ kind: 's3', s3: aws.s3, bucket, region: REGION, retentionDays: 30, prefix });

test('creates the bucket with Object Lock; every object has COMPLIANCE retention read back with HeadObject', async () => {
  const store = await open();
  const lock = await aws.s3.send(new GetObjectLockConfigurationCommand({ Bucket: 'evidence' }));
  expect(lock.ObjectLockConfiguration).toMatchObject({ ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 30 } } });

  const a = await recordArtifact(store, ID, { name: 'console.txt', body: 'boot log\n', mediaType: 'text/plain', source: 'ec2:GetConsoleOutput', collector: 'w1' });
  expect(a.location).toBe(`s3://evidence/cordon/${evidenceKeys.artifact(ID, 'console.txt')}`);
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

test('never overwrites a key, and a locked version cannot be deleted', async () => {
  const store = await open();
  const key = evidenceKeys.artifact(ID, 'x.txt');
  await store.put(key, 'first', { mediaType: 'text/plain' });
  await expect(store.put(key, 'second', { mediaType: 'text/plain' })).rejects.toBeInstanceOf(EvidenceOverwriteError);
  expect((await digestStream(await store.get(key))).sha256).toBe(crypto.createHash('sha256').update('first').digest('hex'));
  const versions = await aws.s3.send(new ListObjectVersionsCommand({ Bucket: 'evidence', Prefix: `cordon/${key}` }));
  expect(versions.Versions).toHaveLength(1);
  await expect(aws.s3.send(new DeleteObjectCommand({ Bucket: 'evidence', Key: `cordon/${key}`, VersionId: versions.Versions![0]!.VersionId }))).rejects.toMatchObject({ name: 'AccessDenied' });
});

test('streams a large body of unknown length and reads it back as a stream', async () => {
  const store = await open();
  const chunk = crypto.randomBytes(256 * 1024);
  const count = 48; // 12 MiB
  const expected = crypto.createHash('sha256');
  for (let i = 0; i < count; i++) expected.update(chunk);
  const body = Readable.from((function* () { for (let i = 0; i < count; i++) yield chunk; })());
  const entry = await recordArtifact(store, ID, { name: 'memory.lime', body, mediaType: 'application/octet-stream', source: 'ssm:SendCommand', collector: 'w1' });
  expect(entry).toMatchObject({ size: count * chunk.length, sha256: expected.digest('hex') });
  const head = await aws.s3.send(new HeadObjectCommand({ Bucket: 'evidence', Key: `cordon/${evidenceKeys.artifact(ID, 'memory.lime')}` }));
  expect(head.ContentLength).toBe(count * chunk.length);
  expect(head.ObjectLockMode).toBe('COMPLIANCE');
  const read = await store.get(evidenceKeys.artifact(ID, 'memory.lime'));
  expect(read).toBeInstanceOf(Readable);
  expect(await digestStream(read)).toEqual({ sha256: entry.sha256, size: entry.size });
});

test('refuses an existing bucket without Object Lock', async () => {
  await aws.s3.send(new CreateBucketCommand({ Bucket: 'plain', CreateBucketConfiguration: { LocationConstraint: REGION } }));
  await aws.s3.send(new PutObjectCommand({ Bucket: 'plain', Key: 'x', Body: 'x' }));
  await expect(open('plain')).rejects.toBeInstanceOf(EvidenceStoreMisconfigured);
});
