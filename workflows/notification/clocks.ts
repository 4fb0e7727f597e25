/**
 * The clocks of one breach, computed from its record and a "now" (a parameter): one view per
 * obligation whose anchor has happened, the obligations still waiting for theirs, and the
 * reminder/due/escalation events still to send. Pure: the workflow, the API and the CLI share it.
 *
 * Invariants:
 * - Anchors: detection is the first alert; awareness is the recorded instant, or else detection,
 *   flagged `conservative` (WP250; REGULATORY.md §1.2); discovery is its recorded instant, or else
 *   awareness. Every other event (DORA classification, SEC materiality, …) exists only once an
 *   operator records it: until then its clocks wait. Chained anchors come from the first
 *   submission of the obligation they follow (§17.6).
 * - Not required = named in a "not required" declaration, or by the governing (latest) risk
 *   assessment, or chained on an obligation that is not required; the reasoning travels along.
 * - Resolved = not required, or a `final` submission, or any submission to an
 *   obligation that is not a phased continuation (GDPR 33(4) stays open until a final phase).
 *   A `final` submission also resolves the qualitative continuation chained on it, and a clock
 *   chained on an obligation declared not required is not required either.
 * - Qualitative standards are elapsed time only (§17.8): they never produce events.
 * - Records from older workers may lack `anchorEvents`/`riskAssessments`; they read as empty.
 */
import { computeDueDetail, renderInZone } from '../../src/regulatory/deadlines';
import { planClock } from '../../src/regulatory/clock-plan';
import { obligationStatus } from '../../src/regulatory/status';
import type { AnchorInstants, Obligation } from '../../src/regulatory/types';
import { anchorStatuses, recordedAnchors, waitsFor } from './anchors';
import type { AnchorStatus, AwaitingClock, BreachRecord, ClockView, NotificationKind, NotRequiredReason, RiskAssessmentRecord } from './types';
/** The risk assessment that governs: the latest recorded. */
export const governingAssessment = (r: BreachRecord): RiskAssessmentRecord | undefined => {
  const all = r.riskAssessments ?? [];
  return all[all.length - 1];
};

export function anchorsOf(r: BreachRecord): AnchorInstants {
  const aware = r.awareness?.at ?? r.detectedAt;
  const recorded: AnchorInstants = {};
  for (const e of recordedAnchors(r)) recorded[e.anchor] = e.at;
  const submitted: Record<string, string> = {};
  for (const s of r.submissions) if (submitted[s.obligationId] === undefined) submitted[s.obligationId] = s.submittedAt;
  return { ...recorded, detection: r.detectedAt, awareness: aware, discovery: recorded.discovery ?? aware, submitted };
}

const chainedOn = (o: Obligation): string | undefined => (typeof o.anchor === 'string' && o.anchor.startsWith('submitted:') ? o.anchor.slice('submitted:'.length) : undefined);
const isPhasedContinuation = (o: Obligation) => chainedOn(o) !== undefined && o.standard === 'qualitative';

/** Why an obligation is not required, or undefined while it is (GDPR 33(5): the reasoning is kept). */
export function notRequiredReason(r: BreachRecord, o: Obligation): NotRequiredReason | undefined {
  const d = r.notRequired.find((x) => x.obligationIds.includes(o.id));
  if (d) return { basis: 'declaration', reasoning: d.reasoning, by: d.by, at: d.at, risk: d.risk };
  const a = governingAssessment(r);
  if (a?.notRequired.includes(o.id)) return { basis: 'risk-assessment', reasoning: a.reasoning, by: a.by, at: a.at, risk: a.risk };
  const parent = chainedOn(o);
  const p = parent ? r.obligations.find((x) => x.id === parent) : undefined;
  return p === undefined ? undefined : notRequiredReason(r, p);
}

export const notRequiredFor = (r: BreachRecord, o: Obligation): boolean => notRequiredReason(r, o) !== undefined;

export function isResolved(r: BreachRecord, o: Obligation): boolean {
  if (notRequiredFor(r, o)) return true;
  const mine = r.submissions.filter((s) => s.obligationId === o.id);
  if (mine.some((s) => s.phase === 'final')) return true;
  if (mine.length > 0 && !isPhasedContinuation(o)) return true;
  const parent = chainedOn(o);
  return isPhasedContinuation(o) && parent !== undefined && r.submissions.some((s) => s.obligationId === parent && s.phase === 'final');
}

/** Anchored on awareness (or discovery) while awareness is not recorded. */
function conservative(r: BreachRecord, o: Obligation): boolean {
  if (r.awareness) return false;
  const discovered = recordedAnchors(r).some((e) => e.anchor === 'discovery');
  const refs = typeof o.anchor === 'string' ? [o.anchor] : o.anchor.earliestOf.map((t) => t.anchor);
  return refs.some((a) => a === 'awareness' || ((a === 'discovery' || a === 'yearEnd:discovery') && !discovered));
}

function safeRender(at: string, zone: string): string {
  try { return renderInZone(at, zone); } catch { return at; }
}

export function clockViews(r: BreachRecord, now: string): { clocks: ClockView[]; awaiting: AwaitingClock[]; anchors: AnchorStatus[] } {
  const anchors = anchorsOf(r);
  const clocks: ClockView[] = [];
  const awaiting: AwaitingClock[] = [];
  for (const o of r.obligations) {
    const st = obligationStatus(o, anchors, now);
    const nr = notRequiredReason(r, o);
    if (st.state === 'awaiting-anchor') {
      if (!nr) awaiting.push({ obligationId: o.id, title: o.title, missing: st.missing, waitingFor: waitsFor(st.missing) });
      continue;
    }
    const detail = computeDueDetail(o, anchors);
    const base = {
      obligationId: o.id, regime: o.regime, title: o.title, recipient: o.recipient, phrase: o.phrase, standard: o.standard,
      resolved: isResolved(r, o), conservative: conservative(r, o), lateRequires: [...(o.lateRequires ?? [])],
      submissions: r.submissions.filter((s) => s.obligationId === o.id).length,
      startedAt: detail.status === 'due' ? detail.startedAt : detail.status === 'qualitative' ? (detail.startedAt ?? now) : now,
    };
    const due = 'due' in st ? { dueAt: st.due, dueDisplay: safeRender(st.due, o.calendar.timeZone) } : {};
    const submittedAt = 'submittedAt' in st ? { submittedAt: st.submittedAt } : {};
    let view: ClockView;
    if (st.state === 'open') view = { ...base, ...due, state: 'open', remainingMs: st.remainingMs };
    else if (st.state === 'overdue') view = { ...base, ...due, state: 'overdue', overdueMs: st.overdueMs };
    else if (st.state === 'met') view = { ...base, ...due, ...submittedAt, state: 'met' };
    else if (st.state === 'late') view = { ...base, ...due, ...submittedAt, state: 'late', overdueMs: st.lateMs };
    else view = { ...base, ...submittedAt, state: 'elapsed', elapsedMs: st.elapsedMs, ...(st.guidanceTargetAt ? { guidanceTargetAt: st.guidanceTargetAt } : {}) };
    if (nr) view = { ...view, state: 'not-required', notRequired: nr };
    clocks.push(view);
  }
  return { clocks, awaiting, anchors: anchorStatuses(r, anchors, awaiting) };
}

export interface PlannedEvent {
  key: string;
  obligationId: string;
  kind: NotificationKind;
  fraction?: number;
  at: string;
  dueAt: string;
}

/**
 * Every reminder/due/escalation event of the clocks still running, not yet sent. The key holds
 * the due instant, so a clock moved by a recorded awareness plans fresh events.
 */
export function unsentEvents(r: BreachRecord, now: string): PlannedEvent[] {
  const sent = new Set(r.notifications.map((n) => n.key));
  const out: PlannedEvent[] = [];
  for (const c of clockViews(r, now).clocks) {
    if (c.resolved || c.dueAt === undefined || (c.state !== 'open' && c.state !== 'overdue')) continue;
    const plan = planClock({ anchorAt: c.startedAt, dueAt: c.dueAt, reminderFractions: r.settings.reminderFractions, escalateAfterMinutes: r.settings.escalateAfterMinutes });
    for (const e of plan) {
      const key = `${c.obligationId}|${e.kind}|${e.fraction ?? ''}|${c.dueAt}`;
      if (!sent.has(key)) out.push({ key, obligationId: c.obligationId, kind: e.kind, ...(e.fraction !== undefined ? { fraction: e.fraction } : {}), at: e.at, dueAt: c.dueAt });
    }
  }
  return out.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

/**
 * The events to send at `now`, and those to mark as passed without a page: when several events of
 * one clock are due at once (a late start, a moved awareness), only the latest is sent.
 */
export function dueEvents(r: BreachRecord, now: string): { send: PlannedEvent[]; skip: PlannedEvent[] } {
  const nowMs = Date.parse(now);
  const ready = unsentEvents(r, now).filter((e) => Date.parse(e.at) <= nowMs);
  const latest = new Map<string, PlannedEvent>();
  for (const e of ready) latest.set(e.obligationId, e); // sorted by time, so the last wins
  const send = [...latest.values()];
  return { send, skip: ready.filter((e) => !send.includes(e)) };
}

/** The next instant something must be sent, if any. */
export function nextEventAt(r: BreachRecord, now: string): string | undefined {
  const nowMs = Date.parse(now);
  return unsentEvents(r, now).find((e) => Date.parse(e.at) > nowMs)?.at;
}

/** Every clock that needs a person is resolved (the internal register is written at the end). */
export function allResolved(r: BreachRecord, now: string): boolean {
  const { clocks } = clockViews(r, now);
  return clocks.filter((c) => c.recipient !== 'internal-register').every((c) => c.resolved);
}
