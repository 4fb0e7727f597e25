import { DateTime } from 'luxon';
import { holidayCalendars, holidayName, isCoveredYear } from '../../../src/regulatory/holidays';

// The calendars are hand-written data; these tests recompute every date from its rule.
const YEARS = [2025, 2026, 2027, 2028];
const d = (y: number, m: number, day: number) => DateTime.utc(y, m, day);
const iso = (x: DateTime) => x.toISODate() as string;

/** Anonymous Gregorian computus (Meeus/Jones/Butcher). */
function easter(y: number): DateTime {
  const a = y % 19,
    b = Math.floor(y / 100),
    c = y % 100,
    dd = Math.floor(b / 4),
    e = b % 4;
  const f = Math.floor((b + 8) / 25),
    g = Math.floor((b - f + 1) / 3),
    h = (19 * a + b - dd - g + 15) % 30;
  const i = Math.floor(c / 4),
    k = c % 4,
    l = (32 + 2 * e + 2 * i - h - k) % 7,
    m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31),
    day = ((h + l - 7 * m + 114) % 31) + 1;
  return d(y, month, day);
}
const nthWeekday = (y: number, m: number, weekday: number, n: number) => {
  let x = d(y, m, 1);
  while (x.weekday !== weekday) x = x.plus({ days: 1 });
  return x.plus({ weeks: n - 1 });
};
const lastWeekday = (y: number, m: number, weekday: number) => {
  let x = d(y, m, 1).endOf('month').startOf('day');
  while (x.weekday !== weekday) x = x.minus({ days: 1 });
  return x;
};
/** 5 U.S.C. 6103(b): Saturday → Friday before, Sunday → Monday after. */
const observed = (x: DateTime) => (x.weekday === 6 ? x.minus({ days: 1 }) : x.weekday === 7 ? x.plus({ days: 1 }) : x);

test('US federal: every date in 2025–2028 follows 5 U.S.C. 6103 and nothing else is listed', () => {
  const expected = new Set<string>();
  for (const y of YEARS) {
    [
      observed(d(y, 1, 1)),
      nthWeekday(y, 1, 1, 3),
      nthWeekday(y, 2, 1, 3),
      lastWeekday(y, 5, 1),
      observed(d(y, 6, 19)),
      observed(d(y, 7, 4)),
      nthWeekday(y, 9, 1, 1),
      nthWeekday(y, 10, 1, 2),
      observed(d(y, 11, 11)),
      nthWeekday(y, 11, 4, 4),
      observed(d(y, 12, 25)),
    ].forEach((x) => expected.add(iso(x)));
  }
  expect(new Set(Object.keys(holidayCalendars['us-federal'].dates))).toEqual(expected);
  expect(holidayName('us-federal', '2027-12-31')).toMatch(/New Year/); // 1 Jan 2028 is a Saturday
});

test('US federal holidays are all weekdays (observance applied)', () => {
  for (const date of Object.keys(holidayCalendars['us-federal'].dates)) expect(DateTime.fromISO(date).weekday).toBeLessThan(6);
});

test('Brazil: fixed national holidays + Good Friday by computus', () => {
  const expected = new Set<string>();
  for (const y of YEARS) {
    for (const [m, day] of [
      [1, 1],
      [4, 21],
      [5, 1],
      [9, 7],
      [10, 12],
      [11, 2],
      [11, 15],
      [11, 20],
      [12, 25],
    ])
      expected.add(iso(d(y, m, day)));
    expected.add(iso(easter(y).minus({ days: 2 })));
  }
  expect(new Set(Object.keys(holidayCalendars['br-national'].dates))).toEqual(expected);
  // Carnival is a "ponto facultativo", deliberately absent (earlier deadline, never later).
  expect(holidayName('br-national', iso(easter(2026).minus({ days: 47 })))).toBeUndefined();
});

test('Germany: nationwide holidays incl. Easter-based ones by computus', () => {
  const expected = new Set<string>();
  for (const y of YEARS) {
    for (const [m, day] of [
      [1, 1],
      [5, 1],
      [10, 3],
      [12, 25],
      [12, 26],
    ])
      expected.add(iso(d(y, m, day)));
    for (const off of [-2, 1, 39, 50]) expected.add(iso(easter(y).plus({ days: off })));
  }
  expect(new Set(Object.keys(holidayCalendars['de-national'].dates))).toEqual(expected);
});

test('coverage is 2025–2028 for every calendar', () => {
  for (const id of ['us-federal', 'br-national', 'de-national'] as const) {
    expect([isCoveredYear(id, 2024), isCoveredYear(id, 2025), isCoveredYear(id, 2028), isCoveredYear(id, 2029)]).toEqual([
      false,
      true,
      true,
      false,
    ]);
  }
});

test('France: Code du travail L3133-1 days (without Whit Monday) incl. Easter Monday and Ascension by computus', () => {
  const expected = new Set<string>();
  for (const y of YEARS) {
    for (const [m, day] of [
      [1, 1],
      [5, 1],
      [5, 8],
      [7, 14],
      [8, 15],
      [11, 1],
      [11, 11],
      [12, 25],
    ])
      expected.add(iso(d(y, m, day)));
    for (const off of [1, 39]) expected.add(iso(easter(y).plus({ days: off })));
  }
  expect(new Set(Object.keys(holidayCalendars['fr-national'].dates))).toEqual(expected);
});

test("Netherlands: general holidays incl. King's Day (26 April when 27 April is a Sunday)", () => {
  const expected = new Set<string>();
  for (const y of YEARS) {
    for (const [m, day] of [
      [1, 1],
      [12, 25],
      [12, 26],
    ])
      expected.add(iso(d(y, m, day)));
    for (const off of [1, 39, 50]) expected.add(iso(easter(y).plus({ days: off })));
    const kings = d(y, 4, 27);
    expected.add(iso(kings.weekday === 7 ? kings.minus({ days: 1 }) : kings));
  }
  expect(new Set(Object.keys(holidayCalendars['nl-national'].dates))).toEqual(expected);
  expect(isCoveredYear('fr-national', 2029)).toBe(false);
});
