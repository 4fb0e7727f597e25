/**
 * US state breach-notification laws: California, Texas, New York (REGULATORY.md §9), plus the
 * NY DFS Cybersecurity Regulation 23 NYCRR 500.17 (72 h, financial sector).
 *
 * Invariants: state periods are calendar days counted from the local date of the anchor in the
 * state's zone, ending at the end of the last day; they apply by residence of the affected people.
 * Regulator copies chained to the individual notice (California AG) have no due instant until
 * that notice is recorded as submitted. Where the statute allows a law-enforcement delay, it is a
 * documented, time-boxed pause of the clock. NYDFS clocks run from the covered entity's own
 * determination (classification `nydfs-cybersecurity-incident`) and from an extortion payment.
 */
import type { Obligation, Regime } from './types';

const ca = { timeZone: 'America/Los_Angeles' };
const tx = { timeZone: 'America/Chicago' };
const ny = { timeZone: 'America/New_York' };
const INDIVIDUAL_NOTICE = ['whatHappened', 'typesOfInformation', 'whatWeAreDoing', 'whatYouCanDo', 'contact'];

export const caIndividuals: Obligation = {
  id: 'us-ca.1798.82.individuals',
  regime: 'us-ca',
  title: 'Notify affected California residents',
  recipient: 'individuals',
  anchor: 'discovery',
  offset: { amount: 30, unit: 'calendarDays' },
  standard: 'fixed',
  phrase: 'within 30 calendar days of discovery or notification of the breach',
  calendar: ca,
  content: INDIVIDUAL_NOTICE,
  condition: 'delay allowed for law enforcement or to determine scope/restore integrity',
  lawEnforcementDelay: { source: { ref: 'Cal. Civ. Code §1798.82 (law-enforcement delay; REGULATORY.md §9)', tag: 'S' } },
  certainty: 'S',
  sources: [{ ref: 'Cal. Civ. Code §1798.82 as amended by SB 446', tag: 'S' }],
  effectiveFrom: '2026-01-01',
};

export const caAttorneyGeneral: Obligation = {
  id: 'us-ca.1798.82.ag',
  regime: 'us-ca',
  title: 'Submit a sample notice to the California Attorney General',
  recipient: 'attorney-general',
  anchor: `submitted:${caIndividuals.id}`,
  offset: { amount: 15, unit: 'calendarDays' },
  standard: 'fixed',
  phrase: 'within 15 calendar days after notifying affected individuals',
  calendar: ca,
  content: ['sampleNotice'],
  condition: 'more than 500 California residents notified',
  certainty: 'S',
  sources: [{ ref: 'Cal. Civ. Code §1798.82(f) as amended by SB 446', tag: 'S' }],
  effectiveFrom: '2026-01-01',
};

export const txIndividuals: Obligation = {
  id: 'us-tx.521.053.individuals',
  regime: 'us-tx',
  title: 'Notify affected individuals (Texas)',
  recipient: 'individuals',
  anchor: 'determination',
  offset: { amount: 60, unit: 'calendarDays' },
  standard: 'fixed',
  phrase:
    'without unreasonable delay and not later than the 60th day after the date on which the person determines that the breach occurred',
  calendar: tx,
  content: INDIVIDUAL_NOTICE,
  certainty: 'V',
  sources: [{ ref: 'Tex. Bus. & Com. Code §521.053(b)', tag: 'V' }],
};

export const txAttorneyGeneral: Obligation = {
  id: 'us-tx.521.053.ag',
  regime: 'us-tx',
  title: 'Notify the Texas Attorney General',
  recipient: 'attorney-general',
  anchor: 'determination',
  offset: { amount: 30, unit: 'calendarDays' },
  standard: 'fixed',
  phrase: 'not later than the 30th day after the date on which the person determines that the breach occurred',
  calendar: tx,
  content: ['agForm'],
  condition: 'at least 250 Texas residents affected',
  certainty: 'S',
  sources: [{ ref: 'Tex. Bus. & Com. Code §521.053(i)', tag: 'S' }],
};

export const nyIndividuals: Obligation = {
  id: 'us-ny.899-aa.individuals',
  regime: 'us-ny',
  title: 'Notify affected New York residents',
  recipient: 'individuals',
  anchor: 'discovery',
  offset: { amount: 30, unit: 'calendarDays' },
  standard: 'fixed',
  phrase: 'in the most expedient time possible and without unreasonable delay, within 30 days after the breach has been discovered',
  calendar: ny,
  content: INDIVIDUAL_NOTICE,
  condition: 'delay allowed only for law enforcement',
  lawEnforcementDelay: { source: { ref: 'N.Y. Gen. Bus. Law §899-aa (law-enforcement delay retained; REGULATORY.md §9)', tag: 'S' } },
  certainty: 'S',
  sources: [{ ref: 'N.Y. Gen. Bus. Law §899-aa(2) (amended Dec 2024)', tag: 'S' }],
};

export const nyRegulators: Obligation = {
  id: 'us-ny.899-aa.regulators',
  regime: 'us-ny',
  title: 'Notify the NY Attorney General, Department of State, State Police (and DFS)',
  recipient: 'state-regulators',
  anchor: `submitted:${nyIndividuals.id}`,
  offset: null,
  standard: 'qualitative',
  phrase: 'when New York residents are notified: timing, content and distribution of the notices and approximate number affected',
  calendar: ny,
  content: ['timingOfNotices', 'contentOfNotices', 'distribution', 'approximateNumberAffected'],
  certainty: 'S',
  sources: [{ ref: 'N.Y. Gen. Bus. Law §899-aa(8)', tag: 'S' }],
};

export const nydfs: Obligation = {
  id: 'us-ny.nydfs.500.17',
  regime: 'us-ny',
  title: 'Notify the NY DFS Superintendent',
  recipient: 'nydfs',
  anchor: 'nydfsDetermination',
  offset: { amount: 72, unit: 'hours' },
  standard: 'fixed',
  phrase: 'as promptly as possible but in no event later than 72 hours after determining that a cybersecurity incident has occurred',
  calendar: ny,
  content: ['incidentInformation'],
  condition: 'DFS-regulated covered entity; incident at the entity, an affiliate or a third-party service provider',
  certainty: 'V',
  sources: [{ ref: '23 NYCRR 500.17(a)', tag: 'V' }],
  classification: 'nydfs-cybersecurity-incident',
};

const EXTORTION_TEXT = 'exact current text of 500.17(c) [U] (REGULATORY.md §9)';

export const nydfsExtortionNotice: Obligation = {
  id: 'us-ny.nydfs.500.17.c.notice',
  regime: 'us-ny',
  title: 'Notify the NY DFS Superintendent of an extortion payment',
  recipient: 'nydfs',
  anchor: 'extortionPayment',
  offset: { amount: 24, unit: 'hours' },
  standard: 'fixed',
  phrase: 'within 24 hours of the extortion payment',
  calendar: ny,
  content: ['paymentMade'],
  condition: 'DFS-regulated covered entity made an extortion payment in connection with a cybersecurity event',
  certainty: 'S',
  sources: [{ ref: '23 NYCRR 500.17(c) (securit360 summary of the 2023 amendment)', tag: 'S' }],
  notes: EXTORTION_TEXT,
};

export const nydfsExtortionJustification: Obligation = {
  id: 'us-ny.nydfs.500.17.c.justification',
  regime: 'us-ny',
  title: 'Written justification of the extortion payment',
  recipient: 'nydfs',
  anchor: 'extortionPayment',
  offset: { amount: 30, unit: 'calendarDays' },
  standard: 'fixed',
  phrase: 'a written justification within 30 days of the extortion payment',
  calendar: ny,
  content: ['justification'],
  condition: 'an extortion payment was made',
  certainty: 'S',
  sources: [{ ref: '23 NYCRR 500.17(c) (securit360 summary of the 2023 amendment)', tag: 'S' }],
  notes: EXTORTION_TEXT,
};

export const californiaRegime: Regime = {
  id: 'us-ca',
  name: 'California Civ. Code §1798.82',
  jurisdiction: 'US-CA',
  trigger: 'breach of unencrypted personal information of California residents',
  obligations: [caIndividuals, caAttorneyGeneral],
};

export const texasRegime: Regime = {
  id: 'us-tx',
  name: 'Texas Bus. & Com. Code §521.053',
  jurisdiction: 'US-TX',
  trigger: 'breach of system security involving sensitive personal information of Texas residents',
  obligations: [txIndividuals, txAttorneyGeneral],
};

export const newYorkRegime: Regime = {
  id: 'us-ny',
  name: 'New York GBL §899-aa and 23 NYCRR 500.17',
  jurisdiction: 'US-NY',
  trigger: 'breach of private information of New York residents; cybersecurity incident at a DFS covered entity',
  obligations: [nyIndividuals, nyRegulators, nydfs, nydfsExtortionNotice, nydfsExtortionJustification],
};
