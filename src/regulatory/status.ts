/**
 * Where an obligation stands at a given "now" (a parameter, never read from a clock): waiting for
 * its anchor, running, met, late or overdue. Submission instants come from `anchors.submitted`.
 *
 * Invariant: a qualitative standard ("without undue delay") is only ever reported as elapsed
 * time — never met, missed, late or overdue (REGULATORY.md §17.8); a guidance target, if any, is
 * shown alongside as a soft marker.
 */
import { addOffset, computeDueDetail, parseInstant } from './deadlines';
import type { AnchorInstants, AnchorRef, Obligation } from './types';

export type ObligationStatus =
  | { state: 'awaiting-anchor'; missing: AnchorRef[] }
  | { state: 'elapsed'; startedAt: string; elapsedMs: number; submittedAt?: string; guidanceTargetAt?: string }
  | { state: 'open'; startedAt: string; due: string; remainingMs: number }
  | { state: 'overdue'; startedAt: string; due: string; overdueMs: number; lateRequires: readonly string[] }
  | { state: 'met'; due: string; submittedAt: string }
  | { state: 'late'; due: string; submittedAt: string; lateMs: number; lateRequires: readonly string[] };

export function obligationStatus(ob: Obligation, anchors: AnchorInstants, now: string): ObligationStatus {
  const nowMs = parseInstant(now, 'now').toMillis();
  const submittedAt = anchors.submitted?.[ob.id];
  const submittedMs = submittedAt === undefined ? undefined : parseInstant(submittedAt, 'submittedAt').toMillis();
  const r = computeDueDetail(ob, anchors);
  if (r.status === 'pending') return { state: 'awaiting-anchor', missing: r.missing };
  if (r.status === 'qualitative') {
    if (r.startedAt === null) return { state: 'awaiting-anchor', missing: r.missing };
    const startMs = Date.parse(r.startedAt);
    const guidanceTargetAt = ob.guidanceTarget
      ? (addOffset(parseInstant(r.startedAt), ob.guidanceTarget, ob.calendar).toISO() as string)
      : undefined;
    return {
      state: 'elapsed',
      startedAt: r.startedAt,
      elapsedMs: (submittedMs ?? nowMs) - startMs,
      ...(submittedAt !== undefined ? { submittedAt } : {}),
      ...(guidanceTargetAt ? { guidanceTargetAt } : {}),
    };
  }
  const dueMs = Date.parse(r.due);
  const lateRequires = ob.lateRequires ?? [];
  if (submittedAt !== undefined && submittedMs !== undefined) {
    return submittedMs <= dueMs
      ? { state: 'met', due: r.due, submittedAt }
      : { state: 'late', due: r.due, submittedAt, lateMs: submittedMs - dueMs, lateRequires };
  }
  return nowMs <= dueMs
    ? { state: 'open', startedAt: r.startedAt, due: r.due, remainingMs: dueMs - nowMs }
    : { state: 'overdue', startedAt: r.startedAt, due: r.due, overdueMs: nowMs - dueMs, lateRequires };
}

/** "3d 04h 12m" — for elapsed and remaining times; negative values get a minus sign. */
export function formatDuration(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  const totalMin = Math.floor(Math.abs(ms) / 60_000);
  const d = Math.floor(totalMin / 1440);
  const h = Math.floor((totalMin % 1440) / 60);
  const m = totalMin % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${sign}${d > 0 ? `${d}d ` : ''}${pad(h)}h ${pad(m)}m`;
}
