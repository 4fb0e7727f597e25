/**
 * Plans the timer events of one obligation's clock: reminders at fractions of the window between
 * the anchor and the due instant, the due instant itself, then an escalation. Pure, so a workflow
 * can turn the list into durable timers and recompute it on replay.
 *
 * Invariants: events are sorted by time, and at equal instants reminder < due < escalation;
 * reminders are strictly inside the window (0 < fraction < 1); instants are whole milliseconds;
 * qualitative obligations have no due instant and therefore no plan (§17.8).
 */
import { computeDueDetail, parseInstant, RegulatoryInputError } from './deadlines';
import type { AnchorInstants, Obligation } from './types';

export type ClockEventKind = 'reminder' | 'due' | 'escalation';

export interface ClockEvent {
  kind: ClockEventKind;
  at: string;
  /** For reminders: the share of the window elapsed at `at`. */
  fraction?: number;
}

export interface ClockPlanInput {
  anchorAt: string;
  dueAt: string;
  /** Shares of the window at which to remind; default [0.5, 0.75, 0.9]. */
  reminderFractions?: readonly number[];
  /** Escalate this long after the due instant if still unsubmitted; default 0 (at due). */
  escalateAfterMinutes?: number;
  /** Drop events at or before this instant (a workflow resuming its clock). */
  after?: string;
}

export const DEFAULT_REMINDER_FRACTIONS: readonly number[] = [0.5, 0.75, 0.9];

const ORDER: Record<ClockEventKind, number> = { reminder: 0, due: 1, escalation: 2 };
const iso = (ms: number) => new Date(ms).toISOString();

export function planClock(input: ClockPlanInput): ClockEvent[] {
  const start = parseInstant(input.anchorAt, 'anchorAt').toMillis();
  const due = parseInstant(input.dueAt, 'dueAt').toMillis();
  const fractions = input.reminderFractions ?? DEFAULT_REMINDER_FRACTIONS;
  const bad = fractions.find((f) => !(f > 0 && f < 1));
  if (bad !== undefined) throw new RegulatoryInputError(`reminder fractions must be strictly between 0 and 1, got ${bad}`);
  const escalateAfter = input.escalateAfterMinutes ?? 0;
  if (!(escalateAfter >= 0)) throw new RegulatoryInputError('escalateAfterMinutes must be ≥ 0');

  const events: ClockEvent[] = [];
  if (due > start) {
    for (const f of [...new Set(fractions)].sort((a, b) => a - b)) {
      events.push({ kind: 'reminder', at: iso(start + Math.round((due - start) * f)), fraction: f });
    }
  }
  events.push({ kind: 'due', at: iso(due) });
  events.push({ kind: 'escalation', at: iso(due + Math.round(escalateAfter * 60_000)) });
  events.sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || ORDER[a.kind] - ORDER[b.kind]);
  if (input.after === undefined) return events;
  const after = parseInstant(input.after, 'after').toMillis();
  return events.filter((e) => Date.parse(e.at) > after);
}

/** The plan for an obligation given the recorded anchors; null while not computable or qualitative. */
export function planObligationClock(
  ob: Obligation,
  anchors: AnchorInstants,
  opts: Omit<ClockPlanInput, 'anchorAt' | 'dueAt'> = {},
): ClockEvent[] | null {
  const r = computeDueDetail(ob, anchors);
  if (r.status !== 'due') return null;
  return planClock({ ...opts, anchorAt: r.startedAt, dueAt: r.due });
}
