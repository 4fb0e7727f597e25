/**
 * The API's and CLI's door to incident workflows: open-or-join on an alert (signal-with-start
 * on the resource-derived id), read state by query, forward operator decisions as updates.
 */
import { WorkflowNotFoundError, type Client, type WorkflowExecutionInfo } from '@temporalio/client';
import { severityRank, type IncidentAlert, type IncidentSnapshot, type ResourceRef, type Severity } from '../domain/incident';
import {
  closeIncidentUpdate, decideStepUpdate, incidentStateQuery, type IncidentInput, type OperatorIdentity,
  type RunbookPolicy, type StepDecision, type StepDecisionResult,
} from '../../workflows/definitions';
import * as definitions from '../../workflows/definitions';
import { incidentIdFor } from './incident-id';

/** The workflow's batch signal (workflows/definitions.ts `alertsReceivedSignal`), by name. */
export const ALERTS_RECEIVED_SIGNAL = 'alertsReceived';
/** True once workflows/definitions.ts defines the batch signal, i.e. the workflow handles it. */
export const workflowAcceptsAlertBatches = 'alertsReceivedSignal' in definitions;

/** What the incidents list shows; phase and the rest come from the workflow's memo. */
export interface IncidentSummary {
  incidentId: string;
  status: string;
  startTime?: string;
  closeTime?: string;
  phase?: string;
  severity?: string;
  instanceId?: string;
  account?: string;
  region?: string;
  pendingApprovals?: number;
}

export class IncidentService {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    private readonly policyFor: (severity: Severity) => RunbookPolicy,
  ) {}

  /** Opens the resource's incident or joins it with one alert (a batch of one). Returns its id. */
  async openOrJoin(resource: ResourceRef, alert: IncidentAlert, opts: { dryRun?: boolean; openedBy?: string } = {}): Promise<string> {
    return this.openOrJoinBatch(resource, [alert], opts);
  }

  /**
   * Opens the resource's incident or joins it with several alerts in one signal-with-start (the
   * API's group commit: one history event for a burst), carrying the policy of their highest severity.
   */
  async openOrJoinBatch(resource: ResourceRef, alerts: IncidentAlert[], opts: { dryRun?: boolean; openedBy?: string } = {}): Promise<string> {
    const incidentId = incidentIdFor(resource);
    const first = alerts[0]!;
    const severity = alerts.reduce<Severity>((s, a) => (severityRank[a.severity] > severityRank[s] ? a.severity : s), first.severity);
    const input: IncidentInput = {
      incidentId, resource, severity, openedBy: opts.openedBy ?? `${first.source} alert`, policy: this.policyFor(severity), dryRun: opts.dryRun ?? false,
    };
    await this.client.workflow.signalWithStart('incidentWorkflow', {
      workflowId: incidentId, taskQueue: this.taskQueue, args: [input], signal: ALERTS_RECEIVED_SIGNAL, signalArgs: [alerts, { severity, policy: input.policy }],
      memo: { phase: 'open', severity, ...resource, pendingApprovals: 0 },
    });
    return incidentId;
  }

  async get(incidentId: string): Promise<IncidentSnapshot | undefined> {
    try {
      return await this.client.workflow.getHandle(incidentId).query(incidentStateQuery);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  }

  async list(limit = 200): Promise<IncidentSummary[]> {
    const out: IncidentSummary[] = [];
    for await (const wf of this.client.workflow.list({ query: `WorkflowType = 'incidentWorkflow'` })) {
      out.push(summary(wf));
      if (out.length >= limit) break;
    }
    return out;
  }

  async decide(incidentId: string, decision: StepDecision): Promise<StepDecisionResult> {
    return this.client.workflow.getHandle(incidentId).executeUpdate(decideStepUpdate, { args: [decision] });
  }

  async close(incidentId: string, operator: OperatorIdentity, reason: string): Promise<{ closed: boolean }> {
    return this.client.workflow.getHandle(incidentId).executeUpdate(closeIncidentUpdate, { args: [{ operator, reason }] });
  }
}

function summary(wf: WorkflowExecutionInfo): IncidentSummary {
  const memo = (wf.memo ?? {}) as Partial<IncidentSummary>;
  return {
    incidentId: wf.workflowId, status: wf.status.name, startTime: wf.startTime?.toISOString(), closeTime: wf.closeTime?.toISOString(),
    phase: memo.phase, severity: memo.severity, instanceId: memo.instanceId, account: memo.account, region: memo.region, pendingApprovals: memo.pendingApprovals,
  };
}
