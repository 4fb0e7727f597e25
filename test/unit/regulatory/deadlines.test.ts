import { DateTime } from 'luxon';
import {
  addOffset,
  computeDue,
  computeDueDetail,
  parseInstant,
  RegulatoryInputError,
  renderInZone,
} from '../../../src/regulatory/deadlines';
import type { Obligation, ObligationCalendar, Offset } from '../../../src/regulatory/types';

/** A minimal fixed obligation for exercising the arithmetic. */
function ob(offset: Offset, calendar: ObligationCalendar, anchor: Obligation['anchor'] = 'awareness'): Obligation {
  return {
    id: 'test',
    regime: 'gdpr',
    title: 't',
    recipient: 'internal',
    anchor,
    offset,
    standard: 'fixed',
    phrase: 'p',
    calendar,
    content: [],
    certainty: 'V',
    sources: [{ ref: 'test', tag: 'V' }],
  };
}

const utc = (local: string, zone: string) => DateTime.fromISO(local, { zone }).toUTC().toISO() as string;
const h = (amount: number): Offset => ({ amount, unit: 'hours' });
const cd = (amount: number): Offset => ({ amount, unit: 'calendarDays' });
const bd = (amount: number): Offset => ({ amount, unit: 'businessDays' });
const cm = (amount: number): Offset => ({ amount, unit: 'calendarMonths' });

const brussels = { timeZone: 'Europe/Brussels' };
const london = { timeZone: 'Europe/London' };
const newYork = { timeZone: 'America/New_York' };
const sec: ObligationCalendar = { timeZone: 'America/New_York', holidays: 'us-federal', dayEnd: '17:30' };
const brazil: ObligationCalendar = { timeZone: 'America/Sao_Paulo', holidays: 'br-national' };
const singapore = { timeZone: 'Asia/Singapore' };
const sydney = { timeZone: 'Australia/Sydney' };
const dora: ObligationCalendar = { timeZone: 'Europe/Berlin', holidays: 'de-national', weekendRelief: 'noonNextWorkingDay' };

// Each row: name, offset, calendar, anchor (local time in the row's zone), expected due (local), zone.
test.each([
  // §17.1 worked example (EDPB): aware Friday 09:00 → notify by Monday 09:00; weekends count.
  ['hours: aware Friday 09:00 → Monday 09:00 (§17.1)', h(72), brussels, '2026-06-05T09:00', '2026-06-08T09:00', 'Europe/Brussels'],
  [
    'hours: 72 h across spring-forward are real hours (09:00 CET → 10:00 CEST)',
    h(72),
    brussels,
    '2026-03-27T09:00',
    '2026-03-30T10:00',
    'Europe/Brussels',
  ],
  ['hours: 72 h across fall-back (09:00 BST → 08:00 GMT)', h(72), london, '2026-10-23T09:00', '2026-10-26T08:00', 'Europe/London'],
  ['hours: 24 h ignores a public holiday', h(24), brussels, '2026-12-24T18:30', '2026-12-25T18:30', 'Europe/Brussels'],
  // Calendar days: day 0 not counted, end of the last local day, DST-correct offset.
  [
    'calendar days: 60 days across spring-forward ends 23:59 EDT',
    cd(60),
    newYork,
    '2026-02-20T10:00',
    '2026-04-21T23:59:59.999',
    'America/New_York',
  ],
  [
    'calendar days: 30 days across fall-back ends 23:59 EST',
    cd(30),
    newYork,
    '2026-10-15T22:00',
    '2026-11-14T23:59:59.999',
    'America/New_York',
  ],
  [
    'calendar days: 3 days "after the day" (Singapore, §17.5)',
    cd(3),
    singapore,
    '2026-05-01T23:30',
    '2026-05-04T23:59:59.999',
    'Asia/Singapore',
  ],
  ['calendar days: 30 days across Sydney DST start', cd(30), sydney, '2026-09-20T11:00', '2026-10-20T23:59:59.999', 'Australia/Sydney'],
  // Business days: weekends and holidays skipped; the anchor day is day 0.
  [
    'business days: SEC Wednesday, skips Fri 3 Jul 2026 (observed) + weekend',
    bd(4),
    sec,
    '2026-07-01T11:00',
    '2026-07-08T17:30',
    'America/New_York',
  ],
  ['business days: SEC Monday → Friday (plain week)', bd(4), sec, '2026-06-01T09:00', '2026-06-05T17:30', 'America/New_York'],
  [
    'business days: SEC day-zero rule, Saturday event → count starts Monday (GI B.1)',
    bd(4),
    sec,
    '2026-07-04T10:00',
    '2026-07-09T17:30',
    'America/New_York',
  ],
  [
    'business days: SEC event on a holiday (Thanksgiving) → count starts Friday',
    bd(4),
    sec,
    '2026-11-26T10:00',
    '2026-12-02T17:30',
    'America/New_York',
  ],
  [
    'business days: SEC skips Christmas observed on Fri 24 Dec 2027',
    bd(4),
    sec,
    '2027-12-22T12:00',
    '2027-12-29T17:30',
    'America/New_York',
  ],
  [
    'business days: SEC across year end skips New Year 2028 observed on Fri 31 Dec 2027',
    bd(4),
    sec,
    '2027-12-28T12:00',
    '2028-01-04T17:30',
    'America/New_York',
  ],
  [
    'business days: Brazil Friday, skips weekend + Tiradentes (Tue 21 Apr)',
    bd(3),
    brazil,
    '2026-04-17T12:00',
    '2026-04-23T23:59:59.999',
    'America/Sao_Paulo',
  ],
  [
    'business days: Brazil 20 days across Carnival (not a listed holiday) and Good Friday',
    bd(20),
    brazil,
    '2026-03-20T12:00',
    '2026-04-20T23:59:59.999',
    'America/Sao_Paulo',
  ],
  // Calendar months with month-end clamping.
  ['months: 31 Jan + 1 → 28 Feb (clamped)', cm(1), brussels, '2026-01-31T12:00', '2026-02-28T23:59:59.999', 'Europe/Brussels'],
  ['months: 31 Jan 2028 + 1 → 29 Feb (leap year)', cm(1), brussels, '2028-01-31T12:00', '2028-02-29T23:59:59.999', 'Europe/Brussels'],
  ['months: 31 Mar + 1 → 30 Apr', cm(1), brussels, '2026-03-31T08:00', '2026-04-30T23:59:59.999', 'Europe/Brussels'],
  ['months: 15 Mar + 1 across DST → 15 Apr 23:59 CEST', cm(1), brussels, '2026-03-15T08:00', '2026-04-15T23:59:59.999', 'Europe/Brussels'],
  ['months: 31 Dec + 1 → 31 Jan next year', cm(1), brussels, '2026-12-31T08:00', '2027-01-31T23:59:59.999', 'Europe/Brussels'],
  // DORA weekend relief: a limit on a weekend/holiday moves to 12:00 next working day.
  ['relief: limit on Saturday → Monday 12:00', h(24), dora, '2026-03-06T10:00', '2026-03-09T12:00', 'Europe/Berlin'],
  [
    'relief: limit on Good Friday → Tuesday after Easter Monday 12:00',
    h(24),
    dora,
    '2026-04-02T10:00',
    '2026-04-07T12:00',
    'Europe/Berlin',
  ],
  ['relief: limit on a working day is unchanged', h(24), dora, '2026-03-04T10:00', '2026-03-05T10:00', 'Europe/Berlin'],
] as const)('%s', (_name, offset, calendar, anchorLocal, dueLocal, zone) => {
  expect(computeDue(ob(offset, calendar), { awareness: utc(anchorLocal, zone) })).toBe(utc(dueLocal, zone));
});

test('computeDue returns null while the anchor has not happened', () => {
  expect(computeDue(ob(h(72), brussels), {})).toBeNull();
  expect(computeDueDetail(ob(h(72), brussels), { detection: '2026-06-05T07:00:00Z' })).toEqual({
    status: 'pending',
    missing: ['awareness'],
  });
});

test('relief reports both the nominal limit and the relieved due instant', () => {
  const r = computeDueDetail(ob(h(24), dora), { awareness: utc('2026-03-06T10:00', 'Europe/Berlin') });
  expect(r).toMatchObject({
    status: 'due',
    reliefApplied: true,
    nominalDue: utc('2026-03-07T10:00', 'Europe/Berlin'),
    due: utc('2026-03-09T12:00', 'Europe/Berlin'),
  });
});

test('a count beyond the holiday data warns and skips weekends only', () => {
  const r = computeDueDetail(ob(bd(4), sec), { awareness: utc('2029-01-01T10:00', 'America/New_York') });
  expect(r.status).toBe('due');
  if (r.status !== 'due') return;
  expect(r.due).toBe(utc('2029-01-05T17:30', 'America/New_York'));
  expect(r.warnings).toEqual(['holiday calendar us-federal does not cover 2029; only weekends were skipped']);
});

test('result does not depend on the offset the anchor was written in', () => {
  const a = computeDue(ob(cd(3), singapore), { awareness: '2026-05-01T23:30:00+08:00' });
  const b = computeDue(ob(cd(3), singapore), { awareness: '2026-05-01T15:30:00Z' });
  expect(a).toBe(b);
});

test('the anchor zone decides the day: 20:00Z is already the next day in Singapore', () => {
  expect(computeDue(ob(cd(3), singapore), { awareness: '2026-05-01T20:00:00Z' })).toBe(utc('2026-05-05T23:59:59.999', 'Asia/Singapore'));
});

test.each([
  ['zone-less local time', '2026-06-05T09:00:00'],
  ['garbage', 'yesterday'],
  ['impossible date', '2026-02-30T09:00:00Z'],
  ['date without a time', '2026-06-05'],
])('refuses an anchor that is a %s', (_n, bad) => {
  expect(() => computeDue(ob(h(72), brussels), { awareness: bad })).toThrow(RegulatoryInputError);
});

test('refuses an unknown time zone', () => {
  expect(() => addOffset(parseInstant('2026-06-05T09:00:00Z'), cd(1), { timeZone: 'Mars/Olympus' })).toThrow(RegulatoryInputError);
});

test.each([
  ['2026-03-30T08:00:00.000Z', 'Europe/Brussels', 'Mon 30 Mar 2026, 10:00 +02:00 (Europe/Brussels)'],
  ['2026-03-27T08:00:00.000Z', 'Europe/Brussels', 'Fri 27 Mar 2026, 09:00 +01:00 (Europe/Brussels)'],
  ['2026-07-08T21:30:00.000Z', 'America/New_York', 'Wed 8 Jul 2026, 17:30 -04:00 (America/New_York)'],
  ['2026-07-08T21:30:00.000Z', 'UTC', 'Wed 8 Jul 2026, 21:30 +00:00 (UTC)'],
])('renderInZone(%s, %s)', (instant, zone, text) => {
  expect(renderInZone(instant, zone)).toBe(text);
});
