/**
 * The local write-once evidence folder (default for `npm start`). Each object is streamed
 * into a private temporary file, made read-only (0444), then published with link(2), which
 * fails when the name exists: creation is exclusive and atomic, an existing object is never
 * replaced (EvidenceOverwriteError), and a crash leaves no half-written evidence behind. With
 * `fsync` (CORDON_EVIDENCE_FSYNC, on in the compose deployment) each object and its folder entry
 * reach the disk before put returns, so evidence survives power loss too (concurrent puts into
 * one folder share its fsync: group-sync.ts); off, a power loss may drop the last objects (never
 * corrupt one). Off by default: on one disk shared with the dev server's SQLite, the fsyncs
 * raised the ingest p99 past its 100 ms goal in half the runs (README, Performance).
 * Read-only modes stop accidents, not root; the hash chains make tampering detectable.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { EvidenceNotFoundError, EvidenceOverwriteError } from './errors';
import { GroupSync } from './group-sync';
import { bodyStream, HashingStream } from './hashing';
import type { EvidenceBody, EvidenceStore, StoredObject } from './store';

const TMP = '.tmp';

/** fsync(2) of a file or folder (a read-only descriptor is enough on Linux and macOS). */
async function syncPath(p: string): Promise<void> {
  const fh = await fsp.open(p, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export class LocalWormStore implements EvidenceStore {
  readonly kind = 'local' as const;
  readonly location: string;

  private readonly fsync: boolean;
  private readonly folderSync = new GroupSync(syncPath);

  constructor(root: string, opts: { fsync?: boolean } = {}) {
    this.location = path.resolve(root);
    this.fsync = opts.fsync ?? false;
  }

  /** Folders through the group sync (concurrent puts share one), only when fsync is on. */
  private async syncFolder(dir: string): Promise<void> {
    if (this.fsync) await this.folderSync.sync(dir);
  }

  private pathOf(key: string): string {
    const full = path.resolve(this.location, key);
    if (!full.startsWith(this.location + path.sep) || key.split('/').some((p) => p === '..' || p === TMP))
      throw new Error(`invalid evidence key "${key}"`);
    return full;
  }

  async put(key: string, body: EvidenceBody, _opts: { mediaType: string }): Promise<StoredObject> {
    const target = this.pathOf(key);
    const inMemory = typeof body === 'string' || Buffer.isBuffer(body);
    // A stream or file is checked first, so a large body is not copied only to be refused; a small in-memory
    // body (log lines, raw alerts: the storm path) goes straight to link(2), whose EEXIST is the same refusal.
    if (!inMemory && (await this.exists(key))) throw new EvidenceOverwriteError(key, this.location);
    await this.ensureDir(path.join(this.location, TMP), 0o700);
    await this.ensureDir(path.dirname(target), 0o755);
    const tmp = path.join(this.location, TMP, crypto.randomUUID());
    let digest: { sha256: string; size: number };
    try {
      if (inMemory) {
        const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
        await fsp.writeFile(tmp, bytes, { flag: 'wx', mode: 0o444 });
        digest = { sha256: crypto.createHash('sha256').update(bytes).digest('hex'), size: bytes.length };
      } else {
        const hashing = new HashingStream();
        await pipeline(bodyStream(body), hashing, fs.createWriteStream(tmp, { flags: 'wx', mode: 0o444 }));
        digest = { sha256: hashing.digest(), size: hashing.size };
      }
      // Durable before visible (fsync on): the bytes reach the disk before the name is published, and the name before
      // put returns, so after a power loss a manifest line (written after its artifact's put) never names missing bytes.
      if (this.fsync) await syncPath(tmp);
      // Created 0444 (a umask can only remove bits), so no chmod is needed before publishing.
      await fsp.link(tmp, target);
      await this.syncFolder(path.dirname(target));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new EvidenceOverwriteError(key, this.location);
      // A folder removed behind our back (e.g. a cleaned temporary folder): forget it, so the next put recreates it.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') this.madeDirs.clear();
      throw err;
    } finally {
      await fsp.rm(tmp, { force: true });
    }
    return { key, ...digest, location: target };
  }

  /** Folders this process created or found, so a storm of small puts does not repeat mkdir for each. */
  private readonly madeDirs = new Set<string>();

  private async ensureDir(dir: string, mode: number): Promise<void> {
    if (this.madeDirs.has(dir)) return;
    const created = await fsp.mkdir(dir, { recursive: true, mode });
    // A folder made now is durable only once its parent's entry is: sync each new level's parent (once per folder).
    if (created) {
      for (let d = dir; d.length >= created.length && d !== path.dirname(d); d = path.dirname(d)) await this.syncFolder(path.dirname(d));
    }
    this.madeDirs.add(dir);
  }

  /** A folder has one version of each key: `versionId` is not used. */
  async get(key: string, _opts?: { versionId?: string }): Promise<Readable> {
    const file = this.pathOf(key);
    if (!(await this.exists(key))) throw new EvidenceNotFoundError(key, this.location);
    return fs.createReadStream(file);
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await fsp.stat(this.pathOf(key))).isFile();
    } catch {
      return false;
    }
  }

  async list(prefix: string): Promise<string[]> {
    // The folder that holds every key starting with `prefix`.
    const dir = path.dirname(this.pathOf(prefix.endsWith('/') || prefix === '' ? `${prefix}x` : prefix));
    const keys: string[] = [];
    const walk = async (d: string): Promise<void> => {
      let names: fs.Dirent[];
      try {
        names = await fsp.readdir(d, { withFileTypes: true });
      } catch {
        return;
      }
      for (const n of names) {
        const full = path.join(d, n.name);
        if (n.isDirectory() && !(d === this.location && n.name === TMP)) await walk(full);
        else if (n.isFile()) keys.push(path.relative(this.location, full).split(path.sep).join('/'));
      }
    };
    await walk(dir);
    return keys.filter((k) => k.startsWith(prefix)).sort();
  }
}
