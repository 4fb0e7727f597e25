/**
 * Keeps each accepted alert request's exact bytes as evidence of every incident it opens or
 * joins (src/evidence/raw-alerts.ts does the writing), on the API's request path.
 * Ordering, chosen so the storm path stays fast and the evidence still precedes the runbook
 * (measured with bench/ingest and every body distinct: awaiting each write before 202 cut the
 * storm rate from ~500 to ~110 alerts/s; a stored raw request costs ~1.2 ms CPU on the local
 * write-once folder, two files):
 *   - an incident this process has not seen yet: the write finishes (or its time budget,
 *     default 1 s, runs out) BEFORE the alert is signalled, so the raw request is in the store
 *     before the workflow acts on it and its capture-alerts step can reference it;
 *   - an incident already seen (a join; the storm case): `joins: 'background'` (default) queues
 *     the write — grouped per incident, written within milliseconds — and answers 202 without
 *     waiting; when the queue holds more than `maxBacklogBytes` the request waits for its write
 *     (backpressure, nothing is dropped). `joins: 'await'` waits for every write before 202;
 *   - app close (graceful shutdown) waits for the queue, so only a crash can lose a queued
 *     join's bytes — its alert is already in the incident's Temporal history either way.
 * Invariants: a failed or slow write never refuses or fails the alert (the incident matters
 * more); each failure is logged (no secret: the sender's name and kind only, never a token or
 * signature) and counted in `cordon_alert_evidence_total{outcome="failed"}`.
 */
import type { FastifyBaseLogger } from 'fastify';
import os from 'node:os';
import type { Counter } from 'prom-client';
import { prepareRawAlert, RawAlertRecorder, type RawAlertOutcome, type RawAlertRequest } from '../evidence/raw-alerts';
import type { EvidenceStore } from '../evidence/store';

export interface AlertEvidenceOptions {
  store: EvidenceStore;
  /** Recorded as the artifact's collector (default `cordon-api@<host>`). */
  collector?: string;
  /** Longest a request waits for its evidence writes before answering anyway (ms, default 1000). */
  waitMs?: number;
  /** Whether a join's request waits for its write before 202 (default `background`). */
  joins?: 'await' | 'background';
  /** Queued bytes beyond which joins wait for their writes too (default 32 MiB). */
  maxBacklogBytes?: number;
  /** Longest app close waits for queued writes (ms, default 10000). */
  shutdownWaitMs?: number;
  counter?: Counter<'source' | 'outcome'>;
}

/** One request's evidence writes. */
export interface KeptRequest {
  /** Resolves when this incident's alerts may be signalled (never rejects). */
  beforeSignal(incidentId: string): Promise<void>;
  /** Resolves when 202 may go: writes settled, budget spent, or joins left to the background queue. */
  settled(): Promise<void>;
}

const SEEN_MAX = 100_000;

export class AlertEvidence {
  private readonly recorder: RawAlertRecorder;
  private readonly waitMs: number;
  /** Incidents whose first write this process already waited for. */
  private readonly seen = new Set<string>();

  constructor(private readonly opts: AlertEvidenceOptions) {
    this.recorder = new RawAlertRecorder({ store: opts.store, collector: opts.collector ?? `cordon-api@${os.hostname()}` });
    this.waitMs = opts.waitMs ?? 1000;
  }

  /** Starts the writes: one per incident, with the dedup keys of that incident's alerts. */
  keep(request: RawAlertRequest, dedupKeysByIncident: ReadonlyMap<string, readonly string[]>, log: FastifyBaseLogger): KeptRequest {
    const prepared = prepareRawAlert(request);
    const deadline = Date.now() + this.waitMs;
    const writes = new Map<string, Promise<unknown>>();
    for (const [incidentId, dedupKeys] of dedupKeysByIncident) {
      writes.set(
        incidentId,
        this.recorder.record(incidentId, prepared, dedupKeys).then((o) => this.report(o, request, log)),
      );
    }
    let warned = false;
    const bounded = (work: Promise<unknown>) =>
      withinBudget(work, deadline, () => {
        if (!warned)
          log.warn(
            { source: request.source, artifact: prepared.name, waitMs: this.waitMs },
            'raw alert evidence still being written; going on without waiting for it',
          );
        warned = true;
      });
    return {
      beforeSignal: async (incidentId) => {
        if (this.seen.has(incidentId)) return;
        await bounded(writes.get(incidentId) ?? Promise.resolve());
        if (this.seen.size >= SEEN_MAX) this.seen.clear();
        this.seen.add(incidentId);
      },
      settled: async () => {
        const wait = this.opts.joins === 'await' || this.recorder.backlogBytes > (this.opts.maxBacklogBytes ?? 32 * 1024 * 1024);
        if (wait) await bounded(Promise.all(writes.values()));
      },
    };
  }

  /** Waits (up to `shutdownWaitMs`) for every queued write: call on shutdown. */
  async flush(): Promise<void> {
    await withinBudget(this.recorder.flush(), Date.now() + (this.opts.shutdownWaitMs ?? 10_000), () => undefined);
  }

  private report(outcome: RawAlertOutcome, request: RawAlertRequest, log: FastifyBaseLogger): void {
    this.opts.counter?.inc({ source: request.source, outcome: outcome.status });
    if (outcome.status !== 'failed') return;
    log.error(
      {
        source: request.source,
        incidentId: outcome.incidentId,
        artifact: outcome.name,
        sender: request.sender.name,
        authenticatedBy: request.sender.kind,
        err: { type: outcome.error.name, message: outcome.error.message },
      },
      'raw alert evidence could not be stored; the alert was accepted anyway',
    );
  }
}

/** Waits for `work` until `deadline` (epoch ms); `late` runs once if the deadline wins. */
async function withinBudget(work: Promise<unknown>, deadline: number, late: () => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), Math.max(0, deadline - Date.now()));
    timer.unref();
  });
  try {
    if (
      (await Promise.race([
        work.then(
          () => 'done' as const,
          () => 'done' as const,
        ),
        timeout,
      ])) === 'late'
    )
      late();
  } finally {
    clearTimeout(timer);
  }
}
