/**
 * EU GDPR (Reg. (EU) 2016/679) Art. 33 (notification to the supervisory authority) and Art. 34
 * (communication to data subjects), per REGULATORY.md §1–2.
 *
 * Invariants: the 72 h cap of Art. 33(1) is an absolute duration from awareness and is a
 * "where feasible" cap — lateness is modelled as `lateRequires: ['reasonsForDelay']`, not as a
 * failure (§17.9). Art. 34 and the processor duty are qualitative and never produce a due date.
 */
import type { Obligation, Regime } from './types';

/** Default zone for rendering; hour-based clocks do not depend on it. */
export const EU_DEFAULT_ZONE = 'Europe/Brussels';

/** Art. 33(3)(a)–(d) minimum content [V], keys shared with the notification draft. */
export const ART33_CONTENT = ['nature', 'contactPoint', 'likelyConsequences', 'measures'] as const;

const cal = { timeZone: EU_DEFAULT_ZONE };

export const gdprArt33: Obligation = {
  id: 'gdpr.33.1',
  regime: 'gdpr',
  title: 'Notify the competent supervisory authority (lead SA under one-stop-shop)',
  recipient: 'supervisory-authority',
  anchor: 'awareness',
  offset: { amount: 72, unit: 'hours' },
  standard: 'fixed',
  phrase: 'without undue delay and, where feasible, not later than 72 hours after having become aware of it',
  calendar: cal,
  content: ART33_CONTENT,
  lateRequires: ['reasonsForDelay'],
  condition: "risk is not 'unlikely to result in a risk to the rights and freedoms of natural persons'",
  certainty: 'V',
  sources: [
    { ref: 'GDPR Art. 33(1), 33(3)', tag: 'V' },
    { ref: 'WP250 rev.01 p.12 (awareness)', tag: 'V' },
  ],
  notes: 'Non-EEA controllers notify every SA where affected data subjects reside (EDPB 9/2022 para 73).',
};

export const gdprArt33Processor: Obligation = {
  id: 'gdpr.33.2',
  regime: 'gdpr',
  title: 'Processor notifies the controller',
  recipient: 'controller',
  anchor: 'awareness',
  offset: null,
  standard: 'qualitative',
  phrase: 'without undue delay after becoming aware of a personal data breach',
  calendar: cal,
  content: ['nature', 'contactPoint'],
  condition: "acting as processor; the clock is the processor's own awareness; contracts often set 24–72 h",
  certainty: 'V',
  sources: [{ ref: 'GDPR Art. 33(2)', tag: 'V' }],
};

export const gdprArt33Phased: Obligation = {
  id: 'gdpr.33.4',
  regime: 'gdpr',
  title: 'Provide further information in phases',
  recipient: 'supervisory-authority',
  anchor: 'submitted:gdpr.33.1',
  offset: null,
  standard: 'qualitative',
  phrase: 'in phases without undue further delay',
  guidanceTarget: { amount: 72, unit: 'hours' },
  calendar: cal,
  content: ART33_CONTENT,
  condition: 'not all information could be provided at the same time',
  certainty: 'V',
  sources: [
    { ref: 'GDPR Art. 33(4)', tag: 'V' },
    { ref: 'CNIL Direct FAQ (complementary notice within 72 h of the initial one if possible)', tag: 'V' },
  ],
};

export const gdprArt33Register: Obligation = {
  id: 'gdpr.33.5',
  regime: 'gdpr',
  title: 'Document the breach in the internal breach register',
  recipient: 'internal-register',
  anchor: 'awareness',
  offset: null,
  standard: 'qualitative',
  phrase: 'document any personal data breaches, comprising the facts, its effects and the remedial action taken',
  calendar: cal,
  content: ['facts', 'effects', 'remedialAction'],
  condition: 'every personal data breach, notified or not',
  certainty: 'V',
  sources: [{ ref: 'GDPR Art. 33(5)', tag: 'V' }],
};

export const gdprArt34: Obligation = {
  id: 'gdpr.34.1',
  regime: 'gdpr',
  title: 'Communicate the breach to affected data subjects',
  recipient: 'data-subjects',
  anchor: 'awareness',
  offset: null,
  standard: 'qualitative',
  phrase: 'without undue delay',
  calendar: cal,
  content: ['natureInPlainLanguage', 'contactPoint', 'likelyConsequences', 'measures'],
  condition: 'likely high risk, unless an Art. 34(3) exemption applies (34(3)(c) → public communication instead)',
  certainty: 'V',
  sources: [
    { ref: 'GDPR Art. 34(1), 34(2), 34(3)', tag: 'V' },
    { ref: 'Recital 86', tag: 'V' },
  ],
};

export const gdprRegime: Regime = {
  id: 'gdpr',
  name: 'EU GDPR Art. 33–34',
  jurisdiction: 'EU/EEA (Reg. (EU) 2016/679)',
  trigger: 'personal data breach (Art. 4(12))',
  threshold: 'SA: unless unlikely to result in a risk; data subjects: likely high risk',
  obligations: [gdprArt33, gdprArt33Processor, gdprArt33Phased, gdprArt33Register, gdprArt34],
  registerFields: [
    'cause',
    'whatHappened',
    'dataAffected',
    'effects',
    'remedialAction',
    'notificationDecision',
    'art34Decision',
    'delayReasons',
  ],
};

export type AwarenessBasis = 'recorded' | 'processor-notice' | 'first-alert';

/**
 * The instant the controller's Art. 33 clock runs from (§1.2): a recorded awareness instant wins
 * (it may follow a short investigation); else the processor's notice ("in principle" aware);
 * else, conservatively, the first alert — flagged so a person confirms it.
 */
export function gdprAwareness(f: { awareAt?: string; processorNoticeAt?: string; detectedAt: string }): {
  at: string;
  basis: AwarenessBasis;
  conservative: boolean;
} {
  if (f.awareAt) return { at: f.awareAt, basis: 'recorded', conservative: false };
  if (f.processorNoticeAt) return { at: f.processorNoticeAt, basis: 'processor-notice', conservative: false };
  return { at: f.detectedAt, basis: 'first-alert', conservative: true };
}
