/**
 * Singapore PDPA Part 6A (ss.26A–26E) + Personal Data Protection (Notification of Data Breaches)
 * Regulations 2021 (REGULATORY.md §12).
 *
 * Invariants: the PDPC notice is due "no later than 3 calendar days after the day" of the
 * notifiability assessment — the assessment day is not counted and the period ends at the end of
 * day 3, Singapore time ([U] on the zone; Asia/Singapore has no DST). Individual notice follows
 * the PDPC notice and has no numeric limit.
 */
import type { Obligation, Regime } from './types';

const cal = { timeZone: 'Asia/Singapore' };

export const sgAssessment: Obligation = {
  id: 'sg.26C.2',
  regime: 'sg-pdpa',
  title: 'Assess whether the data breach is notifiable',
  recipient: 'internal',
  anchor: 'suspicion',
  offset: null,
  standard: 'qualitative',
  phrase: 'in a reasonable and expeditious manner',
  guidanceTarget: { amount: 30, unit: 'calendarDays' },
  calendar: cal,
  content: ['assessmentRecord'],
  condition: 'reason to believe a data breach occurred; PDPC guidance expects about 30 days',
  certainty: 'V',
  sources: [
    { ref: 'PDPA s.26C(2)', tag: 'V' },
    { ref: 'PDPC guidance (30 days)', tag: 'S' },
  ],
};

export const sgPdpc: Obligation = {
  id: 'sg.26D.1',
  regime: 'sg-pdpa',
  title: 'Notify the PDPC',
  recipient: 'pdpc',
  anchor: 'assessment',
  offset: { amount: 3, unit: 'calendarDays' },
  standard: 'fixed',
  phrase: 'as soon as practicable, but in any case no later than 3 calendar days after the day the organisation makes that assessment',
  calendar: cal,
  content: ['prescribedInformationReg5'],
  condition: 'notifiable: significant harm, or significant scale (500 or more individuals)',
  certainty: 'V',
  sources: [
    { ref: 'PDPA s.26D(1)', tag: 'V' },
    { ref: 'Notification of Data Breaches Regulations 2021 reg. 5 (content [U])', tag: 'U' },
  ],
};

export const sgIndividuals: Obligation = {
  id: 'sg.26D.2',
  regime: 'sg-pdpa',
  title: 'Notify each affected individual',
  recipient: 'individuals',
  anchor: `submitted:${sgPdpc.id}`,
  offset: null,
  standard: 'qualitative',
  phrase: 'on or after notifying the Commission, in any reasonable manner',
  calendar: cal,
  content: ['prescribedInformationReg6'],
  condition:
    'significant-harm limb only; not if remediated (26D(5)); must not notify if a law-enforcement agency or the PDPC directs (26D(6))',
  certainty: 'V',
  sources: [{ ref: 'PDPA s.26D(2), (5), (6)', tag: 'V' }],
};

export const sgIntermediary: Obligation = {
  id: 'sg.26C.3.a',
  regime: 'sg-pdpa',
  title: 'Data intermediary notifies the organisation',
  recipient: 'organisation',
  anchor: 'suspicion',
  offset: null,
  standard: 'qualitative',
  phrase: 'without undue delay from the time it has reason to believe that a data breach has occurred',
  calendar: cal,
  content: ['breachFacts'],
  condition: 'acting as data intermediary',
  certainty: 'V',
  sources: [{ ref: 'PDPA s.26C(3)(a)', tag: 'V' }],
};

export const singaporeRegime: Regime = {
  id: 'sg-pdpa',
  name: 'Singapore PDPA Part 6A',
  jurisdiction: 'Singapore',
  trigger: 'notifiable data breach: significant harm or significant scale (≥ 500 individuals)',
  obligations: [sgAssessment, sgPdpc, sgIndividuals, sgIntermediary],
};
