/**
 * Plain data of the decisions that start, stop or pause regulatory clocks apart from personal
 * data: classifications (NIS2 significant, DORA major, SEC material, NYDFS cybersecurity
 * incident) and law-enforcement delays, as recorded and as sent by the API. Type-only.
 *
 * Invariant: every instant is an ISO-8601 string in UTC once recorded; who decided and why is
 * part of every record.
 */
import type { ClassificationKind } from '../../src/regulatory/types';
import type { OperatorIdentity } from '../../src/domain/gate';

/**
 * An operator's classification decision (NIS2 significant, DORA major, SEC material, NYDFS
 * cybersecurity incident), with who/when/why. `yes` starts the regime's clocks — from `at`, and
 * for NIS2/DORA from `awareAt` where the regime counts from awareness; `no` makes them not
 * required. The latest record of a kind governs (reclassification).
 */
export interface ClassificationRecord {
  kind: ClassificationKind;
  outcome: 'yes' | 'no';
  /** When the classification / determination was made. */
  at: string;
  /** NIS2: when the entity became aware of the significant incident; DORA: of the ICT-related incident. */
  awareAt?: string;
  reason: string;
  by: string;
  recordedAt: string;
}

export interface RecordClassification {
  kind: ClassificationKind;
  outcome: 'yes' | 'no';
  at: string;
  awareAt?: string;
  reason: string;
  operator: OperatorIdentity;
}

/** A law-enforcement / national-security delay: a documented, time-boxed pause of named clocks. */
export interface DelayRecord {
  id: string;
  obligationIds: string[];
  /** 45 CFR 164.412: a written statement, or an oral one (then at most 30 days). */
  basis: 'written' | 'oral';
  agency: string;
  /** The official's identity (164.412(b)). */
  official: string;
  from: string;
  until: string;
  reason: string;
  by: string;
  recordedAt: string;
  endedAt?: string;
  endReason?: string;
  endedBy?: string;
}

export interface StartDelay {
  obligationIds: string[];
  basis: 'written' | 'oral';
  agency: string;
  official: string;
  from: string;
  until: string;
  reason: string;
  operator: OperatorIdentity;
}

export interface EndDelay {
  delayId: string;
  at: string;
  reason: string;
  operator: OperatorIdentity;
}
