/**
 * The evidence store contract: a flat, write-once key space. Implementations must refuse to
 * overwrite an existing key (EvidenceOverwriteError), publish objects atomically (a reader
 * never sees half an object), and stream bodies (nothing large is held whole in memory).
 * Manifests and audit trails are built on top of it as one object per log entry; artifact
 * bytes live under their sha256 (`objects/<sha256>`, content-store.ts) and their names only in
 * the manifest. A versioned store (S3) reports the version it wrote and reads by version.
 */
import type { Readable } from 'node:stream';

/** A body to store: small values inline, large ones as a file path or a stream. */
export type EvidenceBody = string | Buffer | { path: string } | Readable;

export interface StoredObject {
  key: string;
  sha256: string;
  size: number;
  /** Where it lives, for people: a file path or an s3:// URL. */
  location: string;
  /** S3: the version this put created (reads name it, so a newer version on top is not what is read). */
  versionId?: string;
  /** S3: the ChecksumSHA256 S3 computed and returned (base64), recorded beside Cordon's own sha256. */
  checksumSha256?: string;
}

/** One stored version of a key (versioned stores only). */
export interface ObjectVersion {
  key: string;
  versionId: string;
  isLatest: boolean;
  deleteMarker?: boolean;
}

export interface EvidenceStore {
  readonly kind: 'local' | 's3';
  /** Human-readable root (folder or s3://bucket/prefix). */
  readonly location: string;
  /** Creates `key` once; EvidenceOverwriteError when it exists. Returns the digest of what was stored. */
  put(key: string, body: EvidenceBody, opts: { mediaType: string }): Promise<StoredObject>;
  /** Streams the stored bytes (of `versionId` when given); EvidenceNotFoundError when missing. */
  get(key: string, opts?: { versionId?: string }): Promise<Readable>;
  /** Versioned stores: every version of every key under `prefix`, each key's newest first (delete markers included). */
  versions?(prefix: string): Promise<ObjectVersion[]>;
  exists(key: string): Promise<boolean>;
  /** Keys under `prefix`, sorted ascending. */
  list(prefix: string): Promise<string[]>;
}

/** Keys of one incident. Ids are checked so a crafted id cannot escape its folder. */
export const evidenceKeys = {
  incident: (incidentId: string) => `incidents/${safeSegment(incidentId, 'incident id')}/`,
  artifact: (incidentId: string, name: string) => `${evidenceKeys.incident(incidentId)}artifacts/${safeName(name)}`,
  artifacts: (incidentId: string) => `${evidenceKeys.incident(incidentId)}artifacts/`,
  /** Content-addressed bytes: `objects/<sha256>` (`.<n>` when something else already sat at the address). */
  object: (incidentId: string, address: string) => {
    if (!/^[0-9a-f]{64}(\.[1-9])?$/.test(address)) throw new Error(`invalid content address "${address}"`);
    return `${evidenceKeys.incident(incidentId)}objects/${address}`;
  },
  log: (incidentId: string, log: LogName) => `${evidenceKeys.incident(incidentId)}${log}/`,
  logEntry: (incidentId: string, log: LogName, seq: number) => `${evidenceKeys.log(incidentId, log)}${String(seq).padStart(8, '0')}.json`,
};

export type LogName = 'manifest' | 'audit';

export function safeSegment(value: string, what: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._:-]{0,200}$/.test(value)) throw new Error(`invalid ${what} "${value}": letters, digits, . _ : - only`);
  return value;
}

/** Artifact names may have one level of folders (`alerts/x.json`); every segment is checked. */
export function safeName(name: string): string {
  const parts = name.split('/');
  if (parts.length > 3) throw new Error(`invalid artifact name "${name}": too deep`);
  return parts.map((p) => safeSegment(p, 'artifact name')).join('/');
}
