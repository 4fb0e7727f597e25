/**
 * An append-only, hash-chained log on a write-once store: one object per entry
 * (`<log>/00000001.json`, one JSON line each), so appending never rewrites anything and
 * S3 Object Lock can hold every line. Entry n carries `seq = n`, `prevHash` = hash of
 * entry n-1 (GENESIS_HASH for the first) and `hash` = sha256(canonical entry minus hash).
 * Exclusive create makes concurrent appenders safe: the loser of a race for seq n gets
 * EvidenceOverwriteError, re-reads and tries n+1 — which is also why an append may start from
 * this process's cached view without listing the store first. Every entry has an `id`; appending an
 * id already present is a no-op, so an activity retry never duplicates lines.
 */
import { EvidenceOverwriteError } from './errors';
import { entryHash, GENESIS_HASH } from './hashing';
import { evidenceKeys, type EvidenceStore, type LogName } from './store';

export interface ChainFields {
  seq: number;
  id: string;
  prevHash: string;
  hash: string;
}
export type Unchained<T extends ChainFields> = T extends unknown ? Omit<T, 'seq' | 'prevHash' | 'hash'> : never;

interface CacheState {
  keys: string[];
  entries: ChainFields[];
}
/**
 * The logs a process keeps in memory, per store: the most recently used ones only. A worker
 * appends to the logs of every incident it touches, and each log's entries would otherwise stay
 * for the life of the process (≈ 60 KiB per incident in the scale bench); a log that fell out is
 * read from the store again at its next append.
 */
export const CACHED_LOGS = 256;
const caches = new WeakMap<EvidenceStore, Map<string, CacheState>>();
const locks = new WeakMap<EvidenceStore, Map<string, Promise<unknown>>>();

/** The logs of `store` this process holds in memory, least recently used first (tests read it). */
export function cachedLogs(store: EvidenceStore): string[] {
  return [...(caches.get(store)?.keys() ?? [])];
}

export async function readText(store: EvidenceStore, key: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of await store.get(key)) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks).toString('utf8');
}

/** The seq a log entry's key encodes (`…/00000007.json` → 7), or NaN. */
export function seqOfKey(key: string): number {
  const m = /\/(\d{8})\.json$/.exec(key);
  return m ? Number(m[1]) : NaN;
}

export class ChainLog<T extends ChainFields> {
  private readonly prefix: string;
  constructor(
    private readonly store: EvidenceStore,
    private readonly incidentId: string,
    private readonly log: LogName,
  ) {
    this.prefix = evidenceKeys.log(incidentId, log);
  }

  /** Every entry in seq order (trusted read for appending; verification reads independently). */
  async entries(): Promise<T[]> {
    return (await this.sync()).entries as T[];
  }

  /** Appends the items whose id is not yet in the log, in order; returns every item's entry (new or existing). */
  async append(items: Unchained<T>[]): Promise<T[]> {
    return this.serialised(async () => {
      for (let attempt = 0; ; attempt++) {
        // First try from this process's cache without listing the store (O(batch), not O(log)): seqs are dense
        // and write-once, so an entry another writer added since would occupy the very seq this tries next,
        // and that conflict re-reads the store before going on — an unseen id is never appended twice.
        const state = (attempt === 0 && this.cached()) || (await this.sync());
        const byId = new Map(state.entries.map((e) => [e.id, e as T]));
        try {
          for (const item of items) {
            if (byId.has(item.id)) continue;
            const last = state.entries[state.entries.length - 1];
            const lastSeq = state.keys.length ? seqOfKey(state.keys[state.keys.length - 1]!) : 0;
            const entry = {
              seq: (Number.isFinite(lastSeq) ? lastSeq : state.keys.length) + 1,
              ...item,
              prevHash: last?.hash ?? GENESIS_HASH,
            } as unknown as T;
            (entry as ChainFields).hash = entryHash(entry as unknown as Record<string, unknown>);
            const key = evidenceKeys.logEntry(this.incidentId, this.log, entry.seq);
            await this.store.put(key, `${JSON.stringify(entry)}\n`, { mediaType: 'application/x-ndjson' });
            state.keys.push(key);
            state.entries.push(entry);
            byId.set(entry.id, entry);
          }
          return items.map((i) => byId.get(i.id)!);
        } catch (err) {
          // Another writer took the seq: re-read and continue after its entry.
          if (!(err instanceof EvidenceOverwriteError) || attempt >= 8) throw err;
        }
      }
    });
  }

  private cached(): CacheState | undefined {
    const perStore = caches.get(this.store);
    const state = perStore?.get(this.prefix);
    if (perStore && state) {
      // Most recently used last.
      perStore.delete(this.prefix);
      perStore.set(this.prefix, state);
    }
    return state;
  }

  /** Brings the cache up to the store: reads only keys it has not seen. */
  private async sync(): Promise<CacheState> {
    let perStore = caches.get(this.store);
    if (!perStore) caches.set(this.store, (perStore = new Map()));
    const keys = await this.store.list(this.prefix);
    let state = perStore.get(this.prefix);
    if (!state || state.keys.some((k, i) => keys[i] !== k)) state = { keys: [], entries: [] };
    for (const key of keys.slice(state.keys.length)) {
      state.entries.push(JSON.parse(await readText(this.store, key)) as ChainFields);
      state.keys.push(key);
    }
    perStore.delete(this.prefix);
    perStore.set(this.prefix, state);
    for (const oldest of perStore.keys()) {
      if (perStore.size <= CACHED_LOGS) break;
      perStore.delete(oldest);
    }
    return state;
  }

  /** One append at a time per log in this process; other processes are handled by exclusive create. */
  private serialised<R>(fn: () => Promise<R>): Promise<R> {
    let perStore = locks.get(this.store);
    if (!perStore) locks.set(this.store, (perStore = new Map()));
    const held = perStore;
    const prev = held.get(this.prefix) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => undefined);
    held.set(this.prefix, tail);
    // The last append of a log forgets its lock, so idle logs leave nothing behind.
    void tail.then(() => {
      if (held.get(this.prefix) === tail) held.delete(this.prefix);
    });
    return next;
  }
}
