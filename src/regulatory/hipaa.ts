/**
 * US HIPAA Breach Notification Rule, 45 CFR 164.400–414 (REGULATORY.md §7): breaches of
 * unsecured protected health information, clock from discovery (164.404(a)(2)).
 *
 * Invariants: all periods are calendar days, counted from the local date of discovery and ending
 * at the end of day 60 in the covered entity's (or business associate's) own zone, which the
 * entity profile sets (America/New_York is only the stated default: no single zone is always
 * the earlier one). "Without unreasonable delay" applies inside the 60-day outer limit.
 * Thresholds differ: HHS contemporaneous notice at 500 *or more* individuals in total, media
 * notice at *more than* 500 residents of one State (§17.10). A law-enforcement statement pauses
 * the clocks (164.412): written, for the period it specifies; oral, at most 30 days.
 */
import type { Obligation, Regime } from './types';

const cal = { timeZone: 'America/New_York' };
const days60 = { amount: 60, unit: 'calendarDays' as const };
const delay = { oralMaxDays: 30, source: { ref: '45 CFR 164.412', tag: 'V' as const } };
const NOTICE_CONTENT = ['whatHappenedWithDates', 'typesOfPhi', 'stepsIndividualsShouldTake', 'whatEntityIsDoing', 'contactProcedures'];

export const hipaaIndividuals: Obligation = {
  id: 'hipaa.164.404',
  regime: 'hipaa',
  title: 'Notify each affected individual',
  recipient: 'individuals',
  anchor: 'discovery',
  offset: days60,
  standard: 'fixed',
  phrase: 'without unreasonable delay and in no case later than 60 calendar days after discovery of a breach',
  calendar: cal,
  content: NOTICE_CONTENT,
  condition: 'covered entity',
  certainty: 'V',
  sources: [{ ref: '45 CFR 164.404(b), (c)', tag: 'V' }],
  lawEnforcementDelay: delay,
};

export const hipaaMedia: Obligation = {
  id: 'hipaa.164.406',
  regime: 'hipaa',
  title: 'Notify prominent media outlets serving the State',
  recipient: 'media',
  anchor: 'discovery',
  offset: days60,
  standard: 'fixed',
  phrase: 'without unreasonable delay and in no case later than 60 calendar days after discovery',
  calendar: cal,
  content: NOTICE_CONTENT,
  condition: 'more than 500 residents of a State or jurisdiction',
  certainty: 'V',
  sources: [{ ref: '45 CFR 164.406', tag: 'V' }],
  lawEnforcementDelay: delay,
};

export const hipaaHhsLarge: Obligation = {
  id: 'hipaa.164.408.b',
  regime: 'hipaa',
  title: 'Notify the HHS Secretary (500 or more individuals)',
  recipient: 'hhs',
  anchor: 'discovery',
  offset: days60,
  standard: 'fixed',
  phrase: 'contemporaneously with the notice to individuals',
  calendar: cal,
  content: ['hhsPortalForm'],
  condition: '500 or more individuals',
  certainty: 'V',
  sources: [{ ref: '45 CFR 164.408(b)', tag: 'V' }],
  lawEnforcementDelay: delay,
};

export const hipaaHhsAnnual: Obligation = {
  id: 'hipaa.164.408.c',
  regime: 'hipaa',
  title: 'Annual log submission to HHS (fewer than 500 individuals)',
  recipient: 'hhs',
  anchor: 'yearEnd:discovery',
  offset: days60,
  standard: 'fixed',
  phrase: 'not later than 60 days after the end of each calendar year',
  calendar: cal,
  content: ['hhsPortalForm', 'breachLog'],
  condition: 'fewer than 500 individuals',
  certainty: 'V',
  sources: [{ ref: '45 CFR 164.408(c)', tag: 'V' }],
};

export const hipaaBusinessAssociate: Obligation = {
  id: 'hipaa.164.410',
  regime: 'hipaa',
  title: 'Business associate notifies the covered entity',
  recipient: 'covered-entity',
  anchor: 'discovery',
  offset: days60,
  standard: 'fixed',
  phrase: 'without unreasonable delay and in no case later than 60 calendar days after discovery',
  calendar: cal,
  content: ['identitiesOfAffectedIndividuals', 'availableFacts'],
  condition: 'acting as business associate',
  certainty: 'S',
  sources: [{ ref: '45 CFR 164.410', tag: 'S' }],
  lawEnforcementDelay: delay,
};

/** The HIPAA obligations with their period ending in the entity's own zone. */
export function hipaaInZone(obligations: readonly Obligation[], timeZone: string): Obligation[] {
  return obligations.map((o) => ({ ...o, calendar: { ...o.calendar, timeZone } }));
}

export const hipaaRegime: Regime = {
  id: 'hipaa',
  name: 'US HIPAA Breach Notification Rule',
  jurisdiction: 'US federal (covered entities, business associates)',
  trigger: 'breach of unsecured PHI (presumed unless a 4-factor assessment shows low probability of compromise)',
  obligations: [hipaaIndividuals, hipaaMedia, hipaaHhsLarge, hipaaHhsAnnual, hipaaBusinessAssociate],
};
