/**
 * The API's and CLI's door to incident workflows: open-or-join on an alert (signal-with-start
 * on the resource-derived id, carrying the runbook chosen for the alerts, pinned); a manual run
 * (an operator starts a named runbook on a resource: a plain start, refused when the resource's
 * incident is open); read state by query and the pinned runbook from the incident's first start
 * event; forward operator decisions as updates; and plans: a rehearsal runs as its own
 * `planWorkflow` under `plan-<uuid>`, never under the resource's incident id, so it can neither
 * join nor be joined by a live incident, with the runbook a live incident would pin (or the one given).
 * Invariants: every start and every alert signal carries who sent it (provenance.ts); a runbook
 * whose variants overlap for the facts is refused here (RunbookCannotStart), before anything starts.
 */
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow';
import { optionalTsToDate } from '@temporalio/common/lib/time';
import {
  resourceKindOf,
  severityRank,
  type IncidentAlert,
  type IncidentSnapshot,
  type ResourceKind,
  type ResourceRef,
  type Severity,
} from '../domain/incident';
import {
  closeIncidentUpdate,
  decideStepUpdate,
  evidenceHeadSignal,
  evidenceHeadsQuery,
  incidentStateQuery,
  type AlertsPolicyHint,
  type EvidenceHeads,
  type IncidentInput,
} from '../../workflows/definitions';
import { type OperatorIdentity, type StepDecision, type StepDecisionResult } from '../domain/gate';
import { type RunbookPolicy } from '../domain/runbook-policy';
import { alertFacts, checkRunbookStarts, policyFacts, type PinnedRunbook } from '../domain/runbook-definition';
import { catalogueEntry } from '../domain/runbook-catalogue';
import * as definitions from '../../workflows/definitions';
import { withCallDeadline } from './call-deadline';
import { listRow, startMemo, type IncidentSummary } from './incident-list-row';
import { incidentIdFor } from './incident-id';
import { describeRequester, type Provenance, type Requester } from '../domain/provenance';
import type { PlanInput } from '../../workflows/plan-workflow';
import crypto from 'node:crypto';

/** Who sent the alerts and what the API decided about their claims (source-trust.ts). */
export interface AlertOrigin {
  requestedBy?: Requester;
  /** Shown instead of the requester when given (tests and benches that open incidents directly). */
  openedBy?: string;
  /** False: these alerts may not raise the open incident's policy. */
  mayTighten?: boolean;
  /** Notes for the incident's timeline (e.g. a capped severity). */
  notes?: string[];
  /**
   * The sender's source has a severity ceiling (CORDON_SOURCE_SEVERITY_CEILING): a runbook may not
   * let it act without the person its ceiling asks for, so the runbook's `auto` gates fall back to the severity policy's.
   */
  underCeiling?: boolean;
}

/** The runbook an incident opened by these alerts runs (runbooks/runbook-library.ts), pinned; undefined: the built-in order. */
export type RunbookChooser = (alerts: readonly IncidentAlert[], severity: Severity, kind: ResourceKind) => PinnedRunbook | undefined;

/** Alerts about a resource no runbook answers (the built-in order is for EC2 instances only): nothing was started. */
export class NoRunbookError extends Error {
  override name = 'NoRunbookError';
}

/** What `GET /v1/plans/:id` shows. */
export interface PlanView {
  planId: string;
  status: string;
  result?: IncidentSnapshot;
}

/** The workflow's batch signal (workflows/definitions.ts `alertsReceivedSignal`), by name. */
export const ALERTS_RECEIVED_SIGNAL = 'alertsReceived';
/** True once workflows/definitions.ts defines the batch signal, i.e. the workflow handles it. */
export const workflowAcceptsAlertBatches = 'alertsReceivedSignal' in definitions;

export type { IncidentSummary } from './incident-list-row';

/** A manual run: who asked (an operator, from the token), why, and the severity whose policy decides its gates. */
export interface ManualRun {
  operator: string;
  reason: string;
  severity: Severity;
}

/** The resource already has an open incident: a manual run never joins one (its runbook is pinned already). */
export class IncidentAlreadyOpen extends Error {
  constructor(readonly incidentId: string) {
    super(`${incidentId} is open: a manual run starts a new incident and never joins one; decide or close the open incident first`);
    this.name = 'IncidentAlreadyOpen';
  }
}

/** What an incident pinned at its first start (GET /v1/incidents/:id/runbook). */
export interface PinnedView {
  incidentId: string;
  runbook?: PinnedRunbook;
  provenance?: Provenance;
  severity: Severity;
  startedAt?: string;
}

export interface IncidentServiceOptions {
  /** Deadline of each read and signal (call-deadline.ts); none when undefined. Updates wait for the workflow and carry none. */
  callDeadlineMs?: number;
  /** History events after which each new incident continues as new (CORDON_INCIDENT_HISTORY_EVENTS); the workflow's own default when undefined. */
  continueAsNewAfterEvents?: number;
}

export class IncidentService {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    private readonly policyFor: (severity: Severity) => RunbookPolicy,
    private readonly chooseRunbook?: RunbookChooser,
    private readonly options: IncidentServiceOptions = {},
  ) {}

  private call<T>(fn: () => Promise<T>): Promise<T> {
    return withCallDeadline(this.client, this.options.callDeadlineMs, fn);
  }

  /** Opens the resource's incident or joins it with one alert (a batch of one). Returns its id. */
  async openOrJoin(resource: ResourceRef, alert: IncidentAlert, origin: AlertOrigin = {}): Promise<string> {
    return this.openOrJoinBatch(resource, [alert], origin);
  }

  /**
   * Opens the resource's incident or joins it with several alerts in one signal-with-start (the
   * API's group commit: one history event for a burst), carrying the policy of their highest severity.
   */
  async openOrJoinBatch(resource: ResourceRef, alerts: IncidentAlert[], origin: AlertOrigin = {}): Promise<string> {
    const incidentId = incidentIdFor(resource);
    const { input, severity } = this.inputFor(incidentId, resource, alerts, origin);
    const hint: AlertsPolicyHint = {
      severity,
      policy: input.policy,
      ...(origin.requestedBy ? { requestedBy: origin.requestedBy } : {}),
      ...(origin.mayTighten === false ? { mayTighten: false } : {}),
      ...(origin.notes?.length ? { notes: origin.notes } : {}),
    };
    await this.call(() =>
      this.client.workflow.signalWithStart('incidentWorkflow', {
        workflowId: incidentId,
        taskQueue: this.taskQueue,
        args: [input],
        signal: ALERTS_RECEIVED_SIGNAL,
        signalArgs: [alerts, hint],
        memo: startMemo(input),
      }),
    );
    return incidentId;
  }

  /**
   * Starts the given runbook (pinned, inputs resolved) on the resource by hand: the operator is the
   * requester (four-eyes refuses their approval of its gates) and the severity's policy decides the
   * gates a runbook leaves to it, as for an operator's alert. No alert joins at start; later alerts
   * for the resource join it. Throws IncidentAlreadyOpen when the resource's incident is open.
   */
  async startManual(resource: ResourceRef, runbook: PinnedRunbook, run: ManualRun): Promise<string> {
    const incidentId = incidentIdFor(resource);
    const requestedBy: Requester = { kind: 'operator', name: run.operator };
    const policy = this.policyFor(run.severity);
    checkRunbookStarts(runbook, { alert: alertFacts([], run.severity), policy: policyFacts(policy), inputs: runbook.inputs });
    const input: IncidentInput = {
      incidentId,
      resource,
      severity: run.severity,
      openedBy: `${run.operator} (manual run)`,
      provenance: { requestedBy, mode: 'live', via: 'manual', reason: run.reason },
      policy,
      dryRun: false,
      runbook,
      ...this.historyLimit(),
    };
    try {
      await this.call(() =>
        this.client.workflow.start('incidentWorkflow', {
          workflowId: incidentId,
          taskQueue: this.taskQueue,
          args: [input],
          memo: startMemo(input),
        }),
      );
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) throw new IncidentAlreadyOpen(incidentId);
      throw err;
    }
    return incidentId;
  }

  /**
   * Starts a plan of what the runbook would do for these alerts; returns its id (`plan-<uuid>`).
   * The plan runs the runbook a live incident would pin for them, or `runbook` when given (a file not installed).
   */
  async plan(resource: ResourceRef, alerts: IncidentAlert[], origin: AlertOrigin = {}, runbook?: PinnedRunbook): Promise<string> {
    const planId = `plan-${crypto.randomUUID()}`;
    const { input } = this.inputFor(incidentIdFor(resource), resource, alerts, origin, runbook);
    const { dryRun: _dry, ...incident } = input;
    const plan: PlanInput = {
      planId,
      incident: { ...incident, provenance: { requestedBy: incident.provenance!.requestedBy, mode: 'plan' } },
      alerts,
    };
    await this.call(() => this.client.workflow.start('planWorkflow', { workflowId: planId, taskQueue: this.taskQueue, args: [plan] }));
    return planId;
  }

  /** Why alerts about this resource would be refused for want of a runbook (checked before anything is kept or started); undefined when one runs them. */
  runbookRefusal(resource: ResourceRef, alerts: readonly IncidentAlert[]): string | undefined {
    const kind = resourceKindOf(resource);
    const first = alerts[0];
    if (kind === 'ec2-instance' || !first) return undefined;
    const severity = alerts.reduce<Severity>((s, a) => (severityRank[a.severity] > severityRank[s] ? a.severity : s), first.severity);
    if (this.chooseRunbook?.(alerts, severity, kind)) return undefined;
    return `no runbook matches ${kind} alerts (${first.source}${first.findingType ? ` ${first.findingType}` : ''}); nothing was started`;
  }

  /** Throws RunbookCannotStart when the runbook these alerts would pin cannot start for them; starts nothing. */
  checkStart(resource: ResourceRef, alerts: IncidentAlert[], origin: AlertOrigin = {}): void {
    this.inputFor(incidentIdFor(resource), resource, alerts, origin);
  }

  /** A plan's status and, once it finished, the plan (waits up to `waitMs` for it). */
  async getPlan(planId: string, waitMs = 0): Promise<PlanView | undefined> {
    const handle = this.client.workflow.getHandle<(p: PlanInput) => Promise<IncidentSnapshot>>(planId);
    const described = await unlessNotFound(this.call(() => handle.describe()));
    if (!described) return undefined;
    let status = described.status.name;
    if (status === 'RUNNING' && waitMs > 0) {
      let timer: NodeJS.Timeout | undefined;
      const done = await Promise.race([
        handle.result().then(
          () => true,
          () => true,
        ),
        new Promise<false>((r) => {
          timer = setTimeout(() => r(false), waitMs);
        }),
      ]);
      clearTimeout(timer);
      if (done) status = (await handle.describe()).status.name;
    }
    if (status === 'COMPLETED') return { planId, status, result: await handle.result() };
    return { planId, status };
  }

  private historyLimit(): Pick<IncidentInput, 'continueAsNewAfterEvents'> {
    const events = this.options.continueAsNewAfterEvents;
    return events ? { continueAsNewAfterEvents: events } : {};
  }

  private inputFor(
    id: string,
    resource: ResourceRef,
    alerts: IncidentAlert[],
    origin: AlertOrigin,
    given?: PinnedRunbook,
  ): { input: IncidentInput; severity: Severity } {
    const first = alerts[0]!;
    const severity = alerts.reduce<Severity>((s, a) => (severityRank[a.severity] > severityRank[s] ? a.severity : s), first.severity);
    const requestedBy: Requester = origin.requestedBy ?? {
      kind: 'source',
      source: first.source,
      name: origin.openedBy ?? `${first.source} alert`,
    };
    const policy = this.policyFor(severity);
    const kind = resourceKindOf(resource);
    const chosen = given ?? this.chooseRunbook?.(alerts, severity, kind);
    if (!chosen && kind !== 'ec2-instance')
      throw new NoRunbookError(
        `no runbook matches ${kind} alerts (${first.source}${first.findingType ? ` ${first.findingType}` : ''}); nothing was started`,
      );
    const runbook = chosen && origin.underCeiling ? gatesUnderCeiling(chosen) : chosen;
    // The workflow resolves the same steps from the same facts; a runbook whose variants overlap is refused here, before anything starts.
    if (runbook) checkRunbookStarts(runbook, { alert: alertFacts(alerts, severity), policy: policyFacts(policy), inputs: runbook.inputs });
    const input: IncidentInput = {
      incidentId: id,
      resource,
      severity,
      openedBy: origin.openedBy ?? describeRequester(requestedBy),
      provenance: { requestedBy, mode: 'live' },
      policy,
      dryRun: false,
      ...(runbook ? { runbook } : {}),
      ...this.historyLimit(),
    };
    return { input, severity };
  }

  async get(incidentId: string): Promise<IncidentSnapshot | undefined> {
    return unlessNotFound(this.call(() => this.client.workflow.getHandle(incidentId).query(incidentStateQuery)));
  }

  /**
   * The runbook the incident pinned, exactly as its first run was started with it (continue-as-new
   * carries a resolved copy; this is the original), with who started it. Reads one history event.
   */
  async pinned(incidentId: string): Promise<PinnedView | undefined> {
    const described = await unlessNotFound(this.call(() => this.client.workflow.getHandle(incidentId).describe()));
    if (!described || described.type !== 'incidentWorkflow') return undefined;
    const runId = described.raw.workflowExecutionInfo?.firstRunId || described.runId;
    const history = await this.call(() =>
      this.client.workflowService.getWorkflowExecutionHistory({
        namespace: this.client.options.namespace,
        execution: { workflowId: incidentId, runId },
        maximumPageSize: 1,
      }),
    );
    const first = history.history?.events?.[0];
    const started = first?.workflowExecutionStartedEventAttributes;
    if (!started) return undefined;
    const input = await decodeFromPayloadsAtIndex<IncidentInput>(this.client.options.loadedDataConverter, 0, started.input?.payloads);
    return {
      incidentId,
      severity: input.severity,
      ...(input.runbook ? { runbook: input.runbook } : {}),
      ...(input.provenance ? { provenance: input.provenance } : {}),
      ...(first.eventTime ? { startedAt: optionalTsToDate(first.eventTime)?.toISOString() } : {}),
    };
  }

  async list(limit = 200): Promise<IncidentSummary[]> {
    return this.call(async () => {
      const out: IncidentSummary[] = [];
      for await (const wf of this.client.workflow.list({ query: `WorkflowType = 'incidentWorkflow'` })) {
        out.push(listRow(wf));
        if (out.length >= limit) break;
      }
      return out;
    });
  }

  async decide(incidentId: string, decision: StepDecision): Promise<StepDecisionResult> {
    return this.client.workflow.getHandle(incidentId).executeUpdate(decideStepUpdate, { args: [decision] });
  }

  async close(incidentId: string, operator: OperatorIdentity, reason: string): Promise<{ closed: boolean }> {
    return this.client.workflow.getHandle(incidentId).executeUpdate(closeIncidentUpdate, { args: [{ operator, reason }] });
  }

  /** The evidence chain heads anchored in the incident's history; undefined when there is no such workflow. */
  async evidenceHeads(incidentId: string): Promise<EvidenceHeads | undefined> {
    return unlessNotFound(this.call(() => this.client.workflow.getHandle(incidentId).query(evidenceHeadsQuery)));
  }

  /** Anchors a head the API wrote (a custody entry); false when the incident's workflow no longer takes signals. */
  async anchorEvidence(incidentId: string, head: { log: 'manifest' | 'audit'; seq: number; hash: string; via: string }): Promise<boolean> {
    try {
      await this.call(() => this.client.workflow.getHandle(incidentId).signal(evidenceHeadSignal, head));
      return true;
    } catch {
      return false;
    }
  }
}

/** The call's answer, or undefined when there is no such workflow. */
async function unlessNotFound<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

/** A runbook's `auto` gates become the severity policy's gates (where a capped source's ceiling puts a person). */
function gatesUnderCeiling(runbook: PinnedRunbook): PinnedRunbook {
  return {
    ...runbook,
    steps: runbook.steps.map((s) => (s.gate === 'auto' && catalogueEntry(s.step).kind === 'gate' ? { ...s, gate: 'policy' as const } : s)),
  };
}
