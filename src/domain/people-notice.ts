import type { Severity } from './incident';

/** What the people notifier is asked to deliver; `idempotencyKey` is stable per event, so retries never page twice. */
export interface PeopleNotice {
  /**
   * `step-failed`: a runbook step ended failed (e.g. a permanent AWS error); `message` says why and what to do.
   * `test`: sent by `cordon test-notifiers` only, never by a workflow.
   */
  kind: 'approval-needed' | 'reminder' | 'escalation' | 'overdue' | 'step-failed' | 'test';
  idempotencyKey: string;
  incidentId: string;
  step: string;
  stepTitle: string;
  severity: Severity;
  /** Who should act: contacts from the gate policy. */
  to: string[];
  message: string;
  /** Escalation round (0 when the gate opens). */
  round: number;
  at: string;
  /** Roles that may decide, and approvals still needed. */
  approverRoles: string[];
  approvalsNeeded: number;
}
