/**
 * Exports the incident's timeline to the evidence store's hash-chained audit trail
 * (src/evidence/audit-trail.ts), so an auditor can check the record without Temporal.
 * Temporal's history stays the source of truth; this is its tamper-evident copy.
 * When: after each phase and whenever the workflow starts waiting (gates, the replacement
 * wait, the open incident), never per step of the latency-critical quarantine chain.
 * Invariants: each timeline entry and each AWS call of the plan has an id fixed by its
 * position (`t:<n>`, `call:<n>`), so a retried or replayed flush never duplicates a line;
 * flushes run one after another (a chained promise) and never throw into the workflow — a
 * failed flush is noted once in the timeline and its entries go with the next flush.
 * Plan mode (dry run) writes nothing.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { CordonActivities } from '../../activities';
import type { AuditInput } from '../../src/evidence/audit-trail';
import type { PlannedCall, TimelineEntry } from '../../src/domain/incident';
import { profiles } from '../activity-profiles';
import { anchorHead } from './evidence-anchors';
import { closesStep, type IncidentState } from './incident-state';

const store = proxyActivities<CordonActivities>({ ...profiles.awsMutation, retry: { ...profiles.awsMutation.retry, maximumAttempts: 5 } });

/** Pure: the entries of one flush, AWS calls placed just before their step's closing transition (`closesStep`). */
export function auditEntries(
  timeline: readonly TimelineEntry[],
  fromEntry: number,
  plan: readonly PlannedCall[],
  fromCall: number,
): AuditInput[] {
  const calls = plan.slice(fromCall).map((c, i) => ({ call: c, id: `call:${fromCall + i}` }));
  const out: AuditInput[] = [];
  for (let i = fromEntry; i < timeline.length; i++) {
    const t = timeline[i]!;
    if (closesStep(t)) {
      for (const c of calls.filter((x) => x.call.step === t.step)) {
        out.push({
          id: c.id,
          at: t.at,
          kind: 'aws',
          step: c.call.step,
          message: `${c.call.service}:${c.call.operation}`,
          data: { input: c.call.input },
        });
      }
      for (let k = calls.length - 1; k >= 0; k--) if (calls[k]!.call.step === t.step) calls.splice(k, 1);
    }
    out.push({ id: `t:${i}`, at: t.at, kind: t.kind, message: t.message, actor: t.actor, step: t.step, data: t.data });
  }
  const last = timeline[timeline.length - 1]?.at ?? new Date().toISOString();
  for (const c of calls)
    out.push({
      id: c.id,
      at: last,
      kind: 'aws',
      step: c.call.step,
      message: `${c.call.service}:${c.call.operation}`,
      data: { input: c.call.input },
    });
  return out;
}

export class AuditFlusher {
  private entries: number;
  private calls: number;
  private chain: Promise<void> = Promise.resolve();
  private failing = false;
  private queued = false;

  /** `carried`: what the previous run handed over at continue-as-new (it flushed all of it first). */
  constructor(
    private readonly incidentId: string,
    private readonly state: IncidentState,
    private readonly enabled: boolean,
    carried?: { timeline?: unknown[]; plan?: unknown[] },
  ) {
    this.entries = carried?.timeline?.length ?? 0;
    this.calls = carried?.plan?.length ?? 0;
  }

  /** Queues a flush of everything not yet exported (one queued at most); resolves when it has run, never rejects. */
  flush(): Promise<void> {
    if (!this.enabled || this.queued) return this.chain;
    this.queued = true;
    this.chain = this.chain.then(() => {
      this.queued = false;
      return this.run();
    });
    return this.chain;
  }

  private async run(): Promise<void> {
    const snap = this.state.snapshot();
    const upTo = { entries: snap.timeline.length, calls: snap.plan?.length ?? 0 };
    if (upTo.entries === this.entries && upTo.calls === this.calls) return;
    const batch = auditEntries(snap.timeline.slice(0, upTo.entries), this.entries, (snap.plan ?? []).slice(0, upTo.calls), this.calls);
    try {
      const written = await store.appendAudit({ incidentId: this.incidentId, entries: batch });
      // The heads this flush wrote (and the manifest's as read) are in history now: anchor them (runbook/evidence-anchors.ts).
      anchorHead(this.state, 'audit', { seq: written.lastSeq, hash: written.head }, 'appendAudit');
      anchorHead(this.state, 'manifest', { seq: written.manifestSeq, hash: written.manifestHead }, 'appendAudit (read)');
      this.entries = upTo.entries;
      this.calls = upTo.calls;
      this.failing = false;
    } catch (err) {
      if (this.failing) return;
      this.failing = true;
      this.state.log({
        at: new Date().toISOString(),
        kind: 'evidence',
        message: `audit trail export failed, will retry at the next flush: ${(err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message}`,
      });
    }
  }
}

const flushers = new WeakMap<IncidentState, AuditFlusher>();

export function registerAuditFlusher(state: IncidentState, flusher: AuditFlusher): AuditFlusher {
  flushers.set(state, flusher);
  return flusher;
}

/** Starts a flush for this incident without waiting for it (no-op when none is registered, e.g. unit tests). */
export function flushAudit(state: IncidentState): void {
  void flushers.get(state)?.flush();
}
