/**
 * What each anchor event means, in words a DPO or incident manager recognises, with the rule
 * that makes it an anchor (REGULATORY.md §0 vocabulary, §5, §6, §8, §9, §10, §12). Pure data,
 * shared by the workflow (to say what a waiting clock waits for) and the API/CLI.
 *
 * Invariant: every `AnchorEvent` has an entry (the `Record` type enforces it). Not `recordable`
 * as a generic anchor event: `detection` (the first alert), `awareness` (its own decision),
 * `nis2Awareness` and `nydfsDetermination` (set by a classification), `progressReported` (a
 * submission in the progress phase).
 */
import type { AnchorEvent, AnchorRef } from './types';

export interface AnchorEventInfo {
  /** "the incident was classified as major" — completes "waiting until …". */
  description: string;
  /** The rule that makes the event start a clock. */
  citation: string;
  /** Recorded through the generic anchor update (false: detection, awareness). */
  recordable: boolean;
}

export const ANCHOR_EVENTS: Readonly<Record<AnchorEvent, AnchorEventInfo>> = {
  detection: { description: 'the first alert about the incident', citation: 'first_detected_at (REGULATORY.md §1.2)', recordable: false },
  awareness: {
    description: 'the controller became reasonably certain that personal data was compromised',
    citation: 'GDPR Art. 33(1); WP250',
    recordable: false,
  },
  nis2Awareness: {
    description: 'the entity became aware of the significant incident',
    citation: 'NIS2 Art. 23(4)(a), (b)',
    recordable: false,
  },
  doraAwareness: {
    description: 'the financial entity became aware of the ICT-related incident',
    citation: 'RTS (EU) 2025/301 Art. 5(1)(a)',
    recordable: true,
  },
  nydfsDetermination: {
    description: 'the covered entity determined that a cybersecurity incident occurred',
    citation: '23 NYCRR 500.17(a)',
    recordable: false,
  },
  extortionPayment: {
    description: 'an extortion payment was made in connection with a cybersecurity event',
    citation: '23 NYCRR 500.17(c)',
    recordable: true,
  },
  progressReported: {
    description: 'a progress report was submitted because the incident was still ongoing',
    citation: 'NIS2 Art. 23(4)(e)',
    recordable: false,
  },
  discovery: {
    description: 'the breach was discovered (known, or knowable with reasonable diligence)',
    citation: '45 CFR 164.404(a)(2); US state laws',
    recordable: true,
  },
  determination: {
    description: 'the organisation determined that a breach occurred',
    citation: 'US state laws (Tex. Bus. & Com. 521.053; NY GBL 899-aa; 23 NYCRR 500.17)',
    recordable: true,
  },
  classification: {
    description: 'the incident was classified as major',
    citation: 'DORA Art. 18; RTS 2024/1772; RTS 2025/301 Art. 5(1)(a)',
    recordable: true,
  },
  materiality: {
    description: 'the registrant determined the incident to be material',
    citation: 'Form 8-K Item 1.05; General Instruction B.1',
    recordable: true,
  },
  informationAvailable: {
    description: 'information undetermined at the first filing became available',
    citation: 'Form 8-K Item 1.05 Instruction 2',
    recordable: true,
  },
  assessment: { description: 'the breach was assessed as notifiable', citation: 'PDPA s.26D(1)', recordable: true },
  suspicion: {
    description: 'there were reasonable grounds to suspect a notifiable breach',
    citation: 'Privacy Act 1988 s.26WH; PDPA s.26C, 26E',
    recordable: true,
  },
  belief: {
    description: 'there were reasonable grounds to believe an eligible data breach occurred',
    citation: 'Privacy Act 1988 s.26WK',
    recordable: true,
  },
  request: {
    description: 'the CSIRT or competent authority asked for an intermediate report',
    citation: 'NIS2 Art. 23(4)(c)',
    recordable: true,
  },
  recovery: { description: 'regular activities were recovered', citation: 'RTS 2025/301 Art. 5(1)(b)', recordable: true },
  handled: { description: 'the handling of the incident was completed', citation: 'NIS2 Art. 23(4)(e)', recordable: true },
};

export const ANCHOR_EVENT_NAMES = Object.keys(ANCHOR_EVENTS) as AnchorEvent[];

export const isAnchorEvent = (s: string): s is AnchorEvent => Object.prototype.hasOwnProperty.call(ANCHOR_EVENTS, s);

/** The event behind a reference (`yearEnd:discovery` → discovery); undefined for chained submissions. */
export function eventOf(ref: AnchorRef): AnchorEvent | undefined {
  if (ref.startsWith('submitted:') || ref.startsWith('latestSubmitted:')) return undefined;
  const name = ref.startsWith('yearEnd:') ? ref.slice('yearEnd:'.length) : ref;
  return isAnchorEvent(name) ? name : undefined;
}
