/**
 * Deterministic deadline arithmetic (REGULATORY.md §17). Pure: every instant is a parameter, no
 * clock is read, so workflow code can call it and replay gets the same answer.
 *
 * Rules encoded:
 * - `hours`: an absolute duration from the anchor instant; weekends, holidays and DST changes
 *   are irrelevant (§17.1; EDPB: aware Friday 09:00 → Monday 09:00). The hour of the event is
 *   counted from the instant, not rounded up (§17.2, safest reading).
 * - `calendarDays`: the anchor's local date (in the obligation's zone) is day 0, not counted;
 *   due at the end of day N ("no later than N days after the day", §17.5).
 * - `businessDays`: the Nth working day strictly after the anchor's local date. An anchor on a
 *   weekend or holiday therefore starts counting on the next working day, which is Form 8-K
 *   General Instruction B.1's "day-zero" rule (§8, §17.4).
 * - `calendarMonths`: same date N months later, clamped to the month's last day, ending at the
 *   end of that day (Reg. 1182/71 Art. 3(2)(c), §17.2); no next-working-day extension.
 * - Day-based periods end at `calendar.dayEnd` ('HH:mm') or else 23:59:59.999 local time.
 * - DORA weekend relief: a limit on a weekend/holiday moves to 12:00 of the next working day.
 * - A missing anchor (or a missing `requires` anchor) yields no due instant, never an invented
 *   one (§16 design note, §17.6); conservative defaults are the caller's choice, stated there.
 */
import { DateTime } from 'luxon';
import { ErrorType } from '../domain/errors';
import { holidayCalendars, isCoveredYear } from './holidays';
import type {
  AnchorInstants,
  AnchorRef,
  AnchorSpec,
  AnchorEvent,
  HolidayCalendarId,
  Obligation,
  ObligationCalendar,
  Offset,
} from './types';

/** Bad input (an instant without offset, an unknown zone): the failure catalogue's InvalidRequest. */
export class RegulatoryInputError extends Error {
  readonly type = ErrorType.InvalidRequest;
  constructor(message: string) {
    super(message);
    this.name = 'RegulatoryInputError';
  }
}

export type DueResult =
  | { status: 'qualitative'; phrase: string; startedAt: string | null; missing: AnchorRef[] }
  | { status: 'pending'; missing: AnchorRef[] }
  | {
      status: 'due';
      /** The instant to meet (after weekend relief, if any). */
      due: string;
      /** The limit before relief; equal to `due` when no relief applied. */
      nominalDue: string;
      /** The anchor instant the governing clock runs from. */
      startedAt: string;
      reliefApplied: boolean;
      /** e.g. a holiday calendar that does not cover a year the count crossed. */
      warnings: string[];
    };

/** A time of day followed by Z or a numeric offset: date-only and zone-less strings are refused. */
const OFFSET_SUFFIX = /T[\d:.,]+(Z|[+-]\d{2}(:?\d{2})?)$/i;

/** Parses an ISO-8601 instant that carries its own offset; zone-less strings are refused. */
export function parseInstant(iso: string, what = 'instant'): DateTime {
  const dt = DateTime.fromISO(iso, { setZone: true });
  if (!OFFSET_SUFFIX.test(iso) || !dt.isValid) {
    throw new RegulatoryInputError(`${what} must be an ISO-8601 instant with an offset, got ${JSON.stringify(iso)}`);
  }
  return dt.toUTC();
}

function inZone(dt: DateTime, zone: string): DateTime {
  const local = dt.setZone(zone);
  if (!local.isValid) throw new RegulatoryInputError(`unknown time zone ${JSON.stringify(zone)}`);
  return local;
}

const isoUtc = (dt: DateTime): string => dt.toUTC().toISO() as string;

/** True when the local date is neither Saturday/Sunday nor a listed holiday. */
export function isWorkingDay(local: DateTime, holidays: HolidayCalendarId | undefined, warnings?: string[]): boolean {
  if (local.weekday >= 6) return false;
  if (!holidays) return true;
  if (!isCoveredYear(holidays, local.year)) {
    const note = `holiday calendar ${holidays} does not cover ${local.year}; only weekends were skipped`;
    if (warnings && !warnings.includes(note)) warnings.push(note);
  }
  return holidayCalendars[holidays].dates[local.toISODate() as string] === undefined;
}

function endOfLocalDay(localDay: DateTime, dayEnd: string | undefined): DateTime {
  if (!dayEnd) return localDay.endOf('day');
  const [h, m] = dayEnd.split(':').map(Number);
  return localDay.startOf('day').set({ hour: h, minute: m, second: 0, millisecond: 0 });
}

/** Adds an offset to an anchor instant under the obligation's calendar. */
export function addOffset(anchor: DateTime, offset: Offset, calendar: ObligationCalendar, warnings: string[] = []): DateTime {
  if (offset.unit === 'hours') return anchor.plus({ milliseconds: offset.amount * 3_600_000 }).toUTC();
  let day = inZone(anchor, calendar.timeZone).startOf('day');
  if (offset.unit === 'calendarDays') day = day.plus({ days: offset.amount });
  else if (offset.unit === 'calendarMonths')
    day = day.plus({ months: offset.amount }); // luxon clamps 31 Jan + 1 → 28/29 Feb
  else {
    for (let counted = 0; counted < offset.amount; ) {
      day = day.plus({ days: 1 });
      if (isWorkingDay(day, calendar.holidays, warnings)) counted += 1;
    }
  }
  return endOfLocalDay(day, calendar.dayEnd).toUTC();
}

/** DORA RTS 2025/301 Art. 5(4): a limit on a non-working day moves to 12:00 next working day. */
export function applyWeekendRelief(limit: DateTime, calendar: ObligationCalendar, warnings: string[] = []): DateTime {
  let day = inZone(limit, calendar.timeZone);
  if (isWorkingDay(day, calendar.holidays, warnings)) return limit;
  day = day.startOf('day').plus({ days: 1 });
  while (!isWorkingDay(day, calendar.holidays, warnings)) day = day.plus({ days: 1 });
  return day.set({ hour: 12 }).toUTC();
}

/** The instant an anchor reference stands for, or undefined when it has not happened. */
export function resolveAnchor(ref: AnchorRef, anchors: AnchorInstants, calendar: ObligationCalendar): DateTime | undefined {
  if (ref.startsWith('submitted:')) {
    const at = anchors.submitted?.[ref.slice('submitted:'.length)];
    return at === undefined ? undefined : parseInstant(at, ref);
  }
  if (ref.startsWith('latestSubmitted:')) {
    const id = ref.slice('latestSubmitted:'.length);
    const at = anchors.latestSubmitted?.[id] ?? anchors.submitted?.[id];
    return at === undefined ? undefined : parseInstant(at, ref);
  }
  if (ref.startsWith('yearEnd:')) {
    const at = anchors[ref.slice('yearEnd:'.length) as AnchorEvent];
    return at === undefined ? undefined : inZone(parseInstant(at, ref), calendar.timeZone).endOf('year').toUTC();
  }
  const at = anchors[ref as AnchorEvent];
  return at === undefined ? undefined : parseInstant(at, ref);
}

/** Every anchor reference a spec depends on, plus the obligation's `requires`. */
export function anchorRefs(spec: AnchorSpec, requires: readonly AnchorRef[] = []): AnchorRef[] {
  const own = typeof spec === 'string' ? [spec] : spec.earliestOf.map((t) => t.anchor);
  if (typeof spec !== 'string' && !own.includes(spec.trigger)) own.push(spec.trigger);
  return [...own, ...requires.filter((r) => !own.includes(r))];
}

function nominal(ob: Obligation, anchors: AnchorInstants, warnings: string[]): { limit: DateTime; startedAt: DateTime } | AnchorRef[] {
  const spec = ob.anchor;
  const missing = anchorRefs(spec, ob.requires).filter((r) => resolveAnchor(r, anchors, ob.calendar) === undefined);
  if (missing.length > 0) return missing;
  const at = (r: AnchorRef) => resolveAnchor(r, anchors, ob.calendar) as DateTime;
  if (typeof spec === 'string') {
    if (!ob.offset) throw new RegulatoryInputError(`obligation ${ob.id} is fixed but has no offset`);
    return { limit: addOffset(at(spec), ob.offset, ob.calendar, warnings), startedAt: at(spec) };
  }
  const terms = spec.earliestOf.map((t) => ({ limit: addOffset(at(t.anchor), t.offset, ob.calendar, warnings), startedAt: at(t.anchor) }));
  const earliest = terms.reduce((a, b) => (b.limit < a.limit ? b : a));
  const trigger = at(spec.trigger);
  if (earliest.limit > trigger) return earliest;
  // The duty arose after the cap had passed (RTS 2025/301 Art. 5(2)): the trigger's own term governs.
  const own = spec.earliestOf.findIndex((t) => t.anchor === spec.trigger);
  if (own < 0) throw new RegulatoryInputError(`obligation ${ob.id}: trigger ${spec.trigger} has no term of its own`);
  return terms[own];
}

/** Full answer for one obligation: qualitative, pending (anchors missing) or due. */
export function computeDueDetail(ob: Obligation, anchors: AnchorInstants): DueResult {
  if (ob.standard === 'qualitative') {
    const ref = typeof ob.anchor === 'string' ? ob.anchor : ob.anchor.trigger;
    const started = resolveAnchor(ref, anchors, ob.calendar);
    const missing = [ref, ...(ob.requires ?? [])].filter((r) => resolveAnchor(r, anchors, ob.calendar) === undefined);
    return { status: 'qualitative', phrase: ob.phrase, startedAt: started && missing.length === 0 ? isoUtc(started) : null, missing };
  }
  const warnings: string[] = [];
  const n = nominal(ob, anchors, warnings);
  if (Array.isArray(n)) return { status: 'pending', missing: n };
  const relieved = ob.calendar.weekendRelief ? applyWeekendRelief(n.limit, ob.calendar, warnings) : n.limit;
  return {
    status: 'due',
    due: isoUtc(relieved),
    nominalDue: isoUtc(n.limit),
    startedAt: isoUtc(n.startedAt),
    reliefApplied: relieved.toMillis() !== n.limit.toMillis(),
    warnings,
  };
}

/** The UTC instant an obligation is due, or null while its anchor has not happened or it is qualitative. */
export function computeDue(ob: Obligation, anchors: AnchorInstants): string | null {
  const r = computeDueDetail(ob, anchors);
  return r.status === 'due' ? r.due : null;
}

/** Renders an instant for people in a zone, e.g. "Mon 30 Mar 2026, 10:00 +02:00 (Europe/Berlin)". */
export function renderInZone(instant: string, zone: string): string {
  const local = inZone(parseInstant(instant), zone).setLocale('en-GB');
  return `${local.toFormat('ccc d LLL yyyy, HH:mm ZZ')} (${zone})`;
}
