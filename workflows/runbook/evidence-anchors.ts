/**
 * The incident's evidence anchors: every manifest and audit head a Cordon activity or the API
 * wrote (or, for the manifest, read back at an audit flush), as it reached the workflow — so it
 * is in Temporal's history, which the evidence store's write credential cannot rewrite — and
 * readable by `evidenceHeadsQuery`. Verify checks the store's chains against all of them: a
 * rewrite after any anchor was taken, or a cut below it, is named.
 * Invariants: pure state (no commands), so recording an anchor never changes what the workflow
 * issues; at most MAX per chain (the first and the newest are always kept, the oldest in between
 * go first); the same (seq, hash) is kept once.
 */
import type { EvidenceHead, EvidenceHeads } from '../definitions';
import type { IncidentState } from './incident-state';

const MAX = 200;

export class EvidenceAnchors {
  private readonly heads: EvidenceHeads;

  constructor(carried?: EvidenceHeads) {
    this.heads = { manifest: [...(carried?.manifest ?? [])], audit: [...(carried?.audit ?? [])] };
  }

  note(log: keyof EvidenceHeads, head: { seq?: number; hash?: string }, via: string, at: string): void {
    if (typeof head.seq !== 'number' || head.seq < 1 || typeof head.hash !== 'string' || !/^[0-9a-f]{64}$/.test(head.hash)) return;
    const list = this.heads[log];
    if (list.some((h) => h.seq === head.seq && h.hash === head.hash)) return;
    list.push({ seq: head.seq, hash: head.hash, at, via });
    if (list.length > MAX) list.splice(1, 1);
  }

  snapshot(): EvidenceHeads {
    return { manifest: this.heads.manifest.map((h) => ({ ...h })), audit: this.heads.audit.map((h) => ({ ...h })) };
  }
}

const books = new WeakMap<IncidentState, EvidenceAnchors>();

export function registerEvidenceAnchors(state: IncidentState, anchors: EvidenceAnchors): EvidenceAnchors {
  books.set(state, anchors);
  return anchors;
}

/** Anchors a manifest entry an activity returned (no-op without a registered book, e.g. unit tests). */
export function anchorEntry(state: IncidentState, entry: { seq?: number; hash?: string } | undefined, via: string): void {
  if (entry) books.get(state)?.note('manifest', entry, via, new Date().toISOString());
}

export function anchorHead(state: IncidentState, log: keyof EvidenceHeads, head: { seq?: number; hash?: string }, via: string): void {
  books.get(state)?.note(log, head, via, new Date().toISOString());
}
