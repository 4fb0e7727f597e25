/**
 * Holiday calendars as data, for the regimes that count business days or grant weekend relief
 * (REGULATORY.md §17.3–17.4). Saturdays and Sundays are never working days and are not listed.
 *
 * Invariants:
 * - Dates are local calendar dates 'YYYY-MM-DD' in the calendar's zone; each calendar covers the
 *   years in `coveredYears` completely (the tests recompute every date from its rule).
 * - Only days the law or the authority certainly closes are listed. Doubtful days (ad-hoc federal
 *   closures, Brazil's Carnival and Corpus Christi "pontos facultativos", regional holidays) are
 *   left out on purpose: a missing holiday makes a deadline earlier, never later.
 */
import type { HolidayCalendarId } from './types';

export interface HolidayCalendar {
  id: HolidayCalendarId;
  name: string;
  /** First and last year fully listed; outside them only weekends are known. */
  coveredYears: readonly [number, number];
  dates: Readonly<Record<string, string>>;
  source: string;
}

/**
 * US federal holidays (5 U.S.C. 6103), the days the SEC is closed for Form 8-K General
 * Instruction B.1. A Saturday holiday is observed on the Friday before, a Sunday one on the
 * Monday after (so New Year's Day 2028 is observed on Friday 31 Dec 2027).
 */
const usFederal: HolidayCalendar = {
  id: 'us-federal',
  name: 'US federal holidays (SEC closed)',
  coveredYears: [2025, 2028],
  source: '5 U.S.C. 6103; OPM observance rule for Saturday/Sunday holidays',
  dates: {
    '2025-01-01': "New Year's Day",
    '2025-01-20': 'Birthday of Martin Luther King, Jr.',
    '2025-02-17': "Washington's Birthday",
    '2025-05-26': 'Memorial Day',
    '2025-06-19': 'Juneteenth',
    '2025-07-04': 'Independence Day',
    '2025-09-01': 'Labor Day',
    '2025-10-13': 'Columbus Day',
    '2025-11-11': 'Veterans Day',
    '2025-11-27': 'Thanksgiving Day',
    '2025-12-25': 'Christmas Day',
    '2026-01-01': "New Year's Day",
    '2026-01-19': 'Birthday of Martin Luther King, Jr.',
    '2026-02-16': "Washington's Birthday",
    '2026-05-25': 'Memorial Day',
    '2026-06-19': 'Juneteenth',
    '2026-07-03': 'Independence Day (observed)',
    '2026-09-07': 'Labor Day',
    '2026-10-12': 'Columbus Day',
    '2026-11-11': 'Veterans Day',
    '2026-11-26': 'Thanksgiving Day',
    '2026-12-25': 'Christmas Day',
    '2027-01-01': "New Year's Day",
    '2027-01-18': 'Birthday of Martin Luther King, Jr.',
    '2027-02-15': "Washington's Birthday",
    '2027-05-31': 'Memorial Day',
    '2027-06-18': 'Juneteenth (observed)',
    '2027-07-05': 'Independence Day (observed)',
    '2027-09-06': 'Labor Day',
    '2027-10-11': 'Columbus Day',
    '2027-11-11': 'Veterans Day',
    '2027-11-25': 'Thanksgiving Day',
    '2027-12-24': 'Christmas Day (observed)',
    '2027-12-31': "New Year's Day 2028 (observed)",
    '2028-01-17': 'Birthday of Martin Luther King, Jr.',
    '2028-02-21': "Washington's Birthday",
    '2028-05-29': 'Memorial Day',
    '2028-06-19': 'Juneteenth',
    '2028-07-04': 'Independence Day',
    '2028-09-04': 'Labor Day',
    '2028-10-09': 'Columbus Day',
    '2028-11-10': 'Veterans Day (observed)',
    '2028-11-23': 'Thanksgiving Day',
    '2028-12-25': 'Christmas Day',
  },
};

/**
 * Brazilian national holidays (Lei 662/1949 as amended, Lei 6.802/1980, Lei 14.759/2023 for
 * 20 Nov) plus Good Friday, for ANPD *dias úteis* (REGULATORY.md §13, calendar [U]). Weekend dates
 * are listed for completeness; they change nothing.
 */
const brNational: HolidayCalendar = {
  id: 'br-national',
  name: 'Brazil national holidays',
  coveredYears: [2025, 2028],
  source: 'Lei 662/1949; Lei 6.802/1980; Lei 14.759/2023; Good Friday by Easter computus',
  dates: Object.fromEntries(
    [2025, 2026, 2027, 2028]
      .flatMap((y) => [
        [`${y}-01-01`, 'Confraternização Universal'],
        [`${y}-04-21`, 'Tiradentes'],
        [`${y}-05-01`, 'Dia do Trabalho'],
        [`${y}-09-07`, 'Independência do Brasil'],
        [`${y}-10-12`, 'Nossa Senhora Aparecida'],
        [`${y}-11-02`, 'Finados'],
        [`${y}-11-15`, 'Proclamação da República'],
        [`${y}-11-20`, 'Dia Nacional de Zumbi e da Consciência Negra'],
        [`${y}-12-25`, 'Natal'],
      ])
      .concat([
        ['2025-04-18', 'Paixão de Cristo'],
        ['2026-04-03', 'Paixão de Cristo'],
        ['2027-03-26', 'Paixão de Cristo'],
        ['2028-04-14', 'Paixão de Cristo'],
      ]),
  ),
};

/**
 * German nationwide public holidays, the default bank-holiday calendar for DORA weekend relief
 * (BaFin FAQ; which Member State's calendar applies is [U], REGULATORY.md §17.3). Regional
 * holidays (e.g. Epiphany, Corpus Christi) are not listed.
 */
const deNational: HolidayCalendar = {
  id: 'de-national',
  name: 'Germany nationwide public holidays',
  coveredYears: [2025, 2028],
  source: 'Federal and Länder holiday laws: nationwide days only; Easter-based days by computus',
  dates: Object.fromEntries(
    [2025, 2026, 2027, 2028]
      .flatMap((y) => [
        [`${y}-01-01`, 'Neujahr'],
        [`${y}-05-01`, 'Tag der Arbeit'],
        [`${y}-10-03`, 'Tag der Deutschen Einheit'],
        [`${y}-12-25`, '1. Weihnachtstag'],
        [`${y}-12-26`, '2. Weihnachtstag'],
      ])
      .concat([
        ['2025-04-18', 'Karfreitag'],
        ['2025-04-21', 'Ostermontag'],
        ['2025-05-29', 'Christi Himmelfahrt'],
        ['2025-06-09', 'Pfingstmontag'],
        ['2026-04-03', 'Karfreitag'],
        ['2026-04-06', 'Ostermontag'],
        ['2026-05-14', 'Christi Himmelfahrt'],
        ['2026-05-25', 'Pfingstmontag'],
        ['2027-03-26', 'Karfreitag'],
        ['2027-03-29', 'Ostermontag'],
        ['2027-05-06', 'Christi Himmelfahrt'],
        ['2027-05-17', 'Pfingstmontag'],
        ['2028-04-14', 'Karfreitag'],
        ['2028-04-17', 'Ostermontag'],
        ['2028-05-25', 'Christi Himmelfahrt'],
        ['2028-06-05', 'Pfingstmontag'],
      ]),
  ),
};

/** Easter Sunday 2025–2028 (Gregorian computus; the tests recompute it). */
const EASTER: Readonly<Record<number, string>> = { 2025: '2025-04-20', 2026: '2026-04-05', 2027: '2027-03-28', 2028: '2028-04-16' };

function easterPlus(year: number, days: number): string {
  const [y, m, d] = EASTER[year]!.split('-').map(Number);
  const ms = Date.UTC(y!, m! - 1, d! + days);
  return new Date(ms).toISOString().slice(0, 10);
}

/** A Member State calendar from fixed 'MM-DD' dates and Easter offsets, 2025–2028. */
function memberState(
  id: HolidayCalendarId,
  name: string,
  source: string,
  fixed: readonly [string, string][],
  easter: readonly [number, string][],
): HolidayCalendar {
  const dates: Record<string, string> = {};
  for (const y of [2025, 2026, 2027, 2028]) {
    for (const [md, label] of fixed) dates[`${y}-${md}`] = label;
    for (const [off, label] of easter) dates[easterPlus(y, off)] = label;
  }
  return { id, name, coveredYears: [2025, 2028], source, dates };
}

/**
 * France: the public holidays of Code du travail L3133-1 except Whit Monday (the "journée de
 * solidarité" may be worked, so it is not a certain closing day and is left out).
 */
const frNational = memberState(
  'fr-national',
  'France public holidays',
  'Code du travail art. L3133-1 (Whit Monday left out: may be worked)',
  [
    ['01-01', "Jour de l'an"],
    ['05-01', 'Fête du Travail'],
    ['05-08', 'Victoire 1945'],
    ['07-14', 'Fête nationale'],
    ['08-15', 'Assomption'],
    ['11-01', 'Toussaint'],
    ['11-11', 'Armistice'],
    ['12-25', 'Noël'],
  ],
  [
    [1, 'Lundi de Pâques'],
    [39, 'Ascension'],
  ],
);

/**
 * Netherlands: the general holidays of the Algemene termijnenwet art. 3 except Liberation Day
 * (5 May; a day off only in lustrum years by collective agreement). King's Day moves to 26 April
 * when 27 April is a Sunday (2025).
 */
const nlNational = memberState(
  'nl-national',
  'Netherlands general holidays',
  'Algemene termijnenwet art. 3 (5 May left out)',
  [
    ['01-01', 'Nieuwjaarsdag'],
    ['12-25', 'Eerste Kerstdag'],
    ['12-26', 'Tweede Kerstdag'],
  ],
  [
    [1, 'Tweede Paasdag'],
    [39, 'Hemelvaartsdag'],
    [50, 'Tweede Pinksterdag'],
  ],
);
Object.assign(nlNational.dates, {
  '2025-04-26': 'Koningsdag',
  '2026-04-27': 'Koningsdag',
  '2027-04-27': 'Koningsdag',
  '2028-04-27': 'Koningsdag',
});

export const holidayCalendars: Readonly<Record<HolidayCalendarId, HolidayCalendar>> = {
  'us-federal': usFederal,
  'br-national': brNational,
  'de-national': deNational,
  'fr-national': frNational,
  'nl-national': nlNational,
};

/** The national calendar Cordon holds for an EU/EEA Member State (ISO 3166-1 alpha-2), if any. */
export const MEMBER_STATE_CALENDARS: Readonly<Partial<Record<string, HolidayCalendarId>>> = {
  DE: 'de-national',
  FR: 'fr-national',
  NL: 'nl-national',
};

/** The holiday's name when `isoDate` ('YYYY-MM-DD') is a listed holiday, else undefined. */
export function holidayName(calendar: HolidayCalendarId, isoDate: string): string | undefined {
  return holidayCalendars[calendar].dates[isoDate];
}

export function isCoveredYear(calendar: HolidayCalendarId, year: number): boolean {
  const [from, to] = holidayCalendars[calendar].coveredYears;
  return year >= from && year <= to;
}
