/**
 * The manifest of one incident: a hash-chained log of artifact entries (what was collected,
 * its sha256 and size, the AWS call it came from, which worker collected it, when) and
 * chain-of-custody entries (every later access, export or transfer). Recording an artifact
 * is idempotent by name: a retry returns the first entry, and an object stored by an
 * attempt that crashed before its entry was written is adopted with its stored digest.
 */
import crypto from 'node:crypto';
import { ChainLog, type ChainFields } from './chain-log';
import { EvidenceOverwriteError } from './errors';
import { digestStream } from './hashing';
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
  /** Where the bytes live (file path or s3:// URL). */
  location: string;
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

/** Stores the body write-once and appends its manifest entry. Idempotent by artifact name. */
export async function recordArtifact(store: EvidenceStore, incidentId: string, input: ArtifactInput): Promise<ArtifactEntry> {
  const existing = await findArtifact(store, incidentId, input.name);
  if (existing) return existing;
  const key = evidenceKeys.artifact(incidentId, input.name);
  let stored: { sha256: string; size: number; location: string };
  try {
    stored = await store.put(key, input.body, { mediaType: input.mediaType });
  } catch (err) {
    if (!(err instanceof EvidenceOverwriteError)) throw err;
    // A previous attempt stored the bytes but died before the manifest entry: the first capture stands.
    const digest = await digestStream(await store.get(key));
    stored = { ...digest, location: `${store.location}${store.kind === 'local' ? '/' : ''}${key}` };
  }
  const [entry] = await manifestLog(store, incidentId).append([{
    id: `artifact:${input.name}`, kind: 'artifact', name: input.name, sha256: stored.sha256, size: stored.size,
    mediaType: input.mediaType, source: input.source, collector: input.collector,
    collectedAt: input.collectedAt ?? new Date().toISOString(), location: stored.location, detail: input.detail,
  }]);
  return entry as ArtifactEntry;
}

/** Appends a chain-of-custody entry. Pass a stable `id` to make a retried call a no-op. */
export async function recordCustody(
  store: EvidenceStore, incidentId: string,
  input: { action: CustodyAction; by: string; at?: string; note?: string; detail?: Record<string, unknown>; id?: string },
): Promise<CustodyEntry> {
  const [entry] = await manifestLog(store, incidentId).append([{
    id: input.id ?? `custody:${crypto.randomUUID()}`, kind: 'custody', action: input.action, by: input.by,
    at: input.at ?? new Date().toISOString(), note: input.note, detail: input.detail,
  }]);
  return entry as CustodyEntry;
}
