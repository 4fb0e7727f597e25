/**
 * EU DORA (Reg. (EU) 2022/2554) Art. 19 major ICT-related incident reporting, time limits per
 * RTS (EU) 2025/301 Art. 5 (REGULATORY.md §6). Recipient: the competent authority (Art. 46).
 *
 * Invariants:
 * - Initial notification = min(classification + 4 h, awareness + 24 h); when classification comes
 *   after the 24 h window, classification + 4 h (Art. 5(1)(a), 5(2)) — the `earliestOf` anchor.
 * - Intermediate runs from the submission of the initial notification; final from the submission
 *   of the (latest updated) intermediate report: record each update under 'dora.5.1.b'.
 * - Weekend/bank-holiday relief (noon next working day, Art. 5(4)) is on by default and removed
 *   for initial and intermediate reports of the entity types in Art. 5(5) (`doraObligations`).
 */
import type { HolidayCalendarId, Obligation, ObligationCalendar, Regime } from './types';

/** Default relief calendar: BaFin's FAQ is the [V] source; which Member State applies is [U]. */
export const DORA_DEFAULT_CALENDAR: ObligationCalendar = {
  timeZone: 'Europe/Berlin', holidays: 'de-national', weekendRelief: 'noonNextWorkingDay',
};

const rts = (art: string, tag: 'V' | 'S' = 'V') => [{ ref: `RTS (EU) 2025/301 Art. ${art}`, tag }];
const ALL_REPORTS = ['submissionType', 'entityNameLeiType', 'submittingEntity', 'contactPersons', 'parentUndertaking', 'currency'];

export const doraInitial: Obligation = {
  id: 'dora.5.1.a',
  regime: 'dora',
  title: 'Initial notification of a major ICT-related incident',
  recipient: 'competent-authority',
  anchor: {
    earliestOf: [
      { anchor: 'classification', offset: { amount: 4, unit: 'hours' } },
      { anchor: 'awareness', offset: { amount: 24, unit: 'hours' } },
    ],
    trigger: 'classification',
  },
  offset: null,
  standard: 'fixed',
  phrase: 'as early as possible within 4 hours from classification as major, and no later than 24 hours from awareness',
  calendar: DORA_DEFAULT_CALENDAR,
  content: [...ALL_REPORTS, 'incidentReference', 'detectionAndClassificationTime', 'description', 'classificationCriteria', 'memberStatesImpacted', 'howDiscovered', 'origin', 'bcpActivated'],
  lateRequires: ['explanationBeforeLimit'],
  condition: 'incident classified as major (Art. 18, RTS 2024/1772)',
  certainty: 'V',
  sources: [...rts('5(1)(a)'), ...rts('5(2)', 'S'), ...rts('2')],
  effectiveFrom: '2025-01-17',
};

export const doraIntermediate: Obligation = {
  id: 'dora.5.1.b',
  regime: 'dora',
  title: 'Intermediate report',
  recipient: 'competent-authority',
  anchor: 'submitted:dora.5.1.a',
  offset: { amount: 72, unit: 'hours' },
  standard: 'fixed',
  phrase: 'at the latest within 72 hours from the submission of the initial notification',
  calendar: DORA_DEFAULT_CALENDAR,
  content: [...ALL_REPORTS, 'occurrenceTime', 'recoveryStatus', 'incidentType', 'threatsAndTechniques', 'affectedAreasAndInfrastructure', 'clientImpact', 'otherAuthorities', 'temporaryActions', 'indicatorsOfCompromise'],
  lateRequires: ['explanationBeforeLimit'],
  certainty: 'V',
  sources: [...rts('5(1)(b)'), ...rts('3', 'S')],
  effectiveFrom: '2025-01-17',
};

export const doraIntermediateUpdate: Obligation = {
  id: 'dora.5.1.b-upd',
  regime: 'dora',
  title: 'Updated intermediate report on recovery',
  recipient: 'competent-authority',
  anchor: 'recovery',
  offset: null,
  standard: 'qualitative',
  phrase: 'without undue delay, and in any case when regular activities have been recovered',
  calendar: DORA_DEFAULT_CALENDAR,
  content: [...ALL_REPORTS, 'recoveryStatus'],
  certainty: 'V',
  sources: rts('5(1)(b)'),
};

export const doraFinal: Obligation = {
  id: 'dora.5.1.c',
  regime: 'dora',
  title: 'Final report',
  recipient: 'competent-authority',
  anchor: 'submitted:dora.5.1.b',
  offset: { amount: 1, unit: 'calendarMonths' },
  standard: 'fixed',
  phrase: 'no later than one month from the submission of the intermediate report or the latest updated intermediate report',
  calendar: DORA_DEFAULT_CALENDAR,
  content: [...ALL_REPORTS, 'rootCauses', 'resolvedAt', 'resolutionInformation', 'costsAndLosses', 'recurringIncidents'],
  lateRequires: ['explanationBeforeLimit'],
  certainty: 'V',
  sources: [...rts('5(1)(c)'), ...rts('4')],
  effectiveFrom: '2025-01-17',
};

export const doraRegime: Regime = {
  id: 'dora',
  name: 'EU DORA Art. 19 (RTS 2025/301)',
  jurisdiction: 'EU (Reg. (EU) 2022/2554)',
  trigger: 'ICT-related incident classified as major (Art. 18 + RTS 2024/1772)',
  obligations: [doraInitial, doraIntermediate, doraIntermediateUpdate, doraFinal],
};

/** Art. 5(5) [V existence, S list]: no relief for initial + intermediate reports of these. */
export type DoraEntityType = 'credit-institution' | 'ccp' | 'trading-venue' | 'nis2-entity' | 'other';
const NO_RELIEF: readonly DoraEntityType[] = ['credit-institution', 'ccp', 'trading-venue', 'nis2-entity'];

/**
 * The DORA obligations for one entity. `timeZone`/`holidays` select the competent authority's
 * bank-holiday calendar; the final report keeps the relief for every entity type.
 */
export function doraObligations(opts: { entityType?: DoraEntityType; timeZone?: string; holidays?: HolidayCalendarId } = {}): Obligation[] {
  const noRelief = NO_RELIEF.includes(opts.entityType ?? 'other');
  return doraRegime.obligations.map((o) => {
    const calendar: ObligationCalendar = {
      ...o.calendar,
      ...(opts.timeZone ? { timeZone: opts.timeZone } : {}),
      ...(opts.holidays ? { holidays: opts.holidays } : {}),
    };
    if (noRelief && (o.id === doraInitial.id || o.id === doraIntermediate.id)) delete calendar.weekendRelief;
    return { ...o, calendar };
  });
}
