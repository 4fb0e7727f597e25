/**
 * Plain data shapes of the regulatory layer: regimes, their obligations, anchors and offsets
 * (after REGULATORY.md §18, adapted). Type-only so Temporal workflow code can import it.
 *
 * Invariants (checked by `validateObligation` in registry.ts and by the registry tests):
 * - `standard: 'qualitative'` ⇔ `offset === null` and the anchor is a single reference:
 *   a qualitative standard ("without undue delay") never yields a due instant (§17.8).
 * - An `earliestOf` anchor carries its offsets per term, so `offset` is null there too.
 * - Every obligation whose unit is `businessDays` names a holiday calendar.
 */

/** Verification tag from REGULATORY.md §0: verified / secondary sources only / unverified. */
export type Certainty = 'V' | 'S' | 'U';

export type RegimeId =
  | 'gdpr'
  | 'uk-gdpr'
  | 'nis2'
  | 'dora'
  | 'hipaa'
  | 'sec'
  | 'us-ca'
  | 'us-tx'
  | 'us-ny'
  | 'sg-pdpa'
  | 'br-lgpd'
  | 'au-ndb';

/** Instants an incident records once they happen (all ISO-8601 instants, stored in UTC). */
export type AnchorEvent =
  | 'awareness' // GDPR/LGPD: reasonable certainty that personal data was compromised
  | 'detection' // first alert; never a legal anchor by itself, used as a conservative default
  | 'nis2Awareness' // NIS2 23(4): the entity became aware of the *significant* incident
  | 'doraAwareness' // DORA RTS 2025/301 5(1)(a): the entity became aware of the ICT-related incident
  | 'nydfsDetermination' // 23 NYCRR 500.17(a): determination that a cybersecurity incident occurred
  | 'extortionPayment' // 23 NYCRR 500.17(c): an extortion payment was made
  | 'progressReported' // NIS2 23(4)(e): a progress report replaced the final report
  | 'discovery' // HIPAA 164.404(a)(2), US states: known or knowable by reasonable diligence
  | 'determination' // US states, NYDFS: determination that a breach/incident occurred
  | 'classification' // DORA: incident classified as major (Art. 18, RTS 2024/1772)
  | 'materiality' // SEC: registrant determines the incident is material
  | 'informationAvailable' // SEC 8-K/A: previously undetermined information becomes available
  | 'assessment' // Singapore s.26D(1): assessed as notifiable
  | 'suspicion' // Australia s.26WH: reasonable grounds to suspect an eligible breach
  | 'belief' // Australia s.26WK: reasonable grounds to believe one occurred
  | 'request' // NIS2 23(4)(c): CSIRT/authority asks for an intermediate report
  | 'recovery' // DORA: regular activities recovered
  | 'handled'; // NIS2 23(4)(e): incident handling completed

/**
 * Where a clock starts: an event, the first (`submitted:`) or latest (`latestSubmitted:`)
 * submission of another obligation (chained, §17.6), or the end of the calendar year in which an
 * event happened (HIPAA 164.408(c)).
 */
export type AnchorRef = AnchorEvent | `submitted:${string}` | `latestSubmitted:${string}` | `yearEnd:${AnchorEvent}`;

/**
 * Operator decisions that make a regime's duty arise, separate from personal data (NIS2 Art.
 * 23(3), DORA Art. 18, Form 8-K Item 1.05, 23 NYCRR 500.17(a)).
 */
export type ClassificationKind = 'nis2-significant' | 'dora-major' | 'sec-material' | 'nydfs-cybersecurity-incident';

export type OffsetUnit = 'hours' | 'calendarDays' | 'businessDays' | 'calendarMonths';

export interface Offset {
  amount: number;
  unit: OffsetUnit;
}

export interface TimedAnchor {
  anchor: AnchorRef;
  offset: Offset;
}

/**
 * min() of several anchored offsets (DORA initial notification, RTS 2025/301 Art. 5(1)(a)):
 * due = min over terms of anchor + offset. `trigger` is the event that creates the duty; a due
 * instant can never precede it, so when the min falls before the trigger the trigger's own term
 * applies (late classification, RTS Art. 5(2)).
 */
export interface EarliestOf {
  earliestOf: readonly TimedAnchor[];
  trigger: AnchorRef;
}

export type AnchorSpec = AnchorRef | EarliestOf;

export type HolidayCalendarId = 'us-federal' | 'br-national' | 'de-national' | 'fr-national' | 'nl-national';

export interface ObligationCalendar {
  /** IANA zone in which day-based periods are counted and end (the recipient's zone). */
  timeZone: string;
  /** Non-working days besides Saturday and Sunday; required for business days and relief. */
  holidays?: HolidayCalendarId;
  /** Local time the last day ends at, 'HH:mm' (e.g. SEC EDGAR 17:30 ET); default end of day. */
  dayEnd?: string;
  /** DORA RTS 2025/301 Art. 5(4): a limit on a weekend/bank holiday moves to 12:00 next working day. */
  weekendRelief?: 'noonNextWorkingDay';
}

export type Recipient =
  | 'supervisory-authority'
  | 'data-subjects'
  | 'controller'
  | 'csirt'
  | 'competent-authority'
  | 'service-recipients'
  | 'individuals'
  | 'media'
  | 'hhs'
  | 'covered-entity'
  | 'sec'
  | 'attorney-general'
  | 'state-regulators'
  | 'nydfs'
  | 'pdpc'
  | 'organisation'
  | 'anpd'
  | 'oaic'
  | 'internal-register'
  | 'internal';

export interface SourceRef {
  ref: string;
  tag: Certainty;
}

export interface Obligation {
  id: string;
  regime: RegimeId;
  title: string;
  recipient: Recipient;
  anchor: AnchorSpec;
  /** Null when the standard is qualitative or the anchor is `earliestOf` (offsets per term). */
  offset: Offset | null;
  standard: 'fixed' | 'qualitative';
  /** The statutory words, e.g. "without undue delay and, where feasible, not later than 72 hours". */
  phrase: string;
  /** A soft target from guidance for qualitative standards; shown, never met/missed. */
  guidanceTarget?: Offset;
  calendar: ObligationCalendar;
  /** Keys of the content the submission must carry. */
  content: readonly string[];
  /** What a late submission must add (e.g. GDPR 33(1) reasons for the delay). */
  lateRequires?: readonly string[];
  /** Human-readable condition beyond the regime trigger (thresholds, roles). */
  condition?: string;
  certainty: Certainty;
  sources: readonly SourceRef[];
  notes?: string;
  effectiveFrom?: string;
  /** Anchors that must have happened besides the governing one; they add nothing to the period. */
  requires?: readonly AnchorRef[];
  /** The duty arises only once the incident is so classified; a "no" makes it not required. */
  classification?: ClassificationKind;
  /** An internal duty to decide, fulfilled by recording that classification (yes or no). */
  decidedBy?: ClassificationKind;
  /** Submissions here count as updated versions of that obligation (`latestSubmitted:`). */
  updatesOf?: string;
  /** A progress report may stand in for this report while the incident is ongoing (NIS2 23(4)(e)). */
  acceptsProgressReport?: boolean;
  /** The law lets law enforcement delay this notice: a documented, time-boxed pause of its clock. */
  lawEnforcementDelay?: { maxDays?: number; oralMaxDays?: number; source: SourceRef };
  /** Questions of law this obligation's modelling could not settle; shown beside the clock. */
  openQuestions?: readonly string[];
}

export interface Regime {
  id: RegimeId;
  name: string;
  jurisdiction: string;
  trigger: string;
  threshold?: string;
  obligations: readonly Obligation[];
  registerFields?: readonly string[];
  retention?: string;
}

/** Instants recorded for an incident; `submitted` maps obligation id → submission instant. */
export type AnchorInstants = Partial<Record<AnchorEvent, string>> & {
  submitted?: Readonly<Record<string, string>>;
  /** Obligation id → its latest submission (including `updatesOf` submissions). */
  latestSubmitted?: Readonly<Record<string, string>>;
};
