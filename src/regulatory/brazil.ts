/**
 * Brazil LGPD Art. 48 + ANPD Resolution CD/ANPD nº 15/2024 (REGULATORY.md §13).
 *
 * Invariants: periods are *dias úteis* (business days) on the national holiday calendar in
 * America/Sao_Paulo, counted from the controller's knowledge that the incident affected personal
 * data (the majority reading; one source says occurrence). Small processing agents get doubled
 * deadlines for the ANPD and data-subject communications ([S]); the 20-day supplement is kept at
 * 20 because doubling it is not confirmed (the shorter period is the safe one).
 */
import type { Obligation, ObligationCalendar, Regime } from './types';

const cal: ObligationCalendar = { timeZone: 'America/Sao_Paulo', holidays: 'br-national' };
const days = (amount: number) => ({ amount, unit: 'businessDays' as const });
const LGPD_CONTENT = ['natureOfData', 'dataSubjects', 'securityMeasures', 'risks', 'reasonsForDelay', 'measuresAdopted'];

export const brAnpd: Obligation = {
  id: 'br.res15.anpd',
  regime: 'br-lgpd',
  title: 'Communicate the incident to the ANPD',
  recipient: 'anpd',
  anchor: 'awareness',
  offset: days(3),
  standard: 'fixed',
  phrase: 'within 3 business days from knowledge that the incident affected personal data',
  calendar: cal,
  content: [...LGPD_CONTENT, 'dpoLinkEvidence'],
  lateRequires: ['reasonsForDelay'],
  condition: 'relevant risk or damage to data subjects',
  certainty: 'S',
  sources: [
    { ref: 'Resolução CD/ANPD nº 15/2024 art. 6', tag: 'S' },
    { ref: 'LGPD Art. 48 §1 (content)', tag: 'U' },
  ],
};

export const brDataSubjects: Obligation = {
  id: 'br.res15.subjects',
  regime: 'br-lgpd',
  title: 'Communicate the incident to affected data subjects',
  recipient: 'data-subjects',
  anchor: 'awareness',
  offset: days(3),
  standard: 'fixed',
  phrase: 'within 3 business days from knowledge that the incident affected personal data',
  calendar: cal,
  content: LGPD_CONTENT,
  condition: 'relevant risk or damage; if individual notice is impossible, public notice kept ≥ 90 days',
  certainty: 'S',
  sources: [{ ref: 'Resolução CD/ANPD nº 15/2024 art. 9', tag: 'S' }],
};

export const brSupplement: Obligation = {
  id: 'br.res15.supplement',
  regime: 'br-lgpd',
  title: 'Supplementary information to the ANPD',
  recipient: 'anpd',
  anchor: `submitted:${brAnpd.id}`,
  offset: days(20),
  standard: 'fixed',
  phrase: 'within 20 business days from the communication',
  calendar: cal,
  content: LGPD_CONTENT,
  certainty: 'S',
  sources: [{ ref: 'Resolução CD/ANPD nº 15/2024 art. 6 §3', tag: 'S' }],
};

export const brazilRegime: Regime = {
  id: 'br-lgpd',
  name: 'Brazil LGPD Art. 48 / ANPD Resolution 15/2024',
  jurisdiction: 'Brazil',
  trigger: 'security incident that may cause relevant risk or damage to data subjects',
  obligations: [brAnpd, brDataSubjects, brSupplement],
  retention: 'record of all incidents kept ≥ 5 years (Res. 15 art. 10) [S]',
};

/** The Brazilian obligations, with doubled ANPD/data-subject periods for small processing agents. */
export function brazilObligations(smallProcessingAgent: boolean): Obligation[] {
  if (!smallProcessingAgent) return [...brazilRegime.obligations];
  return brazilRegime.obligations.map((o) =>
    o.id === brSupplement.id || !o.offset
      ? o
      : { ...o, offset: days(o.offset.amount * 2), condition: `${o.condition}; small processing agent (doubled)` },
  );
}
