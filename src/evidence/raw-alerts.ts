/**
 * The exact bytes of every accepted alert request as evidence (issue 4 "the alerts
 * themselves", issue 6 "raw payload kept as evidence"). A request body becomes one artifact of
 * each incident it opened or joined, named by its source and the sha256 of the bytes —
 * `alerts/raw/<source>-<sha256>.json` (`.txt` when sent as text/plain, as SNS does) — and stored
 * under that sha256 like every artifact (content-store.ts), so a retried identical request is the
 * same write-once artifact (idempotent by name like recordArtifact, and concurrent identical
 * writes share one promise here). Writes are grouped
 * per incident (RawAlertRecorder), so a storm does not pay two manifest reads per request.
 * Invariants: the stored bytes are exactly the request body, so the sha256 in the manifest is
 * the sha256 of what the sender sent; the entry's detail holds the receipt time, the
 * authenticated sender's name and kind, the request id and the dedup keys it carried — never a
 * token, secret or signature header; `record` never rejects: a failed write is an outcome the
 * caller logs and counts, because the incident matters more than its evidence copy.
 * (The artifact name has one folder less than `alerts/raw/<source>/…`: safeName allows three
 * segments.)
 */
import crypto from 'node:crypto';
import { putContent } from './content-store';
import { manifestLog, readManifest, type ArtifactEntry } from './manifest';
import type { EvidenceStore, StoredObject } from './store';

export const RAW_ALERTS_FOLDER = 'alerts/raw/';

/** One authenticated, normalised alert request, as the API received it. */
export interface RawAlertRequest {
  source: string;
  body: Buffer;
  /** The request's Content-Type header as sent (e.g. `text/plain; charset=UTF-8` from SNS). */
  mediaType: string;
  receivedAt: string;
  /** Who proved to have sent it and how (`bearer`, `hmac`, `sns`) — never the credential. */
  sender: { name: string; kind: string };
  requestId: string;
}

/** A request ready to record: its digest and artifact name computed once for all its incidents. */
export interface PreparedRawAlert extends RawAlertRequest {
  sha256: string;
  name: string;
}

export type RawAlertOutcome =
  | { status: 'stored' | 'duplicate'; incidentId: string; name: string; sha256: string; seq: number }
  | { status: 'failed'; incidentId: string; name: string; sha256: string; error: Error };

/** A raw request as the incident's manifest lists it (what capture-alerts references). */
export interface RawAlertRef {
  name: string;
  sha256: string;
  size: number;
  mediaType: string;
  seq: number;
  receivedAt?: string;
  sender?: string;
  requestId?: string;
  dedupKeys: string[];
}

export function rawAlertName(source: string, sha256: string, mediaType: string): string {
  const ext = /^\s*text\/plain\b/i.test(mediaType) ? 'txt' : 'json';
  const slug =
    source
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'unknown';
  return `${RAW_ALERTS_FOLDER}${slug}-${sha256}.${ext}`;
}

export function prepareRawAlert(request: RawAlertRequest): PreparedRawAlert {
  const sha256 = crypto.createHash('sha256').update(request.body).digest('hex');
  return { ...request, sha256, name: rawAlertName(request.source, sha256, request.mediaType) };
}

export interface RawAlertRecorderOptions {
  store: EvidenceStore;
  /** Who collected it, e.g. `cordon-api@host`. */
  collector: string;
  /** How many stored (incident, name) pairs to remember so repeats in a storm cost no store read. */
  rememberMax?: number;
  /** Most requests written in one batch (one manifest append per batch). */
  maxBatch?: number;
}

interface Queued {
  request: PreparedRawAlert;
  dedupKeys: readonly string[];
  resolve: (o: RawAlertOutcome) => void;
}

/**
 * Group commit per incident: requests for one incident that arrive while its previous batch is
 * being written go together — bodies stored in parallel, then one append of their manifest
 * entries — so a storm costs one manifest sync per batch, not two per request.
 */
export class RawAlertRecorder {
  /** Insertion-ordered, so the oldest is dropped first; write-once makes a remembered pair never stale. */
  private readonly known = new Map<string, number>();
  private readonly inflight = new Map<string, Promise<RawAlertOutcome>>();
  private readonly queues = new Map<string, Queued[]>();
  private readonly rememberMax: number;
  private readonly maxBatch: number;
  private queuedBytes = 0;

  constructor(private readonly opts: RawAlertRecorderOptions) {
    this.rememberMax = opts.rememberMax ?? 50_000;
    this.maxBatch = opts.maxBatch ?? 64;
  }

  /** Bytes of request bodies accepted but not yet written. */
  get backlogBytes(): number {
    return this.queuedBytes;
  }

  /** Stores the request once for `incidentId`; settles with the outcome, never rejects. */
  record(incidentId: string, request: PreparedRawAlert, dedupKeys: readonly string[]): Promise<RawAlertOutcome> {
    const key = `${incidentId}|${request.name}`;
    const seq = this.known.get(key);
    if (seq !== undefined) return Promise.resolve({ status: 'duplicate', incidentId, name: request.name, sha256: request.sha256, seq });
    const running = this.inflight.get(key);
    if (running) return running.then((o) => (o.status === 'stored' ? { ...o, status: 'duplicate' } : o));
    const attempt = new Promise<RawAlertOutcome>((resolve) => {
      const queue = this.queues.get(incidentId);
      this.queuedBytes += request.body.length;
      if (queue) return void queue.push({ request, dedupKeys, resolve });
      this.queues.set(incidentId, [{ request, dedupKeys, resolve }]);
      void this.drain(incidentId);
    }).finally(() => this.inflight.delete(key));
    this.inflight.set(key, attempt);
    return attempt;
  }

  /** Resolves once everything queued so far is written (graceful shutdown). */
  async flush(): Promise<void> {
    while (this.inflight.size) await Promise.all([...this.inflight.values()]);
  }

  private async drain(incidentId: string): Promise<void> {
    const queue = this.queues.get(incidentId)!;
    while (queue.length) {
      const batch = queue.splice(0, this.maxBatch);
      const outcomes = await this.writeBatch(
        incidentId,
        batch.map((q) => q.request),
        batch.map((q) => q.dedupKeys),
      );
      batch.forEach((q, i) => {
        this.queuedBytes -= q.request.body.length;
        const o = outcomes[i]!;
        if (o.status !== 'failed') this.remember(`${incidentId}|${o.name}`, o.seq);
        q.resolve(o);
      });
    }
    this.queues.delete(incidentId);
  }

  /** recordArtifact's contract (idempotent by name, first capture stands) for several artifacts at once. */
  private async writeBatch(incidentId: string, requests: PreparedRawAlert[], dedupKeys: (readonly string[])[]): Promise<RawAlertOutcome[]> {
    const base = (r: PreparedRawAlert) => ({ incidentId, name: r.name, sha256: r.sha256 });
    const failed = (r: PreparedRawAlert, err: unknown): RawAlertOutcome => ({
      status: 'failed',
      ...base(r),
      error: err instanceof Error ? err : new Error(String(err)),
    });
    try {
      // No manifest pre-read: names are content-addressed, so a name already stored holds these
      // very bytes (put adopts them) and append keeps the existing entry for its id.
      const stored = await Promise.all(requests.map((r) => this.put(incidentId, r).catch((err: unknown) => err as Error)));
      const items = requests.flatMap((r, i) => {
        const digest = stored[i]!;
        if (digest instanceof Error) return [];
        return [
          {
            id: `artifact:${r.name}`,
            kind: 'artifact' as const,
            name: r.name,
            sha256: digest.sha256,
            size: digest.size,
            mediaType: r.mediaType,
            source: `http:POST /v1/alerts/${r.source}`,
            collector: this.opts.collector,
            collectedAt: r.receivedAt,
            location: digest.location,
            key: digest.key,
            versionId: digest.versionId,
            checksumSha256: digest.checksumSha256,
            detail: {
              receivedAt: r.receivedAt,
              sender: r.sender.name,
              authenticatedBy: r.sender.kind,
              requestId: r.requestId,
              dedupKeys: [...dedupKeys[i]!],
            },
          },
        ];
      });
      const appended = new Map(
        (await manifestLog(this.opts.store, incidentId).append(items)).map((e) => [(e as ArtifactEntry).name, e as ArtifactEntry]),
      );
      return requests.map((r, i): RawAlertOutcome => {
        const digest = stored[i];
        if (digest instanceof Error) return failed(r, digest);
        const entry = appended.get(r.name)!;
        // An entry from an earlier request (or process) with the same bytes: this one is a duplicate.
        return { status: entry.detail?.requestId === r.requestId ? 'stored' : 'duplicate', ...base(r), seq: entry.seq };
      });
    } catch (err) {
      return requests.map((r) => failed(r, err));
    }
  }

  /** Content-addressed put; bytes already at the address are adopted only when they hash to it. */
  private async put(incidentId: string, r: PreparedRawAlert): Promise<StoredObject> {
    return putContent(this.opts.store, incidentId, r.body, r.mediaType);
  }

  private remember(key: string, seq: number): void {
    this.known.set(key, seq);
    if (this.known.size > this.rememberMax) this.known.delete(this.known.keys().next().value!);
  }
}

/** The raw alert requests in an incident's manifest, in manifest order. */
export async function listRawAlerts(store: EvidenceStore, incidentId: string): Promise<RawAlertRef[]> {
  const entries = await readManifest(store, incidentId);
  return entries
    .filter((e): e is ArtifactEntry => e.kind === 'artifact' && e.name.startsWith(RAW_ALERTS_FOLDER))
    .map((e) => {
      const d = e.detail ?? {};
      const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
      return {
        name: e.name,
        sha256: e.sha256,
        size: e.size,
        mediaType: e.mediaType,
        seq: e.seq,
        receivedAt: text(d.receivedAt),
        sender: text(d.sender),
        requestId: text(d.requestId),
        dedupKeys: Array.isArray(d.dedupKeys) ? d.dedupKeys.filter((k): k is string => typeof k === 'string') : [],
      };
    });
}
