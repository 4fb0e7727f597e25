/**
 * The evidence store and memory-capture defaults from Cordon's configuration: a local
 * write-once folder under the data dir unless `CORDON_EVIDENCE_STORE=s3` names an Object Lock
 * bucket (created with Object Lock when missing, refused when it exists without it).
 */
import path from 'node:path';
import type { MemoryCaptureConfig } from '../../activities/forensics';
import type { AwsClients } from '../aws/clients';
import type { Config } from '../config/schema';
import { openEvidenceStore, type EvidenceStoreConfig } from './index';
import type { EvidenceStore } from './store';

type EvidenceSettings = Pick<
  Config,
  | 'CORDON_DATA_DIR'
  | 'CORDON_EVIDENCE_STORE'
  | 'CORDON_EVIDENCE_DIR'
  | 'CORDON_EVIDENCE_BUCKET'
  | 'CORDON_EVIDENCE_PREFIX'
  | 'CORDON_EVIDENCE_RETENTION_DAYS'
  | 'CORDON_EVIDENCE_LOCK_MODE'
  | 'CORDON_EVIDENCE_BUCKET_POLICY'
  | 'CORDON_EVIDENCE_FSYNC'
  | 'AWS_REGION'
>;

export function evidenceStoreConfig(config: EvidenceSettings, aws: Pick<AwsClients, 's3'>): EvidenceStoreConfig {
  if (config.CORDON_EVIDENCE_STORE === 's3') {
    if (!config.CORDON_EVIDENCE_BUCKET) throw new Error('CORDON_EVIDENCE_STORE=s3 needs CORDON_EVIDENCE_BUCKET');
    return {
      kind: 's3',
      s3: aws.s3,
      bucket: config.CORDON_EVIDENCE_BUCKET,
      region: config.AWS_REGION,
      prefix: config.CORDON_EVIDENCE_PREFIX,
      retentionDays: config.CORDON_EVIDENCE_RETENTION_DAYS,
      mode: config.CORDON_EVIDENCE_LOCK_MODE,
      bucketPolicy: config.CORDON_EVIDENCE_BUCKET_POLICY,
    };
  }
  return {
    kind: 'local',
    dir: path.resolve(config.CORDON_EVIDENCE_DIR ?? path.join(config.CORDON_DATA_DIR, 'evidence')),
    fsync: config.CORDON_EVIDENCE_FSYNC,
  };
}

export function openConfiguredEvidenceStore(config: EvidenceSettings, aws: Pick<AwsClients, 's3'>): Promise<EvidenceStore> {
  return openEvidenceStore(evidenceStoreConfig(config, aws));
}

export function memoryCaptureConfig(
  config: Pick<
    Config,
    'CORDON_MEMORY_DOCUMENT' | 'CORDON_MEMORY_PARAMETERS' | 'CORDON_MEMORY_OUTPUT_BUCKET' | 'CORDON_MEMORY_OUTPUT_PREFIX'
  >,
): MemoryCaptureConfig {
  return {
    documentName: config.CORDON_MEMORY_DOCUMENT,
    parameters: config.CORDON_MEMORY_PARAMETERS,
    outputS3Bucket: config.CORDON_MEMORY_OUTPUT_BUCKET,
    outputS3KeyPrefix: config.CORDON_MEMORY_OUTPUT_PREFIX,
  };
}
