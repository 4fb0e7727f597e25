/**
 * The clocks of one breach, computed from its record and a "now" (a parameter): one view per
 * obligation whose anchor has happened, the obligations still waiting for theirs, and the
 * reminder/due/escalation events still to send. Pure: the workflow, the API and the CLI share it.
 *
 * Invariants:
 * - Anchors per regime (anchor-defaults.ts): each regime reads its own anchor; an anchor that can
 *   be assumed (awareness, discovery, determination, suspicion, DORA/NIS2 awareness) runs from the
 *   first alert until recorded — the earliest plausible instant — and the clock says so
 *   (`conservative`, `anchorNotes`). Decisions (classification, materiality, …) are never
 *   assumed: their clocks wait. Chained anchors come from the first (`submitted:`) or latest
 *   (`latestSubmitted:`) submission of the obligation they follow (§17.6).
 * - Not required = named in a "not required" declaration, or by the governing (latest) risk
 *   assessment, or classified "no" (latest classification of the obligation's kind), or chained
 *   on an obligation that is not required; the reasoning travels along.
 * - Resolved = not required, or a `final`/`progress` submission, or any submission to an
 *   obligation that is not a phased continuation (GDPR 33(4) stays open until a final phase), or,
 *   for a duty to decide (`decidedBy`), the decision recorded.
 * - A law-enforcement delay pauses the clocks it names (src/regulatory/pauses.ts): while it runs
 *   the clock is `paused` and sends nothing; its due instant moves by the paused time.
 * - Qualitative standards are elapsed time only (§17.8): they never produce events.
 * - Records from older workers may lack `anchorEvents`/`riskAssessments`/`classifications`/`delays`.
 */
import { anchorRefs, computeDueDetail, renderInZone } from '../../src/regulatory/deadlines';
import { planClock } from '../../src/regulatory/clock-plan';
import { activePause, pausedDue } from '../../src/regulatory/pauses';
import { obligationStatus } from '../../src/regulatory/status';
import { eventOf } from '../../src/regulatory/anchors';
import type { Obligation } from '../../src/regulatory/types';
import { anchorDefaults, anchorsOf, classificationsOf, latestClassification } from './anchor-defaults';
import { anchorStatuses, waitsFor } from './anchors';
import type {
  AnchorStatus,
  AwaitingClock,
  BreachRecord,
  ClockView,
  DelayRecord,
  NotificationKind,
  NotRequiredReason,
  RiskAssessmentRecord,
} from './types';

export { anchorsOf };

/** The risk assessment that governs: the latest recorded. */
export const governingAssessment = (r: BreachRecord): RiskAssessmentRecord | undefined => {
  const all = r.riskAssessments ?? [];
  return all[all.length - 1];
};

const chainedOn = (o: Obligation): string | undefined => {
  if (typeof o.anchor !== 'string') return undefined;
  const m = /^(?:submitted|latestSubmitted):(.+)$/.exec(o.anchor);
  return m ? m[1] : undefined;
};
const isPhasedContinuation = (o: Obligation) => chainedOn(o) !== undefined && o.standard === 'qualitative';

/** Why an obligation is not required, or undefined while it is (GDPR 33(5): the reasoning is kept). */
export function notRequiredReason(r: BreachRecord, o: Obligation): NotRequiredReason | undefined {
  const d = r.notRequired.find((x) => x.obligationIds.includes(o.id));
  if (d) return { basis: 'declaration', reasoning: d.reasoning, by: d.by, at: d.at, risk: d.risk };
  const a = governingAssessment(r);
  if (a?.notRequired.includes(o.id)) return { basis: 'risk-assessment', reasoning: a.reasoning, by: a.by, at: a.at, risk: a.risk };
  const c = o.classification ? latestClassification(r, o.classification) : undefined;
  if (c?.outcome === 'no' && !r.submissions.some((s) => s.obligationId === o.id))
    return { basis: 'classification', reasoning: `${c.kind}: no — ${c.reason}`, by: c.by, at: c.recordedAt };
  const parent = chainedOn(o);
  const p = parent ? r.obligations.find((x) => x.id === parent) : undefined;
  return p === undefined ? undefined : notRequiredReason(r, p);
}

export const notRequiredFor = (r: BreachRecord, o: Obligation): boolean => notRequiredReason(r, o) !== undefined;

export function isResolved(r: BreachRecord, o: Obligation): boolean {
  if (notRequiredFor(r, o)) return true;
  if (o.decidedBy && classificationsOf(r).some((c) => c.kind === o.decidedBy)) return true;
  const mine = r.submissions.filter((s) => s.obligationId === o.id);
  if (mine.some((s) => s.phase === 'final' || s.phase === 'progress')) return true;
  if (mine.length > 0 && !isPhasedContinuation(o)) return true;
  const parent = chainedOn(o);
  return isPhasedContinuation(o) && parent !== undefined && r.submissions.some((s) => s.obligationId === parent && s.phase === 'final');
}

/** The notes of the default anchors this obligation runs from (empty: every anchor recorded). */
function defaultNotes(o: Obligation, defaults: ReturnType<typeof anchorDefaults>): string[] {
  const events = anchorRefs(o.anchor, o.requires)
    .map(eventOf)
    .filter((e) => e !== undefined);
  return [...new Set(events)].flatMap((e) => (defaults[e] ? [defaults[e]!] : []));
}

function safeRender(at: string, zone: string): string {
  try {
    return renderInZone(at, zone);
  } catch {
    return at;
  }
}

const delaysOf = (r: BreachRecord, id: string): DelayRecord[] => (r.delays ?? []).filter((d) => d.obligationIds.includes(id));

export function clockViews(r: BreachRecord, now: string): { clocks: ClockView[]; awaiting: AwaitingClock[]; anchors: AnchorStatus[] } {
  const anchors = anchorsOf(r);
  const defaults = anchorDefaults(r);
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
    const notes = defaultNotes(o, defaults);
    const base = {
      obligationId: o.id,
      regime: o.regime,
      title: o.title,
      recipient: o.recipient,
      phrase: o.phrase,
      standard: o.standard,
      resolved: isResolved(r, o),
      conservative: notes.length > 0,
      lateRequires: [...(o.lateRequires ?? [])],
      submissions: r.submissions.filter((s) => s.obligationId === o.id).length,
      startedAt: detail.status === 'due' ? detail.startedAt : detail.status === 'qualitative' ? (detail.startedAt ?? now) : now,
      ...(notes.length ? { anchorNotes: notes } : {}),
      ...(o.openQuestions?.length ? { openQuestions: [...o.openQuestions] } : {}),
    };
    let view: ClockView;
    const delays = delaysOf(r, o.id);
    if ('due' in st && delays.length > 0) {
      view = pausedView(base, st.due, delays, o.calendar.timeZone, now, 'submittedAt' in st ? st.submittedAt : undefined);
    } else {
      const due = 'due' in st ? { dueAt: st.due, dueDisplay: safeRender(st.due, o.calendar.timeZone) } : {};
      const submittedAt = 'submittedAt' in st ? { submittedAt: st.submittedAt } : {};
      if (st.state === 'open') view = { ...base, ...due, state: 'open', remainingMs: st.remainingMs };
      else if (st.state === 'overdue') view = { ...base, ...due, state: 'overdue', overdueMs: st.overdueMs };
      else if (st.state === 'met') view = { ...base, ...due, ...submittedAt, state: 'met' };
      else if (st.state === 'late') view = { ...base, ...due, ...submittedAt, state: 'late', overdueMs: st.lateMs };
      else
        view = {
          ...base,
          ...submittedAt,
          state: 'elapsed',
          elapsedMs: st.elapsedMs,
          ...(st.guidanceTargetAt ? { guidanceTargetAt: st.guidanceTargetAt } : {}),
        };
    }
    if (nr) view = { ...view, state: 'not-required', notRequired: nr };
    clocks.push(view);
  }
  return { clocks, awaiting, anchors: anchorStatuses(r, anchors, awaiting) };
}

type ClockBase = Omit<ClockView, 'state'>;

/** A fixed clock with law-enforcement delays: due moved by the paused time; `paused` while one runs. */
function pausedView(
  base: ClockBase,
  nominalDue: string,
  delays: DelayRecord[],
  zone: string,
  now: string,
  submittedAt: string | undefined,
): ClockView {
  const windows = delays.map((d) => ({ from: d.from, until: d.until, ...(d.endedAt ? { endedAt: d.endedAt } : {}) }));
  const { due, pausedMs } = pausedDue(base.startedAt, nominalDue, windows);
  const active = activePause(delays, now);
  const info = {
    dueAt: due,
    dueDisplay: safeRender(due, zone),
    pausedMs,
    delays: delays.map((d) => ({
      id: d.id,
      from: d.from,
      until: d.until,
      ...(d.endedAt ? { endedAt: d.endedAt } : {}),
      active: d === active,
    })),
  };
  const dueMs = Date.parse(due);
  if (submittedAt !== undefined) {
    const late = Date.parse(submittedAt) - dueMs;
    return late <= 0 ? { ...base, ...info, submittedAt, state: 'met' } : { ...base, ...info, submittedAt, state: 'late', overdueMs: late };
  }
  if (active) return { ...base, ...info, state: 'paused', remainingMs: dueMs - Date.parse(now) };
  const left = dueMs - Date.parse(now);
  return left >= 0 ? { ...base, ...info, state: 'open', remainingMs: left } : { ...base, ...info, state: 'overdue', overdueMs: -left };
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
    // A paused clock sends nothing; its events are planned afresh (new due instant) when it runs again.
    if (c.resolved || c.dueAt === undefined || (c.state !== 'open' && c.state !== 'overdue')) continue;
    const plan = planClock({
      anchorAt: c.startedAt,
      dueAt: c.dueAt,
      reminderFractions: r.settings.reminderFractions,
      escalateAfterMinutes: r.settings.escalateAfterMinutes,
    });
    for (const e of plan) {
      const key = `${c.obligationId}|${e.kind}|${e.fraction ?? ''}|${c.dueAt}`;
      if (!sent.has(key))
        out.push({
          key,
          obligationId: c.obligationId,
          kind: e.kind,
          ...(e.fraction !== undefined ? { fraction: e.fraction } : {}),
          at: e.at,
          dueAt: c.dueAt,
        });
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

/** The next instant something must be sent or a delay ends (the clock then runs again), if any. */
export function nextEventAt(r: BreachRecord, now: string): string | undefined {
  const nowMs = Date.parse(now);
  const event = unsentEvents(r, now).find((e) => Date.parse(e.at) > nowMs)?.at;
  const ends = (r.delays ?? [])
    .map((d) => (d.endedAt ? undefined : d.until))
    .filter((u): u is string => u !== undefined && Date.parse(u) > nowMs);
  return [...(event ? [event] : []), ...ends].sort((a, b) => Date.parse(a) - Date.parse(b))[0];
}

/**
 * Every clock that needs a person is resolved (the internal register is written at the end), and
 * no regime still waits for its classification decision (NIS2, DORA, SEC, NYDFS): an incident
 * classified neither way keeps its breach workflow open.
 */
export function allResolved(r: BreachRecord, now: string): boolean {
  const { clocks, awaiting } = clockViews(r, now);
  const undecided =
    r.rules === 2 &&
    awaiting.some((w) => {
      const o = r.obligations.find((x) => x.id === w.obligationId);
      return o?.classification !== undefined && latestClassification(r, o.classification) === undefined;
    });
  return !undecided && clocks.filter((c) => c.recipient !== 'internal-register').every((c) => c.resolved);
}
