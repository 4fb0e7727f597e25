/**
 * Australia Notifiable Data Breaches scheme, Privacy Act 1988 Part IIIC (REGULATORY.md §10).
 *
 * Invariants: the only numeric period is the 30-day assessment of a *suspected* eligible breach
 * (s.26WH), counted here as calendar days from the local date of suspicion in Australia/Sydney
 * (the OAIC's zone; day-counting rules are [U]); the statement to the OAIC and the notice to
 * individuals are "as soon as practicable" and never produce a due date.
 */
import type { Obligation, Regime } from './types';

const cal = { timeZone: 'Australia/Sydney' };

export const auAssessment: Obligation = {
  id: 'au.26WH',
  regime: 'au-ndb',
  title: 'Complete the assessment of a suspected eligible data breach',
  recipient: 'internal',
  anchor: 'suspicion',
  offset: { amount: 30, unit: 'calendarDays' },
  standard: 'fixed',
  phrase: 'take all reasonable steps to ensure that the assessment is completed within 30 days after the entity becomes aware',
  calendar: cal,
  content: ['assessmentRecord'],
  condition: 'reasonable grounds to suspect an eligible data breach',
  certainty: 'V',
  sources: [{ ref: 'Privacy Act 1988 s.26WH(2)', tag: 'V' }],
  notes: 'Day-counting convention is [U]; the statute asks for reasonable steps to finish within 30 days.',
};

export const auOaic: Obligation = {
  id: 'au.26WK',
  regime: 'au-ndb',
  title: 'Prepare the statement and give it to the Commissioner (OAIC)',
  recipient: 'oaic',
  anchor: 'belief',
  offset: null,
  standard: 'qualitative',
  phrase: 'as soon as practicable after the entity becomes aware',
  calendar: cal,
  content: ['entityIdentityAndContact', 'descriptionOfBreach', 'kindsOfInformation', 'recommendedSteps'],
  condition: 'reasonable grounds to believe an eligible data breach occurred (likely serious harm)',
  certainty: 'V',
  sources: [{ ref: 'Privacy Act 1988 s.26WK(2), (3)', tag: 'V' }],
};

export const auIndividuals: Obligation = {
  id: 'au.26WL',
  regime: 'au-ndb',
  title: 'Notify the contents of the statement to affected individuals',
  recipient: 'individuals',
  anchor: `submitted:${auOaic.id}`,
  offset: null,
  standard: 'qualitative',
  phrase: 'as soon as practicable after the completion of the preparation of the statement',
  calendar: cal,
  content: ['statementContents'],
  condition: 'each individual concerned or at risk; else publish on the website and publicise',
  certainty: 'V',
  sources: [{ ref: 'Privacy Act 1988 s.26WL(2), (3)', tag: 'V' }],
  notes: 'Anchored on the OAIC submission as the recorded proxy for completing the statement.',
};

export const australiaRegime: Regime = {
  id: 'au-ndb',
  name: 'Australia Notifiable Data Breaches (Privacy Act Part IIIC)',
  jurisdiction: 'Australia',
  trigger: 'eligible data breach: likely serious harm, not remediated',
  obligations: [auAssessment, auOaic, auIndividuals],
};
