/**
 * US SEC Form 8-K Item 1.05, material cybersecurity incidents (REGULATORY.md §8).
 *
 * Invariants: four *business* days after the materiality determination, counted on the SEC's
 * calendar (US federal holidays) in America/New_York; an event on a weekend/holiday starts the
 * count on the next business day (General Instruction B.1, handled by deadlines.ts). The last day
 * ends at 17:30 ET because later EDGAR submissions are generally dated the next business day
 * ([S], single source) — the conservative reading. The filing duty arises from the registrant's
 * materiality determination (classification `sec-material`); recording that determination, yes
 * or no, fulfils the duty to determine. A national-security / public-safety delay (1.05(c)) is a
 * documented, time-boxed pause of the 8-K clock (≤ 30 days per Attorney General notice).
 */
import type { Obligation, ObligationCalendar, Regime } from './types';

export const SEC_CALENDAR: ObligationCalendar = { timeZone: 'America/New_York', holidays: 'us-federal', dayEnd: '17:30' };

export const secMateriality: Obligation = {
  id: 'sec.materiality',
  regime: 'sec',
  title: 'Determine whether the incident is material',
  recipient: 'internal',
  anchor: 'discovery',
  offset: null,
  standard: 'qualitative',
  phrase: 'without unreasonable delay after discovery of the incident',
  calendar: SEC_CALENDAR,
  content: ['materialityAssessment'],
  certainty: 'S',
  sources: [{ ref: 'Form 8-K Item 1.05 Instruction 1; Release 33-11216', tag: 'S' }],
  decidedBy: 'sec-material',
};

export const sec8k: Obligation = {
  id: 'sec.8k.1.05',
  regime: 'sec',
  title: 'File Form 8-K Item 1.05',
  recipient: 'sec',
  anchor: 'materiality',
  offset: { amount: 4, unit: 'businessDays' },
  standard: 'fixed',
  phrase: 'within four business days after the registrant determines that the incident is material',
  calendar: SEC_CALENDAR,
  content: ['natureScopeTiming', 'materialImpactOrReasonablyLikely', 'undeterminedInformation'],
  condition: 'Exchange Act registrant (Form 6-K for foreign private issuers, timing [U])',
  certainty: 'S',
  sources: [
    { ref: 'Form 8-K Item 1.05(a)', tag: 'S' },
    { ref: 'Form 8-K General Instruction B.1', tag: 'V' },
  ],
  effectiveFrom: '2023-12-18',
  classification: 'sec-material',
  lawEnforcementDelay: {
    maxDays: 30,
    source: {
      ref: 'Form 8-K Item 1.05(c) (Attorney General determination; extensions of 30 and, exceptionally, 60 days are further notices)',
      tag: 'S',
    },
  },
};

export const sec8kAmendment: Obligation = {
  id: 'sec.8k.1.05.amend',
  regime: 'sec',
  title: 'File Form 8-K/A with information that was undetermined',
  recipient: 'sec',
  anchor: 'informationAvailable',
  offset: { amount: 4, unit: 'businessDays' },
  standard: 'fixed',
  phrase: 'within four business days after the information is determined or becomes available',
  calendar: SEC_CALENDAR,
  content: ['updatedNatureScopeTiming', 'updatedMaterialImpact'],
  condition: 'the original 8-K stated that information was not determined or unavailable',
  certainty: 'S',
  sources: [{ ref: 'Form 8-K Item 1.05 Instruction 2', tag: 'S' }],
  classification: 'sec-material',
};

export const secRegime: Regime = {
  id: 'sec',
  name: 'US SEC Form 8-K Item 1.05',
  jurisdiction: 'US (Exchange Act registrants)',
  trigger: 'cybersecurity incident determined to be material',
  obligations: [secMateriality, sec8k, sec8kAmendment],
};
