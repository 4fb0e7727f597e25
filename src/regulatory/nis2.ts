/**
 * EU NIS2 Directive (2022/2555) Art. 23 incident reporting (REGULATORY.md §5), for essential and
 * important entities, to the national CSIRT or competent authority.
 *
 * Invariants: every NIS2 duty waits for the incident to be classified significant (Art. 23(3));
 * the 24 h / 72 h clocks run from `nis2Awareness`, the entity's awareness of the *significant*
 * incident, never from GDPR's awareness. The final report runs from the *submission* of the 72 h
 * incident notification (`submitted:nis2.23.4.b`); its "one month" is calendar-month arithmetic
 * ending in the CSIRT's zone (§17.6). A progress report may stand in for the final report while
 * the incident is ongoing; the final report is then due one month after handling (23(4)(e)).
 * Trust service providers use the 24 h notification variant; `nis2Obligations` picks it.
 */
import { EU_DEFAULT_ZONE } from './gdpr';
import type { Obligation, Regime } from './types';

const cal = { timeZone: EU_DEFAULT_ZONE };
const src = (ref: string) => [{ ref: `NIS2 Art. 23(${ref})`, tag: 'V' as const }];
const AWARE_QUESTION =
  'Whether the entity "becomes aware of the significant incident" at detection or only once it assesses the incident as significant is not settled (Art. 23(4)); until an awareness instant is recorded with the classification, Cordon counts from the first alert.';
const FINAL_CONTENT = ['detailedDescription', 'severityAndImpact', 'threatTypeOrRootCause', 'mitigationMeasures', 'crossBorderImpact'];

export const nis2EarlyWarning: Obligation = {
  id: 'nis2.23.4.a',
  regime: 'nis2',
  title: 'Early warning to the CSIRT / competent authority',
  recipient: 'csirt',
  anchor: 'nis2Awareness',
  offset: { amount: 24, unit: 'hours' },
  standard: 'fixed',
  phrase: 'without undue delay and in any event within 24 hours of becoming aware of the significant incident',
  calendar: cal,
  content: ['suspectedUnlawfulOrMalicious', 'possibleCrossBorderImpact'],
  certainty: 'V',
  sources: src('4)(a'),
  classification: 'nis2-significant',
  openQuestions: [AWARE_QUESTION],
};

export const nis2Notification: Obligation = {
  id: 'nis2.23.4.b',
  regime: 'nis2',
  title: 'Incident notification',
  recipient: 'csirt',
  anchor: 'nis2Awareness',
  offset: { amount: 72, unit: 'hours' },
  standard: 'fixed',
  phrase: 'without undue delay and in any event within 72 hours of becoming aware of the significant incident',
  calendar: cal,
  content: ['earlyWarningUpdate', 'initialAssessment', 'severityAndImpact', 'indicatorsOfCompromise'],
  certainty: 'V',
  sources: src('4)(b'),
  classification: 'nis2-significant',
  openQuestions: [AWARE_QUESTION],
};

/** Art. 23(4) second subparagraph: trust service providers notify within 24 h. Same id on purpose. */
export const nis2NotificationTrustService: Obligation = {
  ...nis2Notification,
  title: 'Incident notification (trust service provider)',
  offset: { amount: 24, unit: 'hours' },
  phrase: 'in any event within 24 hours of becoming aware of the significant incident (trust services)',
  condition: 'incident affects the provision of trust services',
};

export const nis2Intermediate: Obligation = {
  id: 'nis2.23.4.c',
  regime: 'nis2',
  title: 'Intermediate report on request',
  recipient: 'csirt',
  anchor: 'request',
  offset: null,
  standard: 'qualitative',
  phrase: 'upon the request of a CSIRT or, where relevant, the competent authority',
  calendar: cal,
  content: ['statusUpdates'],
  condition: 'only when requested',
  certainty: 'V',
  sources: src('4)(c'),
  classification: 'nis2-significant',
};

export const nis2Final: Obligation = {
  id: 'nis2.23.4.d',
  regime: 'nis2',
  title: 'Final report',
  recipient: 'csirt',
  anchor: 'submitted:nis2.23.4.b',
  offset: { amount: 1, unit: 'calendarMonths' },
  standard: 'fixed',
  phrase: 'not later than one month after the submission of the incident notification',
  calendar: cal,
  content: FINAL_CONTENT,
  condition: 'if the incident is still ongoing then, submit a progress report instead (phase "progress", 23(4)(e))',
  certainty: 'V',
  sources: src('4)(d'),
  classification: 'nis2-significant',
  acceptsProgressReport: true,
};

export const nis2FinalAfterHandling: Obligation = {
  id: 'nis2.23.4.e',
  regime: 'nis2',
  title: 'Final report after a progress report (incident was ongoing)',
  recipient: 'csirt',
  anchor: 'handled',
  requires: ['progressReported'],
  offset: { amount: 1, unit: 'calendarMonths' },
  standard: 'fixed',
  phrase: 'within one month of their handling of the incident',
  calendar: cal,
  content: FINAL_CONTENT,
  condition: 'a progress report replaced the final report because the incident was ongoing',
  certainty: 'V',
  sources: src('4)(e'),
  classification: 'nis2-significant',
};

export const nis2ServiceRecipients: Obligation = {
  id: 'nis2.23.1',
  regime: 'nis2',
  title: 'Notify recipients of the services',
  recipient: 'service-recipients',
  anchor: 'nis2Awareness',
  offset: null,
  standard: 'qualitative',
  phrase: 'without undue delay, where appropriate',
  calendar: cal,
  content: ['significantIncidentLikelyToAffectService', 'measuresRecipientsCanTake'],
  condition: 'significant incident likely to adversely affect the provision of the services',
  certainty: 'V',
  sources: [...src('1'), ...src('2')],
  classification: 'nis2-significant',
};

export const nis2Regime: Regime = {
  id: 'nis2',
  name: 'EU NIS2 Art. 23',
  jurisdiction: 'EU (Directive (EU) 2022/2555, national transpositions)',
  trigger: 'significant incident (Art. 23(3))',
  obligations: [nis2EarlyWarning, nis2Notification, nis2Intermediate, nis2Final, nis2FinalAfterHandling, nis2ServiceRecipients],
};

/** The 72 h notification, or its 24 h variant for trust service providers. */
export function nis2Obligations(trustServiceProvider: boolean): Obligation[] {
  return nis2Regime.obligations.map((o) => (trustServiceProvider && o.id === nis2Notification.id ? nis2NotificationTrustService : o));
}
