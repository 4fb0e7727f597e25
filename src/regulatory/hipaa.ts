/**
 * US HIPAA Breach Notification Rule, 45 CFR 164.400–414 (REGULATORY.md §7): breaches of
 * unsecured protected health information, clock from discovery (164.404(a)(2)).
 *
 * Invariants: all periods are calendar days, counted from the local date of discovery and ending
 * at the end of day 60 in America/New_York (the easternmost mainland zone, so the earliest end of
 * day — conservative). "Without unreasonable delay" applies inside the 60-day outer limit.
 * Thresholds differ: HHS contemporaneous notice at 500 *or more* individuals, media notice at
 * *more than* 500 residents of one State (§17.10).
 */
import type { Obligation, Regime } from './types';

const cal = { timeZone: 'America/New_York' };
const days60 = { amount: 60, unit: 'calendarDays' as const };
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
};

export const hipaaRegime: Regime = {
  id: 'hipaa',
  name: 'US HIPAA Breach Notification Rule',
  jurisdiction: 'US federal (covered entities, business associates)',
  trigger: 'breach of unsecured PHI (presumed unless a 4-factor assessment shows low probability of compromise)',
  obligations: [hipaaIndividuals, hipaaMedia, hipaaHhsLarge, hipaaHhsAnnual, hipaaBusinessAssociate],
};
