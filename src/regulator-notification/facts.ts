/**
 * What the incident knows about a personal-data breach, as input to the GDPR Art. 33/34 drafts
 * and the Art. 33(5) register; and the shapes of those drafts. Type-only, workflow-safe.
 *
 * Invariants: instants are ISO-8601 with an offset; "now" is `preparedAt`, a parameter; counts
 * of data subjects and records are approximations (Art. 33(3)(a) "approximate number") and are
 * always carried as estimates.
 */
import type { ResourceRef, Severity } from '../domain/incident';
import type { AwarenessBasis } from '../regulatory/gdpr';

export type BreachType = 'confidentiality' | 'integrity' | 'availability';
export type Art34Exemption = '34_3_a_protected' | '34_3_b_mitigated' | '34_3_c_disproportionate';

export interface MeasureEntry {
  step: string;
  at: string;
  detail: string;
}

export interface BreachFacts {
  incidentId: string;
  resource: ResourceRef;
  /** First alert (first_detected_at). */
  detectedAt: string;
  /** Controller awareness (WP250: reasonable degree of certainty); absent → first alert, flagged. */
  awareAt?: string;
  /** When a processor told the controller; the default awareness when `awareAt` is absent. */
  processorNoticeAt?: string;
  /** The drafting instant ("now"), used to tell whether the 72 h have passed. */
  preparedAt: string;
  /** Zone dates are shown in, e.g. the SA's; default UTC. */
  displayZone?: string;
  controllerName?: string;
  supervisoryAuthority?: string;
  alerts: { title: string; severity: Severity }[];
  breachType?: BreachType[];
  classification: {
    dataSubjectCategories: string[];
    personalDataCategories: string[];
    specialCategories?: string[];
    approxSubjects?: number;
    approxRecords?: number;
    /** How the estimates were made (e.g. "row count of the affected table"). */
    estimateBasis?: string;
  };
  dpo?: { name?: string; email?: string; phone?: string };
  measuresTaken: MeasureEntry[];
  proposedMeasures: string[];
  likelyConsequences: string[];
  risk?: 'unlikely' | 'risk' | 'high';
  reasonsForDelay?: string;
  /** Art. 34: steps people can take (EDPB recommends it [S]). */
  adviceToIndividuals?: string[];
  art34Exemption?: Art34Exemption;
}

/** An approximate count; `estimate` is always true because Art. 33(3)(a) asks for approximations. */
export interface Estimate {
  value: number;
  estimate: true;
  basis: string | null;
}

export interface ContactPoint {
  name: string | null;
  email: string | null;
  phone: string | null;
}

export interface Article33Draft {
  kind: 'gdpr-art33';
  incidentId: string;
  preparedAt: string;
  displayZone: string;
  controller: string | null;
  recipient: { authority: string | null };
  clock: {
    awareAt: string;
    basis: AwarenessBasis;
    /** True when awareness was not recorded and the clock runs from the first alert. */
    conservative: boolean;
    dueAt: string;
    late: boolean;
    note: string;
  };
  nature: {
    citation: 'GDPR Art. 33(3)(a)';
    summary: string;
    breachType: BreachType[];
    detectedAt: string;
    resource: ResourceRef;
    alerts: { title: string; severity: Severity }[];
    dataSubjects: { categories: string[]; approximateNumber: Estimate | null };
    records: { categories: string[]; specialCategories: string[]; approximateNumber: Estimate | null };
  };
  contactPoint: ContactPoint & { citation: 'GDPR Art. 33(3)(b)' };
  likelyConsequences: { citation: 'GDPR Art. 33(3)(c)'; items: string[] };
  measures: { citation: 'GDPR Art. 33(3)(d)'; taken: MeasureEntry[]; proposed: string[] };
  reasonsForDelay: { citation: 'GDPR Art. 33(1)'; required: boolean; text: string | null };
  /** "field.path: reason" for every item a person must complete or confirm. */
  needsHuman: string[];
}

export interface Article34Draft {
  kind: 'gdpr-art34';
  incidentId: string;
  preparedAt: string;
  displayZone: string;
  controller: string | null;
  /** Art. 34(3)(c): a public communication replaces individual notices. */
  channel: 'individual' | 'public';
  whatHappened: string;
  dataInvolved: string[];
  likelyConsequences: string[];
  measuresTaken: string[];
  measuresProposed: string[];
  whatYouCanDo: string[];
  contactPoint: ContactPoint;
  citations: {
    nature: 'GDPR Art. 34(2)';
    contactPoint: 'GDPR Art. 33(3)(b)';
    likelyConsequences: 'GDPR Art. 33(3)(c)';
    measures: 'GDPR Art. 33(3)(d)';
  };
  needsHuman: string[];
}
