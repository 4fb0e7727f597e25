/**
 * The evidence store and what is built on it: write-once stores (local folder, S3 Object
 * Lock), content-addressed artifact bytes, the hash-chained manifest with chain of custody, the
 * audit trail, verify (against the heads anchored in the incident's history) and export.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { LocalWormStore } from './local-worm-store';
import { S3ObjectLockStore } from './s3-object-lock-store';
import type { EvidenceStore } from './store';

export * from './store';
export * from './errors';
export { GENESIS_HASH, canonicalJson, entryHash } from './hashing';
export { LocalWormStore } from './local-worm-store';
export { S3ObjectLockStore, evidenceBucketPolicy, type S3ObjectLockStoreOptions } from './s3-object-lock-store';
export { putContent, type StoredContent } from './content-store';
export * from './manifest';
export * from './audit-trail';
export * from './verify';
export * from './export';

export type EvidenceStoreConfig =
  | { kind: 'local'; dir: string; fsync?: boolean }
  | {
      kind: 's3';
      s3: S3Client;
      bucket: string;
      region: string;
      retentionDays: number;
      mode?: 'COMPLIANCE' | 'GOVERNANCE';
      prefix?: string;
      bucketPolicy?: boolean;
    };

/** Builds the configured store; S3 buckets are created/checked at once so misconfiguration fails at start. */
export async function openEvidenceStore(config: EvidenceStoreConfig): Promise<EvidenceStore> {
  if (config.kind === 'local') return new LocalWormStore(config.dir, { fsync: config.fsync });
  const store = new S3ObjectLockStore(config);
  await store.ensureBucket();
  return store;
}
