/**
 * Evidence in S3 with Object Lock (AWS.md S9, G17). The bucket is created with Object Lock
 * enabled and a default COMPLIANCE retention set while it is still empty (moto refuses the
 * configuration once an object exists); every PutObject also carries its own mode and
 * retain-until date plus a SHA-256 checksum (Object Lock uploads need one). Writes are
 * exclusive (`If-None-Match: *`) so a key is never overwritten. Bodies stream with a known
 * length: inline values directly, files from disk, unknown-length streams spooled to a
 * temporary file first (no @aws-sdk/lib-storage in this project). Each put returns the VersionId
 * and S3's ChecksumSHA256, and reads name the version, so a newer version written on top (which
 * Object Lock does not prevent) is never what is read; `versions` lets verify see it. A bucket
 * Cordon creates also gets `evidenceBucketPolicy` (unless `bucketPolicy: false`): PutObject
 * without If-None-Match and DeleteObjectVersion are denied to every principal. moto 5.2 evaluates
 * the Deny but not the `s3:if-none-match` condition, so on moto the policy refuses Cordon's own
 * conditional writes too: the moto-backed tests that write switch it off
 * (CORDON_EVIDENCE_BUCKET_POLICY=false).
 */
import {
  CreateBucketCommand,
  GetObjectCommand,
  GetObjectLockConfigurationCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  PutObjectLockConfigurationCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { EvidenceNotFoundError, EvidenceOverwriteError, EvidenceStoreMisconfigured } from './errors';
import { digestStream } from './hashing';
import type { EvidenceBody, EvidenceStore, ObjectVersion, StoredObject } from './store';

/**
 * The evidence bucket's policy: no PutObject without `If-None-Match` (so no write can replace a
 * key: S3 conditional writes, condition key `s3:if-none-match`), and no DeleteObjectVersion for
 * anyone (Object Lock refuses it while retention lasts; this holds after retention too, until an
 * account root removes the policy).
 */
export function evidenceBucketPolicy(bucket: string, prefix = ''): Record<string, unknown> {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'CordonDenyPutWithoutIfNoneMatch',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:PutObject',
        Resource: `arn:aws:s3:::${bucket}/${prefix}*`,
        Condition: { Null: { 's3:if-none-match': 'true' } },
      },
      {
        Sid: 'CordonDenyDeleteObjectVersion',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:DeleteObjectVersion',
        Resource: `arn:aws:s3:::${bucket}/*`,
      },
    ],
  };
}

export interface S3ObjectLockStoreOptions {
  s3: S3Client;
  bucket: string;
  region: string;
  retentionDays: number;
  /** COMPLIANCE (default): nobody, not even root, can shorten retention on AWS. */
  mode?: 'COMPLIANCE' | 'GOVERNANCE';
  /** Key prefix inside the bucket (no leading slash), e.g. "cordon/". */
  prefix?: string;
  /** Apply evidenceBucketPolicy to a bucket this store creates (default true). */
  bucketPolicy?: boolean;
}

interface SdkError {
  name?: string;
  $metadata?: { httpStatusCode?: number };
}
const statusOf = (err: unknown) => (err as SdkError)?.$metadata?.httpStatusCode;
const nameOf = (err: unknown) => (err as SdkError)?.name ?? '';

export class S3ObjectLockStore implements EvidenceStore {
  readonly kind = 's3' as const;
  readonly location: string;
  private readonly mode: 'COMPLIANCE' | 'GOVERNANCE';
  private ready?: Promise<void>;

  constructor(private readonly opts: S3ObjectLockStoreOptions) {
    this.mode = opts.mode ?? 'COMPLIANCE';
    this.location = `s3://${opts.bucket}/${opts.prefix ?? ''}`;
  }

  /** Creates the bucket with Object Lock and default retention, or checks an existing one. Idempotent. */
  ensureBucket(): Promise<void> {
    this.ready ??= this.prepare().catch((err) => {
      this.ready = undefined;
      throw err;
    });
    return this.ready;
  }

  private async prepare(): Promise<void> {
    const { s3, bucket, region, retentionDays } = this.opts;
    let created = false;
    try {
      await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    } catch (err) {
      if (statusOf(err) !== 404 && nameOf(err) !== 'NotFound') throw err;
      await s3.send(
        new CreateBucketCommand({
          Bucket: bucket,
          ObjectLockEnabledForBucket: true,
          CreateBucketConfiguration: region === 'us-east-1' ? undefined : { LocationConstraint: region as never },
        }),
      );
      created = true;
      if (this.opts.bucketPolicy !== false)
        await s3.send(
          new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(evidenceBucketPolicy(bucket, this.opts.prefix)) }),
        );
    }
    let current: number | undefined;
    try {
      const cfg = await s3.send(new GetObjectLockConfigurationCommand({ Bucket: bucket }));
      if (cfg.ObjectLockConfiguration?.ObjectLockEnabled !== 'Enabled')
        throw new EvidenceStoreMisconfigured(
          `bucket ${bucket} exists without Object Lock; evidence there would be mutable — use a bucket created with Object Lock enabled`,
        );
      current = cfg.ObjectLockConfiguration.Rule?.DefaultRetention?.Days;
    } catch (err) {
      if (err instanceof EvidenceStoreMisconfigured) throw err;
      if (!created)
        throw new EvidenceStoreMisconfigured(
          `bucket ${bucket} exists without Object Lock (${nameOf(err)}); evidence there would be mutable`,
        );
    }
    // Default retention must be set while the bucket is empty (moto: BucketNeedsToBeNew, AWS.md G17).
    if (current === undefined) {
      await s3.send(
        new PutObjectLockConfigurationCommand({
          Bucket: bucket,
          ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: this.mode, Days: retentionDays } } },
        }),
      );
    }
  }

  private keyOf(key: string): string {
    return `${this.opts.prefix ?? ''}${key}`;
  }

  async put(key: string, body: EvidenceBody, opts: { mediaType: string }): Promise<StoredObject> {
    await this.ensureBucket();
    const { file, cleanup, inline } = await this.localise(body);
    try {
      const digest = inline
        ? { sha256: crypto.createHash('sha256').update(inline).digest('hex'), size: inline.length }
        : await digestStream(fs.createReadStream(file!));
      const retainUntil = new Date(Date.now() + this.opts.retentionDays * 86400_000);
      let out: { VersionId?: string; ChecksumSHA256?: string };
      try {
        out = await this.opts.s3.send(
          new PutObjectCommand({
            Bucket: this.opts.bucket,
            Key: this.keyOf(key),
            Body: inline ?? fs.createReadStream(file!),
            ContentLength: digest.size,
            ContentType: opts.mediaType,
            // Object Lock uploads need the algorithm header as well (moto: MissingUploadObjectWithObjectLockHeaders); S3 checks the digest we computed.
            ChecksumAlgorithm: 'SHA256',
            ChecksumSHA256: Buffer.from(digest.sha256, 'hex').toString('base64'),
            IfNoneMatch: '*',
            ObjectLockMode: this.mode,
            ObjectLockRetainUntilDate: retainUntil,
            Metadata: { sha256: digest.sha256 },
          }),
        );
      } catch (err) {
        if (statusOf(err) === 412 || nameOf(err) === 'PreconditionFailed') throw new EvidenceOverwriteError(key, this.location);
        throw err;
      }
      return {
        key,
        sha256: digest.sha256,
        size: digest.size,
        location: `s3://${this.opts.bucket}/${this.keyOf(key)}`,
        versionId: out.VersionId,
        checksumSha256: out.ChecksumSHA256,
      };
    } finally {
      await cleanup();
    }
  }

  /** Inline bytes stay inline; files are used in place; other streams are spooled to a temp file (known length, no whole buffer). */
  private async localise(body: EvidenceBody): Promise<{ inline?: Buffer; file?: string; cleanup: () => Promise<void> }> {
    const none = async () => undefined;
    if (typeof body === 'string' || Buffer.isBuffer(body)) return { inline: Buffer.from(body), cleanup: none };
    if (!(body instanceof Readable)) return { file: body.path, cleanup: none };
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'cordon-spool-'));
    const file = path.join(dir, 'body');
    await pipeline(body, fs.createWriteStream(file, { flags: 'wx', mode: 0o600 }));
    return { file, cleanup: () => fsp.rm(dir, { recursive: true, force: true }) };
  }

  async get(key: string, opts: { versionId?: string } = {}): Promise<Readable> {
    await this.ensureBucket();
    try {
      const out = await this.opts.s3.send(
        new GetObjectCommand({ Bucket: this.opts.bucket, Key: this.keyOf(key), VersionId: opts.versionId }),
      );
      return out.Body as Readable;
    } catch (err) {
      if (statusOf(err) === 404) throw new EvidenceNotFoundError(key, this.location);
      throw err;
    }
  }

  async exists(key: string): Promise<boolean> {
    await this.ensureBucket();
    try {
      await this.opts.s3.send(new HeadObjectCommand({ Bucket: this.opts.bucket, Key: this.keyOf(key) }));
      return true;
    } catch (err) {
      if (statusOf(err) === 404) return false;
      throw err;
    }
  }

  async list(prefix: string): Promise<string[]> {
    await this.ensureBucket();
    const keys: string[] = [];
    let token: string | undefined;
    const strip = (this.opts.prefix ?? '').length;
    do {
      const page = await this.opts.s3.send(
        new ListObjectsV2Command({ Bucket: this.opts.bucket, Prefix: this.keyOf(prefix), ContinuationToken: token }),
      );
      for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key.slice(strip));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys.sort();
  }

  async versions(prefix: string): Promise<ObjectVersion[]> {
    await this.ensureBucket();
    const out: (ObjectVersion & { at: number })[] = [];
    const strip = (this.opts.prefix ?? '').length;
    let keyMarker: string | undefined;
    let versionMarker: string | undefined;
    do {
      const page = await this.opts.s3.send(
        new ListObjectVersionsCommand({
          Bucket: this.opts.bucket,
          Prefix: this.keyOf(prefix),
          KeyMarker: keyMarker,
          VersionIdMarker: versionMarker,
        }),
      );
      for (const v of page.Versions ?? [])
        if (v.Key && v.VersionId)
          out.push({ key: v.Key.slice(strip), versionId: v.VersionId, isLatest: v.IsLatest ?? false, at: v.LastModified?.getTime() ?? 0 });
      for (const d of page.DeleteMarkers ?? [])
        if (d.Key && d.VersionId)
          out.push({
            key: d.Key.slice(strip),
            versionId: d.VersionId,
            isLatest: d.IsLatest ?? false,
            deleteMarker: true,
            at: d.LastModified?.getTime() ?? 0,
          });
      keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
      versionMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
    } while (keyMarker);
    // Per key newest first: the latest flag first, then by time (versions and delete markers come in two lists).
    out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : Number(b.isLatest) - Number(a.isLatest) || b.at - a.at));
    return out.map(({ at: _at, ...v }) => v);
  }
}
