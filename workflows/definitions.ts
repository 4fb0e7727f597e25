/**
 * Every signal, query and update of Cordon's workflows, with explicit generics. Imported by
 * the workflows and by the API/CLI, so both sides agree on names and shapes.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { IncidentAlert, IncidentSnapshot, ResourceRef, Severity } from '../src/domain/incident';

export type GateMode = 'auto' | 'approve' | 'two-person';
export type GateTimeoutOutcome = 'proceed' | 'abort' | 'escalate';

export interface GatePolicy {
  mode: GateMode;
  /** Roles allowed to approve (admin always may). */
  approverRoles: string[];
  /** Four-eyes: the requester may not approve their own request. */
  forbidSelfApproval: boolean;
  timeoutMinutes: number;
  onTimeout: GateTimeoutOutcome;
}

export interface RunbookPolicy {
  /** The containment gate; `record-only` opens the incident and acts on nothing. */
  contain: GatePolicy | 'record-only';
  replace: GatePolicy;
  /** Move network isolation first when the alert shows exfiltration or C2 (AWS.md §1.2 step 7 note). */
  isolateFirstOnActiveThreat: boolean;
  /** How the instance leaves its Auto Scaling group (AWS.md §1.2 step 5): detach (default) or Standby (S3). */
  leaveGroup?: 'detach' | 'standby';
  /** The AWSRevokeOlderSessions deny on the instance's role (S6): off by default, else behind this gate. */
  revokeSessions?: GatePolicy | 'off';
  /** Accept the accused instance's own image as known-good (default: never). */
  trustAccusedImage?: boolean;
  /** The image itself is suspect: offer an instance refresh of the whole group behind this gate. */
  imageSuspect?: { refresh: GatePolicy };
  /** Durable wait for the clean replacement (workflow timers between reads). */
  replacement?: { deadlineMinutes: number; pollSeconds: number };
}

export interface IncidentInput {
  incidentId: string;
  resource: ResourceRef;
  severity: Severity;
  /** Who or what opened the incident (an alert source, or an operator). */
  openedBy: string;
  policy: RunbookPolicy;
  dryRun: boolean;
  /** Carried across continue-as-new. */
  carried?: Partial<IncidentSnapshot>;
}

export interface OperatorIdentity {
  name: string;
  roles: string[];
}

export interface StepDecision {
  step: string;
  decision: 'approve' | 'reject';
  reason: string;
  operator: OperatorIdentity;
}

export interface StepDecisionResult {
  step: string;
  status: string;
  approvals: number;
  required: number;
}

export const alertReceivedSignal = defineSignal<[IncidentAlert]>('alertReceived');
export const incidentStateQuery = defineQuery<IncidentSnapshot>('incidentState');
export const decideStepUpdate = defineUpdate<StepDecisionResult, [StepDecision]>('decideStep');
export const closeIncidentUpdate = defineUpdate<{ closed: boolean }, [{ operator: OperatorIdentity; reason: string }]>('closeIncident');
