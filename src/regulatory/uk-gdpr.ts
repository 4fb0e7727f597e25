/**
 * UK GDPR Art. 33–34 + Data Protection Act 2018 (REGULATORY.md §4). Same structure and 72 h
 * cap as the EU text; the recipient is always the Information Commissioner (no one-stop-shop).
 *
 * Invariants: as gdpr.ts — 72 h is an absolute, "where feasible" cap with reasons for delay;
 * Art. 34 is qualitative. PECR reg. 5A (24 h, moving to 72 h under DUAA 2025, commencement [U])
 * and DPA 2018 Parts 3–4 are out of scope here.
 */
import { ART33_CONTENT } from './gdpr';
import type { Obligation, Regime } from './types';

const cal = { timeZone: 'Europe/London' };

export const ukArt33: Obligation = {
  id: 'uk-gdpr.33.1',
  regime: 'uk-gdpr',
  title: 'Notify the Information Commissioner (ICO)',
  recipient: 'supervisory-authority',
  anchor: 'awareness',
  offset: { amount: 72, unit: 'hours' },
  standard: 'fixed',
  phrase: 'without undue delay and, where feasible, within 72 hours',
  calendar: cal,
  content: ART33_CONTENT,
  lateRequires: ['reasonsForDelay'],
  condition: 'risk is not unlikely to result in a risk to individuals',
  certainty: 'S',
  sources: [
    { ref: 'UK GDPR Art. 33(1)', tag: 'S' },
    { ref: 'ICO privacy notice ("where feasible, within 72 hours")', tag: 'V' },
  ],
  notes: 'Cyber incidents are reported online; helpline 0303 123 1113 Mon–Fri 09:00–17:00 (ico.org.uk) [V].',
};

export const ukArt33Processor: Obligation = {
  id: 'uk-gdpr.33.2',
  regime: 'uk-gdpr',
  title: 'Processor notifies the controller',
  recipient: 'controller',
  anchor: 'awareness',
  offset: null,
  standard: 'qualitative',
  phrase: 'without undue delay after becoming aware of a personal data breach',
  calendar: cal,
  content: ['nature', 'contactPoint'],
  condition: "acting as processor; the clock is the processor's own awareness",
  certainty: 'S',
  sources: [{ ref: 'UK GDPR Art. 33(2)', tag: 'S' }],
};

export const ukArt33Register: Obligation = {
  id: 'uk-gdpr.33.5',
  regime: 'uk-gdpr',
  title: 'Record the breach in the breach log',
  recipient: 'internal-register',
  anchor: 'awareness',
  offset: null,
  standard: 'qualitative',
  phrase: 'document any personal data breaches',
  calendar: cal,
  content: ['facts', 'effects', 'remedialAction'],
  condition: 'every personal data breach',
  certainty: 'V',
  sources: [{ ref: 'UK GDPR Art. 33(5); ICO breach-log guidance', tag: 'V' }],
};

export const ukArt34: Obligation = {
  id: 'uk-gdpr.34.1',
  regime: 'uk-gdpr',
  title: 'Tell affected individuals',
  recipient: 'data-subjects',
  anchor: 'awareness',
  offset: null,
  standard: 'qualitative',
  phrase: 'without undue delay',
  calendar: cal,
  content: ['natureInPlainLanguage', 'contactPoint', 'likelyConsequences', 'measures'],
  condition: 'likely high risk, unless an Art. 34(3) exemption applies',
  certainty: 'S',
  sources: [{ ref: 'UK GDPR Art. 34', tag: 'S' }],
};

export const ukGdprRegime: Regime = {
  id: 'uk-gdpr',
  name: 'UK GDPR Art. 33–34',
  jurisdiction: 'United Kingdom (UK GDPR + DPA 2018)',
  trigger: 'personal data breach',
  threshold: 'ICO: unless unlikely to result in a risk; individuals: likely high risk',
  obligations: [ukArt33, ukArt33Processor, ukArt33Register, ukArt34],
};
