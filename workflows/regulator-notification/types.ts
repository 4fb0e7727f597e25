/**
 * Plain data of the breach-notification workflow: its input, settings, the record it keeps
 * (returned by its state query and at the end), and the payloads of its messages. Type-only, so
 * the workflow sandbox, the API and the CLI share it without zod or Node built-ins.
 *
 * Invariants: every instant is an ISO-8601 string in UTC; detection and awareness are kept apart
 * (REGULATORY.md §1.2) — `awareness` is absent until an operator records it, and until then the
 * clocks run conservatively from detection.
 */
import type { ResourceRef, Severity } from '../../src/domain/incident';
import type { BreachRegisterEntry } from '../../src/regulator-notification/register';
import type { EdpbTemplateView } from '../../src/regulator-notification/edpb-template';
import type { Article33Draft, Article34Draft, MeasureEntry } from '../../src/regulator-notification/facts';
import type { AnchorEvent, AnchorRef, Obligation, RegimeId } from '../../src/regulatory/types';
import type { EntityProfile, Region, Sector } from '../../src/regulatory/profile';
import type { OperatorIdentity } from '../../src/domain/gate';
import type { ClassificationRecord, DelayRecord } from './decision-types';

export type { ClassificationRecord, DelayRecord, EndDelay, RecordClassification, StartDelay } from './decision-types';

export type { MeasureEntry };
export type RiskLevel = 'unlikely' | 'risk' | 'high';
/** `progress`: NIS2 23(4)(e) progress report in place of a final report while the incident is ongoing. */
export type SubmissionPhase = 'initial' | 'follow-up' | 'final' | 'progress';

/** What the target's data-classification tags say (estimates, Art. 33(3)(a)). */
export interface DataClassification {
  personalData: boolean;
  subjectRegions: Region[];
  subjectCategories: string[];
  recordCategories: string[];
  specialCategories: string[];
  approxSubjects?: number;
  approxRecords?: number;
  /** Affected residents per US State (two-letter code), for HIPAA's per-State media rule. */
  stateCounts?: Record<string, number>;
  /** Where the numbers come from, shown in the draft. */
  estimateBasis: string;
}

/** Organisation-wide settings (from config, via the assessBreach activity). */
export interface BreachSettings {
  /** The env shorthand; used to build a profile when `profile` is absent. */
  jurisdictions: Region[];
  sectors: Sector[];
  /** The entity profile (roles, NIS2 class, DORA entity type, authorities); see src/regulatory/profile.ts. */
  profile?: EntityProfile;
  /** Shares of each window at which to remind (0 < f < 1). */
  reminderFractions: number[];
  /** Escalate this long after the due instant while still unsubmitted. */
  escalateAfterMinutes: number;
  /** Escalation chain: [0] gets reminders and the due notice, [1] the escalation (else [0]). */
  contacts: string[];
  dpo?: { name?: string; email?: string; phone?: string };
  controllerName?: string;
  supervisoryAuthority?: string;
  /** Zone dates are shown in (the SA's). */
  displayZone: string;
}

export interface BreachNotificationInput {
  incidentId: string;
  resource: ResourceRef;
  /** First alert: the conservative anchor until awareness is recorded. */
  detectedAt: string;
  alerts: { title: string; severity: Severity }[];
  classification: DataClassification;
  settings: BreachSettings;
  risk?: RiskLevel;
  measuresTaken?: MeasureEntry[];
}

export interface AwarenessRecord {
  at: string;
  reason: string;
  by: string;
  recordedAt: string;
}

/** An anchor event an operator recorded (DORA classification, SEC materiality, …): it starts the clocks waiting for it. */
export interface AnchorEventRecord {
  anchor: AnchorEvent;
  at: string;
  reason: string;
  by: string;
  recordedAt: string;
}

/** The DPO's scale; mapped onto the GDPR thresholds (`RiskLevel`) as low → unlikely, medium → risk, high → high. */
export type RiskAssessmentLevel = 'low' | 'medium' | 'high';

export interface RiskAssessmentRecord {
  level: RiskAssessmentLevel;
  risk: RiskLevel;
  reasoning: string;
  by: string;
  at: string;
  /** Obligations this assessment made applicable (e.g. Art. 34 on high risk). */
  added: string[];
  /** Obligations this assessment made not required (kept, with this reasoning: Art. 33(5)). */
  notRequired: string[];
}

export interface Submission {
  obligationId: string;
  phase: SubmissionPhase;
  reference: string;
  submittedAt: string;
  by: string;
  recordedAt: string;
  reasonsForDelay?: string;
}

export interface NotRequiredDecision {
  /** The obligations it covers (all open ones when the declaration named none). */
  obligationIds: string[];
  reasoning: string;
  risk: RiskLevel;
  by: string;
  at: string;
}

export type NotificationKind = 'reminder' | 'due' | 'escalation';

/** One page to a person, sent through the notifier activity. */
export interface NotificationRequest {
  /** Deterministic per workflow, clock, event and due instant: a retried send pages nobody twice. */
  idempotencyKey: string;
  incidentId: string;
  obligationId: string;
  title: string;
  kind: NotificationKind;
  fraction?: number;
  dueAt: string;
  /** The person paged; null when no contact is configured (the notifier only records). */
  contact: string | null;
  /** 0 for the first contact, 1 for the next one. */
  escalationLevel: number;
  text: string;
}

export interface NotificationSent {
  key: string;
  obligationId: string;
  kind: NotificationKind;
  fraction?: number;
  at: string;
  contact: string | null;
  outcome: 'delivered' | 'recorded' | 'failed';
  detail?: string;
}

export interface BreachFacts {
  alerts: { title: string; severity: Severity }[];
  classification: DataClassification;
  measuresTaken: MeasureEntry[];
  proposedMeasures: string[];
  likelyConsequences: string[];
}

/** Everything the workflow keeps; the state query returns it with computed clocks. */
export interface BreachRecord {
  incidentId: string;
  resource: ResourceRef;
  startedAt: string;
  detectedAt: string;
  awareness?: AwarenessRecord;
  /** Anchor events recorded by operators, in the order recorded; one per anchor. */
  anchorEvents: AnchorEventRecord[];
  /** Classification decisions in the order recorded (absent in records of older workers). */
  classifications?: ClassificationRecord[];
  /** Law-enforcement delays in the order recorded (absent in records of older workers). */
  delays?: DelayRecord[];
  /** 2: anchors per regime and the entity profile; absent: a workflow started before them (legacy-rules.ts). */
  rules?: 2;
  risk?: RiskLevel;
  /** Risk assessments in the order recorded; the last one governs. */
  riskAssessments: RiskAssessmentRecord[];
  settings: BreachSettings;
  obligations: Obligation[];
  facts: BreachFacts;
  /** Bumped on every change of the facts the draft is made from. */
  factsVersion: number;
  submissions: Submission[];
  notRequired: NotRequiredDecision[];
  notifications: NotificationSent[];
  status: 'open' | 'closed';
  closedAt?: string;
  register?: { entry: BreachRegisterEntry; location: string | null };
}

export type ClockState = 'open' | 'overdue' | 'met' | 'late' | 'elapsed' | 'not-required' | 'paused';

export interface ClockView {
  obligationId: string;
  regime: RegimeId;
  title: string;
  recipient: string;
  phrase: string;
  standard: 'fixed' | 'qualitative';
  state: ClockState;
  /** Submitted or declared not required: no more reminders. */
  resolved: boolean;
  startedAt: string;
  /** Runs from a default anchor (the first alert) because its own anchor is not recorded yet. */
  conservative: boolean;
  /** Which anchors are defaults and what they default to, in words (shown beside the clock). */
  anchorNotes?: string[];
  /** Questions of law the modelling could not settle (shown beside the clock). */
  openQuestions?: string[];
  /** Law-enforcement delays that moved this clock; `pausedMs` is the time they added. */
  delays?: { id: string; from: string; until: string; endedAt?: string; active: boolean }[];
  pausedMs?: number;
  dueAt?: string;
  dueDisplay?: string;
  remainingMs?: number;
  overdueMs?: number;
  elapsedMs?: number;
  guidanceTargetAt?: string;
  submittedAt?: string;
  lateRequires: string[];
  submissions: number;
  /** Why the clock is not required (explicit declaration or risk assessment). */
  notRequired?: NotRequiredReason;
}

export interface NotRequiredReason {
  basis: 'declaration' | 'risk-assessment' | 'classification';
  reasoning: string;
  by: string;
  at: string;
  risk?: RiskLevel;
}

/** One thing a waiting clock needs: an anchor event to record, awareness, or a prior submission. */
export interface AnchorWait {
  anchor: AnchorRef;
  /** 'anchor': record it as an anchor event; 'awareness': set awareness; 'submission': submit the prior obligation. */
  recordWith: 'anchor' | 'awareness' | 'submission';
  /** "the incident was classified as major". */
  description: string;
  citation?: string;
}

export interface AwaitingClock {
  obligationId: string;
  title: string;
  missing: AnchorRef[];
  /** The same anchors as `missing`, explained, with how to record each. */
  waitingFor: AnchorWait[];
}

/** One anchor event this breach's obligations refer to, and whether it has happened. */
export interface AnchorStatus {
  anchor: AnchorEvent;
  description: string;
  citation: string;
  recordable: boolean;
  /** 'recorded' by an operator, 'default' (detection, or discovery from awareness), or 'missing'. */
  basis: 'recorded' | 'default' | 'missing';
  at?: string;
  record?: AnchorEventRecord;
  /** Obligations still waiting for this anchor. */
  waiting: string[];
}

export interface BreachView {
  record: BreachRecord;
  now: string;
  awareness: { at: string; basis: 'recorded' | 'first-alert'; conservative: boolean; reason?: string };
  clocks: ClockView[];
  /** Obligations whose anchor has not happened (chained clocks appear when it does). */
  awaiting: AwaitingClock[];
  /** Every anchor event the obligations refer to, with its instant once it happened. */
  anchors: AnchorStatus[];
  /** The governing risk assessment, if any; `record.riskAssessments` has the history. */
  riskAssessment?: RiskAssessmentRecord;
}

export interface DraftView {
  factsVersion: number;
  art33: Article33Draft;
  /** The Art. 33 draft on the EDPB template's sections, with who filled each field. */
  edpb?: EdpbTemplateView;
  art34: Article34Draft | null;
  markdown: string;
  html: string;
}

export interface RecordSubmission {
  obligationId: string;
  phase: SubmissionPhase;
  reference: string;
  submittedAt: string;
  reasonsForDelay?: string;
  operator: OperatorIdentity;
}

export interface SetAwareness {
  awareAt: string;
  reason: string;
  operator: OperatorIdentity;
}

export interface RecordAnchor {
  anchor: AnchorEvent;
  at: string;
  reason: string;
  operator: OperatorIdentity;
}

export interface AssessRisk {
  level: RiskAssessmentLevel;
  reasoning: string;
  operator: OperatorIdentity;
}

export interface AssessRiskResult {
  level: RiskAssessmentLevel;
  risk: RiskLevel;
  added: string[];
  notRequired: string[];
}

export interface DeclareNotRequired {
  reasoning: string;
  risk: RiskLevel;
  obligationIds?: string[];
  operator: OperatorIdentity;
}

/** Facts the incident signals as its runbook progresses; lists replace the previous ones. */
export interface BreachFactsUpdate {
  measuresTaken?: MeasureEntry[];
  alerts?: { title: string; severity: Severity }[];
  proposedMeasures?: string[];
  likelyConsequences?: string[];
}
