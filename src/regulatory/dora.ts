/**
 * EU DORA (Reg. (EU) 2022/2554) Art. 19 major ICT-related incident reporting, time limits per
 * RTS (EU) 2025/301 Art. 5 (REGULATORY.md §6). Recipient: the competent authority (Art. 46).
 *
 * Invariants:
 * - Initial notification = min(classification + 4 h, awareness of the ICT-related incident + 24 h);
 *   when classification comes after the 24 h window, classification + 4 h (Art. 5(1)(a), 5(2)).
 *   The awareness here is DORA's own (`doraAwareness`), not GDPR's.
 * - Intermediate runs from the submission of the initial notification; the final report from the
 *   *latest* (updated) intermediate report (Art. 5(1)(c)): `latestSubmitted:dora.5.1.b`, and
 *   updated intermediate reports (`dora.5.1.b-upd`) count as updates of `dora.5.1.b`.
 * - Weekend/bank-holiday relief (noon next working day, Art. 5(4)) on the competent authority's
 *   Member State calendar; removed for initial and intermediate reports of the entity types in
 *   Art. 5(5), of NIS2 entities, where the authority withdrew it (5(6)), and while the entity type
 *   is not configured (the earlier deadline is the safe one). Final reports keep it.
 */
import type { HolidayCalendarId, Obligation, ObligationCalendar, Regime } from './types';

/** Relief calendar when no competent authority is configured: BaFin's FAQ is the [V] source. */
export const DORA_DEFAULT_CALENDAR: ObligationCalendar = {
  timeZone: 'Europe/Berlin',
  holidays: 'de-national',
  weekendRelief: 'noonNextWorkingDay',
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
      { anchor: 'doraAwareness', offset: { amount: 24, unit: 'hours' } },
    ],
    trigger: 'classification',
  },
  offset: null,
  standard: 'fixed',
  phrase: 'as early as possible within 4 hours from classification as major, and no later than 24 hours from awareness',
  calendar: DORA_DEFAULT_CALENDAR,
  content: [
    ...ALL_REPORTS,
    'incidentReference',
    'detectionAndClassificationTime',
    'description',
    'classificationCriteria',
    'memberStatesImpacted',
    'howDiscovered',
    'origin',
    'bcpActivated',
  ],
  lateRequires: ['explanationBeforeLimit'],
  condition: 'incident classified as major (Art. 18, RTS 2024/1772)',
  certainty: 'V',
  sources: [...rts('5(1)(a)'), ...rts('5(2)', 'S'), ...rts('2')],
  effectiveFrom: '2025-01-17',
  classification: 'dora-major',
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
  content: [
    ...ALL_REPORTS,
    'occurrenceTime',
    'recoveryStatus',
    'incidentType',
    'threatsAndTechniques',
    'affectedAreasAndInfrastructure',
    'clientImpact',
    'otherAuthorities',
    'temporaryActions',
    'indicatorsOfCompromise',
  ],
  lateRequires: ['explanationBeforeLimit'],
  certainty: 'V',
  sources: [...rts('5(1)(b)'), ...rts('3', 'S')],
  effectiveFrom: '2025-01-17',
  classification: 'dora-major',
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
  classification: 'dora-major',
  updatesOf: 'dora.5.1.b',
};

export const doraFinal: Obligation = {
  id: 'dora.5.1.c',
  regime: 'dora',
  title: 'Final report',
  recipient: 'competent-authority',
  anchor: 'latestSubmitted:dora.5.1.b',
  offset: { amount: 1, unit: 'calendarMonths' },
  standard: 'fixed',
  phrase: 'no later than one month from the submission of the intermediate report or the latest updated intermediate report',
  calendar: DORA_DEFAULT_CALENDAR,
  content: [...ALL_REPORTS, 'rootCauses', 'resolvedAt', 'resolutionInformation', 'costsAndLosses', 'recurringIncidents'],
  lateRequires: ['explanationBeforeLimit'],
  certainty: 'V',
  sources: [...rts('5(1)(c)'), ...rts('4')],
  effectiveFrom: '2025-01-17',
  classification: 'dora-major',
  openQuestions: [
    'Whether an updated intermediate report made before recovery restarts the month is read from Art. 5(1)(c) "latest updated intermediate report": Cordon restarts it from every update recorded.',
  ],
};

export const doraRegime: Regime = {
  id: 'dora',
  name: 'EU DORA Art. 19 (RTS 2025/301)',
  jurisdiction: 'EU (Reg. (EU) 2022/2554)',
  trigger: 'ICT-related incident classified as major (Art. 18 + RTS 2024/1772)',
  obligations: [doraInitial, doraIntermediate, doraIntermediateUpdate, doraFinal],
};

/**
 * Financial entities of DORA Art. 2(1)(a)–(t) (not in REGULATORY.md: taken from the regulation's
 * scope article, [U] until checked), plus 'unspecified' while the profile does not say.
 */
export const DORA_ENTITY_TYPES = [
  'credit-institution',
  'payment-institution',
  'account-information-service-provider',
  'electronic-money-institution',
  'investment-firm',
  'crypto-asset-service-provider',
  'issuer-of-asset-referenced-tokens',
  'central-securities-depository',
  'ccp',
  'trading-venue',
  'trade-repository',
  'aifm',
  'ucits-management-company',
  'data-reporting-service-provider',
  'insurance-undertaking',
  'reinsurance-undertaking',
  'insurance-intermediary',
  'iorp',
  'credit-rating-agency',
  'critical-benchmark-administrator',
  'crowdfunding-service-provider',
  'securitisation-repository',
  'unspecified',
] as const;
export type DoraEntityType = (typeof DORA_ENTITY_TYPES)[number];

/** Art. 5(5) [V existence, S list]: no relief for initial + intermediate reports of these. */
export const DORA_NO_RELIEF: readonly DoraEntityType[] = ['credit-institution', 'ccp', 'trading-venue'];

export interface DoraOptions {
  entityType?: DoraEntityType;
  /** Also an essential or important entity under NIS2 (Art. 5(5)). */
  nis2Entity?: boolean;
  /** The competent authority withdrew the relief by notice (Art. 5(6), [S]). */
  reliefWithdrawn?: boolean;
  timeZone?: string;
  holidays?: HolidayCalendarId;
}

/** Why the initial/intermediate reports get no weekend relief, or undefined when they do. */
export function doraNoReliefReason(o: DoraOptions): string | undefined {
  const type = o.entityType ?? 'unspecified';
  if (DORA_NO_RELIEF.includes(type)) return `${type}: no relief for initial and intermediate reports (RTS 2025/301 Art. 5(5))`;
  if (o.nis2Entity) return 'also a NIS2 essential or important entity: no relief (RTS 2025/301 Art. 5(5))';
  if (o.reliefWithdrawn) return 'relief withdrawn by the competent authority (RTS 2025/301 Art. 5(6))';
  if (type === 'unspecified') return 'DORA entity type not configured: relief not applied (the earlier deadline is the safe one)';
  return undefined;
}

/**
 * The DORA obligations for one entity. `timeZone`/`holidays` select the competent authority's
 * bank-holiday calendar; the final report keeps the relief for every entity type.
 */
export function doraObligations(opts: DoraOptions = {}): Obligation[] {
  const noRelief = doraNoReliefReason(opts);
  return doraRegime.obligations.map((o) => {
    const calendar: ObligationCalendar = { ...o.calendar, ...(opts.timeZone ? { timeZone: opts.timeZone } : {}) };
    // An authority's zone without a calendar Cordon holds: weekends only (a holiday missed moves no limit later).
    if (opts.holidays) calendar.holidays = opts.holidays;
    else if (opts.timeZone) delete calendar.holidays;
    if (noRelief && (o.id === doraInitial.id || o.id === doraIntermediate.id)) {
      delete calendar.weekendRelief;
      return { ...o, calendar, notes: noRelief };
    }
    return { ...o, calendar };
  });
}
