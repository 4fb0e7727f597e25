/**
 * The manifest of one incident: a hash-chained log of artifact entries (what was collected,
 * its sha256 and size, the AWS call it came from, which worker collected it, when) and
 * chain-of-custody entries (every later access, export or transfer). The bytes live under their
 * sha256 (content-store.ts); the entry holds the name and the store `key` (and, in S3, the
 * `versionId` and S3's `checksumSha256`), so nothing sitting at a predictable name can become
 * evidence. Recording an artifact is idempotent by name: a retry returns the first entry, and
 * bytes stored by an attempt that crashed before its entry are adopted only if they hash to
 * their address. Entries written before content addressing have no `key`: their bytes are at
 * `artifacts/<name>` (artifactKey).
 */
import crypto from 'node:crypto';
import { ChainLog, type ChainFields } from './chain-log';
import { putContent } from './content-store';
import { evidenceKeys, type EvidenceBody, type EvidenceStore } from './store';

export interface ArtifactEntry extends ChainFields {
  kind: 'artifact';
  name: string;
  sha256: string;
  size: number;
  mediaType: string;
  /** The call that produced it, e.g. `ec2:GetConsoleOutput`. */
  source: string;
  /** Worker identity that collected it. */
  collector: string;
  collectedAt: string;
  /** The AWS account (and region) the artifact was made in: the incident's member account for AWS captures, Cordon's own for what it received. */
  account?: string;
  region?: string;
  /** Where the bytes live (file path or s3:// URL). */
  location: string;
  /** Store key of the bytes (`incidents/<id>/objects/<sha256>`). */
  key?: string;
  /** S3: the version written (reads and verify name it). */
  versionId?: string;
  /** S3: ChecksumSHA256 as S3 returned it (base64 of the same digest). */
  checksumSha256?: string;
  /** Extra facts, e.g. snapshot ids. */
  detail?: Record<string, unknown>;
}

export type CustodyAction = 'access' | 'export' | 'transfer';

export interface CustodyEntry extends ChainFields {
  kind: 'custody';
  action: CustodyAction;
  by: string;
  at: string;
  /** Free-form reason or destination. */
  note?: string;
  detail?: Record<string, unknown>;
}

export type ManifestEntry = ArtifactEntry | CustodyEntry;

export interface ArtifactInput {
  name: string;
  body: EvidenceBody;
  mediaType: string;
  source: string;
  collector: string;
  collectedAt?: string;
  /** Where it was made (ArtifactEntry.account / region). */
  account?: string;
  region?: string;
  detail?: Record<string, unknown>;
}

export function manifestLog(store: EvidenceStore, incidentId: string): ChainLog<ManifestEntry> {
  return new ChainLog<ManifestEntry>(store, incidentId, 'manifest');
}

export async function readManifest(store: EvidenceStore, incidentId: string): Promise<ManifestEntry[]> {
  return manifestLog(store, incidentId).entries();
}

export async function findArtifact(store: EvidenceStore, incidentId: string, name: string): Promise<ArtifactEntry | undefined> {
  return (await readManifest(store, incidentId)).find((e): e is ArtifactEntry => e.kind === 'artifact' && e.name === name);
}

/** Where an entry's bytes are: its content address, or the named key of an entry from before content addressing. */
export function artifactKey(incidentId: string, entry: Pick<ArtifactEntry, 'name' | 'key'>): string {
  return entry.key ?? evidenceKeys.artifact(incidentId, entry.name);
}

/** Stores the body under its sha256 and appends its manifest entry. Idempotent by artifact name. */
export async function recordArtifact(store: EvidenceStore, incidentId: string, input: ArtifactInput): Promise<ArtifactEntry> {
  const existing = await findArtifact(store, incidentId, input.name);
  if (existing) return existing;
  evidenceKeys.artifact(incidentId, input.name); // the name is checked even though the bytes are not stored under it
  const stored = await putContent(store, incidentId, input.body, input.mediaType);
  const detail = stored.displaced.length ? { ...input.detail, displacedObjects: stored.displaced } : input.detail;
  const [entry] = await manifestLog(store, incidentId).append([
    {
      id: `artifact:${input.name}`,
      kind: 'artifact',
      name: input.name,
      sha256: stored.sha256,
      size: stored.size,
      mediaType: input.mediaType,
      source: input.source,
      collector: input.collector,
      collectedAt: input.collectedAt ?? new Date().toISOString(),
      account: input.account,
      region: input.region,
      location: stored.location,
      key: stored.key,
      versionId: stored.versionId,
      checksumSha256: stored.checksumSha256,
      detail,
    },
  ]);
  return entry as ArtifactEntry;
}

/** Appends a chain-of-custody entry. Pass a stable `id` to make a retried call a no-op. */
export async function recordCustody(
  store: EvidenceStore,
  incidentId: string,
  input: { action: CustodyAction; by: string; at?: string; note?: string; detail?: Record<string, unknown>; id?: string },
): Promise<CustodyEntry> {
  const [entry] = await manifestLog(store, incidentId).append([
    {
      id: input.id ?? `custody:${crypto.randomUUID()}`,
      kind: 'custody',
      action: input.action,
      by: input.by,
      at: input.at ?? new Date().toISOString(),
      note: input.note,
      detail: input.detail,
    },
  ]);
  return entry as CustodyEntry;
}
