/**
 * Every signal, query and update of Cordon's workflows, with explicit generics. Imported by
 * the workflows and by the API/CLI, so both sides agree on names and shapes.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { IncidentAlert, IncidentSnapshot, ResourceRef, Severity } from '../src/domain/incident';
import type { Provenance, Requester } from '../src/domain/provenance';
import type { OperatorIdentity, StepDecision, StepDecisionResult } from '../src/domain/gate';
import type { RunbookPolicy } from '../src/domain/runbook-policy';
import type { PinnedRunbook } from '../src/domain/runbook-definition';

export interface IncidentInput {
  incidentId: string;
  resource: ResourceRef;
  severity: Severity;
  /** Who or what opened the incident, for display; gates read `provenance`, never this. */
  openedBy: string;
  /** Who asked, as an identity (absent in incidents opened before provenance existed). */
  provenance?: Provenance;
  policy: RunbookPolicy;
  /** True only in plan mode (`planWorkflow`, and plan-mode incidents recorded before it existed). */
  dryRun: boolean;
  /** Carried across continue-as-new. */
  carried?: Partial<IncidentSnapshot>;
  /** Identities of everyone who sent an alert so far (carried across continue-as-new for four-eyes). */
  requesters?: string[];
  /** The runbook the API chose at start, pinned (name, version, content hash, steps): the incident runs this copy. Absent: the built-in order (step-order.ts). */
  runbook?: PinnedRunbook;
  /** History events after which the incident continues as new (CORDON_INCIDENT_HISTORY_EVENTS); absent in older incidents: 10,000. */
  continueAsNewAfterEvents?: number;
}

export const alertReceivedSignal = defineSignal<[IncidentAlert]>('alertReceived');
/** Alerts that arrived together during a storm (the API's group commit), recorded in order. */
/**
 * The API's policy for the batch's highest severity rides along (optional: older senders omit it),
 * so an alert more severe than the one that opened the incident can tighten its runbook.
 */
export interface AlertsPolicyHint {
  severity: Severity;
  policy: RunbookPolicy;
  /** Who sent these alerts: a four-eyes gate refuses their approval. */
  requestedBy?: Requester;
  /** False when the sender's source may not raise an open incident's policy (CORDON_SOURCE_MAY_TIGHTEN). */
  mayTighten?: boolean;
  /** What the API decided about the sender's claims (e.g. a severity capped at its source's ceiling), for the timeline. */
  notes?: string[];
}
export const alertsReceivedSignal = defineSignal<[IncidentAlert[], AlertsPolicyHint?]>('alertsReceived');
export const incidentStateQuery = defineQuery<IncidentSnapshot>('incidentState');
export const decideStepUpdate = defineUpdate<StepDecisionResult, [StepDecision]>('decideStep');
export const closeIncidentUpdate = defineUpdate<{ closed: boolean }, [{ operator: OperatorIdentity; reason: string }]>('closeIncident');

// Breach notification (workflows/breach-notification-workflow.ts): clocks, draft, submissions.
export const breachStateQuery = defineQuery<BreachView>('breachState');
export const breachDraftQuery = defineQuery<DraftView>('breachDraft');
export const breachFactsSignal = defineSignal<[BreachFactsUpdate]>('breachFacts');
export const recordSubmissionUpdate = defineUpdate<{ obligationId: string; state: string; submissions: number }, [RecordSubmission]>(
  'recordSubmission',
);
export const setAwarenessUpdate = defineUpdate<{ awareAt: string }, [SetAwareness]>('setAwareness');
export const declareNotRequiredUpdate = defineUpdate<{ obligationIds: string[] }, [DeclareNotRequired]>('declareNotRequired');
/** An anchor event (DORA classification, SEC materiality, an authority's request, …): the clocks waiting for it start. */
export const recordAnchorUpdate = defineUpdate<{ anchor: string; at: string; started: string[] }, [RecordAnchor]>('recordAnchor');
/** The DPO's risk assessment (low/medium/high + reasoning): Art. 34 appears on high, shows as not required when lowered. */
export const assessRiskUpdate = defineUpdate<AssessRiskResult, [AssessRisk]>('assessRisk');
/** An operator's classification (NIS2 significant, DORA major, SEC material, NYDFS incident), yes or no: starts or closes that regime's clocks. */
export const recordClassificationUpdate = defineUpdate<
  { kind: string; outcome: string; started: string[]; notRequired: string[] },
  [RecordClassification]
>('recordClassification');
/** A law-enforcement / national-security delay: a documented, time-boxed pause of named clocks. */
export const startDelayUpdate = defineUpdate<{ delayId: string; obligationIds: string[] }, [StartDelay]>('startDelay');
/** A delay lifted before its time box: the paused clocks run again. */
export const endDelayUpdate = defineUpdate<{ delayId: string; endedAt: string }, [EndDelay]>('endDelay');
export type {
  AssessRisk,
  AssessRiskResult,
  BreachFactsUpdate,
  BreachNotificationInput,
  BreachView,
  DeclareNotRequired,
  DraftView,
  EndDelay,
  RecordAnchor,
  RecordClassification,
  RecordSubmission,
  SetAwareness,
  StartDelay,
} from './regulator-notification/types';
import type {
  AssessRisk,
  AssessRiskResult,
  BreachFactsUpdate,
  BreachView,
  DeclareNotRequired,
  DraftView,
  EndDelay,
  RecordAnchor,
  RecordClassification,
  RecordSubmission,
  SetAwareness,
  StartDelay,
} from './regulator-notification/types';

// ── Fleet guard (workflows/fleet-guard-workflow.ts): containment reservations per Auto Scaling group ──
/** Reserve before the first step that takes capacity away: granted, or queued with the over-budget reason. */
export const reserveContainmentUpdate = defineUpdate<ReserveAnswer, [ReserveContainment]>('reserveContainment');
/** An operator approved the incident's fleet-budget step: an override reservation past the budget. */
export const overrideContainmentUpdate = defineUpdate<OverrideAnswer, [OverrideContainment]>('overrideContainment');
/** The incident's containment ended (or it stopped waiting): its reservation or queue place is returned. */
export const releaseContainmentUpdate = defineUpdate<ReleaseAnswer, [ReleaseContainment]>('releaseContainment');
export const fleetGuardStateQuery = defineQuery<FleetGuardView>('fleetGuardState');
/** The guard to a queued incident: a freed slot is now its reservation. */
export const fleetReservationGrantedSignal = defineSignal<[FleetGrant]>('fleetReservationGranted');
/** The guard asks whether a holder still runs (no payload, no effect): a signal to a closed incident fails, and the guard takes its reservation back. */
export const fleetHolderLivenessSignal = defineSignal('fleetHolderLiveness');
export type {
  FleetGrant,
  FleetGuardInput,
  FleetGuardView,
  FleetLimits,
  OverrideAnswer,
  OverrideContainment,
  ReleaseAnswer,
  ReleaseContainment,
  ReserveAnswer,
  ReserveContainment,
} from './fleet/types';
import type {
  FleetGrant,
  FleetGuardView,
  OverrideAnswer,
  OverrideContainment,
  ReleaseAnswer,
  ReleaseContainment,
  ReserveAnswer,
  ReserveContainment,
} from './fleet/types';
// ── end of fleet guard ──

// ── Evidence anchors (src/evidence/verify.ts): chain heads Cordon wrote, kept in the incident's history ──
/** One head of the manifest or audit chain: the entry at `seq` had hash `hash` when Cordon wrote or read it. */
export interface EvidenceHead {
  seq: number;
  hash: string;
  at: string;
  via: string;
}
/** Every anchored head per chain, oldest first (bounded: runbook/evidence-anchors.ts). */
export interface EvidenceHeads {
  manifest: EvidenceHead[];
  audit: EvidenceHead[];
}
/** The API wrote a chain entry (custody of a verify or export): anchor its head. */
export const evidenceHeadSignal = defineSignal<[{ log: 'manifest' | 'audit'; seq: number; hash: string; via: string }]>('evidenceHead');
export const evidenceHeadsQuery = defineQuery<EvidenceHeads>('evidenceHeads');
/** Carried through continue-as-new so the new run's history holds the anchors too. */
export interface EvidenceAnchorCarry {
  evidenceAnchors?: EvidenceHeads;
}
// ── end of evidence anchors ──
