/**
 * An incident's row in the incidents list (GET /v1/incidents, `cordon list`, the console): read
 * from each execution's memo, never by querying every workflow. The API writes the start memo;
 * the workflow upserts phase, severity and pending approvals as they change and carries the
 * whole memo through continue-as-new (workflows/incident-workflow.ts).
 */
import type { WorkflowExecutionInfo } from '@temporalio/client';
import type { IncidentInput } from '../../workflows/definitions';

/** What the incidents list shows; phase and the rest come from the workflow's memo. */
export interface IncidentSummary {
  incidentId: string;
  status: string;
  startTime?: string;
  closeTime?: string;
  phase?: string;
  severity?: string;
  instanceId?: string;
  /** An access-key incident's key and the user (or role) it belongs to. */
  accessKeyId?: string;
  userName?: string;
  account?: string;
  region?: string;
  pendingApprovals?: number;
  /** The pinned runbook, `name version` (absent: the built-in order, or an incident opened before runbooks were pinned). */
  runbook?: string;
}

/** One execution's row: Temporal's status and times, the rest from its memo. */
export function listRow(wf: WorkflowExecutionInfo): IncidentSummary {
  const memo = (wf.memo ?? {}) as Partial<IncidentSummary>;
  return {
    incidentId: wf.workflowId,
    status: wf.status.name,
    startTime: wf.startTime?.toISOString(),
    closeTime: wf.closeTime?.toISOString(),
    phase: memo.phase,
    severity: memo.severity,
    instanceId: memo.instanceId,
    accessKeyId: memo.accessKeyId,
    userName: memo.userName,
    account: memo.account,
    region: memo.region,
    pendingApprovals: memo.pendingApprovals,
    ...(memo.runbook ? { runbook: memo.runbook } : {}),
  };
}

/** What the incidents list reads before the workflow first updates its memo. */
export function startMemo(input: IncidentInput): Record<string, unknown> {
  return {
    phase: 'open',
    severity: input.severity,
    ...input.resource,
    pendingApprovals: 0,
    ...(input.runbook ? { runbook: `${input.runbook.name} ${input.runbook.version}` } : {}),
  };
}
