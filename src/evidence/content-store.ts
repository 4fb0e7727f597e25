/**
 * Content-addressed artifact bytes: a body is hashed first and stored write-once at
 * `incidents/<id>/objects/<sha256>`; its name, source and custody live only in the manifest.
 * Invariants: an object already at the address is adopted only when its bytes hash to the
 * address (a retry after a crash, or the same bytes captured twice); anything else found there
 * (planted, corrupted) is left alone, the bytes go to the next free suffix (`<sha256>.1`…), and
 * the stranger stays unaccounted for verify to report. What the store says it stored must hash
 * to the address too (EvidenceIntegrityError otherwise), so a manifest line never names bytes
 * that were not the captured ones. Bodies of unknown length are spooled to a private temporary
 * file while hashing (the address must be known before the write).
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { EvidenceIntegrityError, EvidenceOverwriteError } from './errors';
import { digestStream, HashingStream, sha256Hex } from './hashing';
import { evidenceKeys, type EvidenceBody, type EvidenceStore, type StoredObject } from './store';

export interface StoredContent extends StoredObject {
  /** True when the bytes were already at their address (and hashed to it). */
  adopted: boolean;
  /** Objects found at an address that did not hash to it (left in place; verify reports them). */
  displaced: string[];
}

/** Most alternative addresses tried when strangers occupy the first ones. */
const MAX_SUFFIX = 9;

async function prepared(body: EvidenceBody): Promise<{ body: EvidenceBody; sha256: string; size: number; cleanup: () => Promise<void> }> {
  const none = async () => undefined;
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    const bytes = Buffer.from(body);
    return { body: bytes, sha256: sha256Hex(bytes), size: bytes.length, cleanup: none };
  }
  if (!(body instanceof Readable)) return { body, ...(await digestStream(fs.createReadStream(body.path))), cleanup: none };
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'cordon-content-'));
  const file = path.join(dir, 'body');
  const hashing = new HashingStream();
  await pipeline(body, hashing, fs.createWriteStream(file, { flags: 'wx', mode: 0o600 }));
  return {
    body: { path: file },
    sha256: hashing.digest(),
    size: hashing.size,
    cleanup: () => fsp.rm(dir, { recursive: true, force: true }),
  };
}

/** The newest version of `key` that is not a delete marker (versioned stores), else undefined. */
async function currentVersion(store: EvidenceStore, key: string): Promise<string | undefined> {
  if (!store.versions) return undefined;
  return (await store.versions(key)).find((v) => v.key === key && !v.deleteMarker)?.versionId;
}

function locationOf(store: EvidenceStore, key: string): string {
  return `${store.location}${store.kind === 'local' ? '/' : ''}${key}`;
}

/** Stores `body` under its sha256 in the incident's objects; see the module's invariants. */
export async function putContent(store: EvidenceStore, incidentId: string, body: EvidenceBody, mediaType: string): Promise<StoredContent> {
  const p = await prepared(body);
  const displaced: string[] = [];
  try {
    for (let n = 0; n <= MAX_SUFFIX; n++) {
      const key = evidenceKeys.object(incidentId, n ? `${p.sha256}.${n}` : p.sha256);
      try {
        const stored = await store.put(key, p.body, { mediaType });
        if (stored.sha256 !== p.sha256) throw new EvidenceIntegrityError(key, p.sha256, stored.sha256);
        return { ...stored, adopted: false, displaced };
      } catch (err) {
        if (!(err instanceof EvidenceOverwriteError)) throw err;
      }
      const versionId = await currentVersion(store, key);
      const existing = await digestStream(await store.get(key, versionId ? { versionId } : undefined)).catch(() => undefined);
      if (existing?.sha256 === p.sha256) return { key, ...existing, location: locationOf(store, key), versionId, adopted: true, displaced };
      displaced.push(key);
    }
    throw new EvidenceIntegrityError(evidenceKeys.object(incidentId, p.sha256), p.sha256, `${MAX_SUFFIX + 1} occupied addresses`);
  } finally {
    await p.cleanup();
  }
}
