/**
 * A replay memory that survives a restart of the API: a ReplayCache in memory, and every change
 * appended to a file as one JSON line — `{"key":…,"expiresAt":<unix s>}` when a key is
 * remembered, `{"key":…,"forgotten":true}` when it is released. Used for SNS MessageIds and
 * HMAC signatures under `<CORDON_DATA_DIR>/replay/`.
 * Invariants: `remember` is false for a key some earlier line holds and has not expired, also
 * when that line was written before a restart or by another API process appending to the same
 * file — so API replicas that should share dedup must share this folder. Before each decision
 * the file's new complete lines are read (a line cut short is left for the next read), and the
 * whole file is re-read when another process has replaced it. Opening drops expired, forgotten
 * and unreadable lines and rewrites the file compacted (temp file + rename); so does a running
 * store once the file has twice as many lines as it had live keys at its last rewrite (and at
 * least 10 000), so the file stays within a small multiple of the live keys.
 * Limits: two replicas deciding on the same key within the same instant may both accept it,
 * and a line another replica appends while this one compacts may be lost (each reopens one
 * replay: the alert is tallied again in its incident, never a second incident). Lines are
 * written, not fsynced: they survive a process restart, not a power cut.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ReplayCache, type ReplayMemory } from './auth-hmac';

export interface FileReplayStoreOptions {
  /** Most keys held in memory (default 100 000); the oldest go first, as in ReplayCache. */
  maxEntries?: number;
  /** Unix seconds, for dropping expired lines when the file is opened. */
  now?: () => number;
}

const MIN_LINES_BEFORE_COMPACTION = 10_000;

type Line = { key: string; expiresAt: number } | { key: string; forgotten: true };

function parseLine(text: string): Line | undefined {
  try {
    const v = JSON.parse(text) as Record<string, unknown>;
    if (typeof v.key !== 'string' || v.key === '') return undefined;
    if (v.forgotten === true) return { key: v.key, forgotten: true };
    return typeof v.expiresAt === 'number' && Number.isFinite(v.expiresAt) ? { key: v.key, expiresAt: v.expiresAt } : undefined;
  } catch {
    return undefined;
  }
}

export class FileReplayStore implements ReplayMemory {
  private readonly cache: ReplayCache;
  /** Bytes of the file (identified by inode) already applied. */
  private offset = 0;
  private inode = -1;
  /** Lines read from the file (ours come back through the next read); compacted at `compactAt`. */
  private linesInFile = 0;
  private compactAt = MIN_LINES_BEFORE_COMPACTION;
  private readonly now: () => number;

  private constructor(
    readonly file: string,
    opts: FileReplayStoreOptions,
  ) {
    this.cache = new ReplayCache({ maxEntries: opts.maxEntries ?? 100_000 });
    this.now = opts.now ?? (() => Date.now() / 1000);
  }

  /** Loads the file (created with its folder when absent) and rewrites it without dead lines. */
  static open(file: string, opts: FileReplayStoreOptions = {}): FileReplayStore {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const store = new FileReplayStore(file, opts);
    const now = store.now();
    store.catchUp(now);
    store.compact(now);
    return store;
  }

  remember(key: string, expiresAt: number, now: number): boolean {
    this.catchUp(now);
    if (!this.cache.remember(key, expiresAt, now)) return false;
    this.append({ key, expiresAt }, now);
    return true;
  }

  forget(key: string): void {
    const now = this.now();
    this.catchUp(now);
    this.cache.forget(key);
    this.append({ key, forgotten: true }, now);
  }

  get size(): number {
    return this.cache.size;
  }

  /** Applies the lines appended since the last read (all of them when the file was replaced). */
  private catchUp(now: number): void {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(this.file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    if (stat.ino !== this.inode || stat.size < this.offset) {
      this.inode = stat.ino;
      this.offset = 0;
      this.linesInFile = 0;
    }
    if (stat.size === this.offset) return;
    const fd = fs.openSync(this.file, 'r');
    let bytes: Buffer;
    try {
      bytes = Buffer.alloc(stat.size - this.offset);
      const read = fs.readSync(fd, bytes, 0, bytes.length, this.offset);
      bytes = bytes.subarray(0, read);
    } finally {
      fs.closeSync(fd);
    }
    const complete = bytes.lastIndexOf(0x0a) + 1;
    if (complete === 0) return;
    this.offset += complete;
    for (const text of bytes.subarray(0, complete).toString('utf8').split('\n')) {
      if (text === '') continue;
      this.linesInFile += 1;
      const line = parseLine(text);
      if (!line) continue;
      if ('forgotten' in line) this.cache.forget(line.key);
      else if (line.expiresAt >= now) this.cache.set(line.key, line.expiresAt, now);
    }
  }

  private append(line: Line, now: number): void {
    fs.appendFileSync(this.file, `${JSON.stringify(line)}\n`);
    if (this.linesInFile >= this.compactAt) this.compact(now);
  }

  /** Rewrites the file as the live keys only (temp file + rename, so a reader never sees half of it). */
  private compact(now: number): void {
    const temp = `${this.file}.${process.pid}.tmp`;
    let text = '';
    let lines = 0;
    for (const [key, expiresAt] of this.cache.entries(now)) {
      text += `${JSON.stringify({ key, expiresAt })}\n`;
      lines += 1;
    }
    fs.writeFileSync(temp, text);
    fs.renameSync(temp, this.file);
    const stat = fs.statSync(this.file);
    this.inode = stat.ino;
    this.offset = stat.size;
    this.linesInFile = lines;
    // Twice the live lines (and at least the minimum) before the next rewrite: amortised O(1) per line.
    this.compactAt = Math.max(MIN_LINES_BEFORE_COMPACTION, 2 * lines);
  }
}
