/**
 * The incident's state as a plain class the workflow mutates and unit tests drive without
 * Temporal. Invariants: steps keep their declared order; every transition appends one
 * timeline entry, whose `data.transition` is the status the step moved to (readers use that
 * field, `stepTransition`, never the message); repeated alerts with the same dedup key are
 * tallied, not listed again.
 */
import {
  severityRank,
  type AlertTally,
  type IncidentAlert,
  type IncidentPhase,
  type IncidentSnapshot,
  type PlannedCall,
  type PrincipalDescription,
  type StepState,
  type StepStatus,
  type TargetDescription,
  type TimelineEntry,
} from '../../src/domain/incident';
import type { IncidentInput } from '../definitions';
import { phaseRules } from './phase-rules';
import type { StepName } from './step-order';

export interface StepDefinition {
  name: string;
  title: string;
}

/** What the incidents list shows without querying each workflow (kept in the workflow's memo). */
export interface IncidentSummary {
  phase: IncidentPhase;
  severity: IncidentSnapshot['severity'];
  pendingApprovals: number;
}

export class IncidentState {
  private readonly snap: IncidentSnapshot;
  private readonly tallies = new Map<string, AlertTally>();
  private summaryListener?: (summary: IncidentSummary) => void;
  private lastSummary = '';

  constructor(input: IncidentInput, steps: StepDefinition[], now: string) {
    const carried = input.carried ?? {};
    this.snap = {
      incidentId: input.incidentId,
      resource: input.resource,
      severity: carried.severity ?? input.severity,
      phase: carried.phase ?? 'open',
      openedAt: carried.openedAt ?? now,
      dryRun: input.dryRun,
      alertCount: carried.alertCount ?? 0,
      alerts: [],
      steps: carried.steps ?? steps.map((s) => ({ name: s.name, title: s.title, status: 'pending' as StepStatus })),
      timeline: carried.timeline ?? [],
      target: carried.target,
      ...(carried.principal ? { principal: carried.principal } : {}),
      plan: carried.plan,
    };
    const runbook =
      carried.runbook ??
      (input.runbook ? { name: input.runbook.name, version: input.runbook.version, sha256: input.runbook.sha256 } : undefined);
    if (runbook) this.snap.runbook = runbook;
    const provenance = carried.provenance ?? input.provenance;
    if (provenance) this.snap.provenance = provenance;
    for (const tally of carried.alerts ?? []) this.tallies.set(tally.dedupKey, tally);
    if (input.carried) return;
    const manual = provenance?.via === 'manual' && !input.dryRun ? provenance : undefined;
    if (manual && input.runbook)
      this.log({
        at: now,
        kind: 'note',
        actor: manual.requestedBy.name,
        message: `incident started by hand by ${manual.requestedBy.name}: runbook ${input.runbook.name} ${input.runbook.version} (sha256 ${input.runbook.sha256.slice(0, 12)}…), severity ${input.severity}${manualInputs(input.runbook.inputs)}; reason: ${manual.reason ?? '—'}`,
        data: {
          via: 'manual',
          requestedBy: manual.requestedBy,
          runbook: { name: input.runbook.name, version: input.runbook.version, sha256: input.runbook.sha256 },
          inputs: input.runbook.inputs,
          severity: input.severity,
          reason: manual.reason,
        },
      });
    else
      this.log({
        at: now,
        kind: 'note',
        message: input.dryRun ? `plan requested by ${input.openedBy} (plan mode: no AWS changes)` : `incident opened by ${input.openedBy}`,
      });
  }

  /** Called whenever phase, severity or the number of steps awaiting approval changes. */
  onSummaryChange(listener: (summary: IncidentSummary) => void): void {
    this.summaryListener = listener;
    this.lastSummary = JSON.stringify(this.summary());
  }

  summary(): IncidentSummary {
    return {
      phase: this.snap.phase,
      severity: this.snap.severity,
      pendingApprovals: this.snap.steps.filter((s) => s.status === 'awaiting-approval').length,
    };
  }

  private summaryMayHaveChanged(): void {
    if (!this.summaryListener) return;
    const next = this.summary();
    const key = JSON.stringify(next);
    if (key === this.lastSummary) return;
    this.lastSummary = key;
    this.summaryListener(next);
  }

  get phase(): IncidentPhase {
    return this.snap.phase;
  }
  get target(): TargetDescription | undefined {
    return this.snap.target;
  }
  get alertCount(): number {
    return this.snap.alertCount;
  }
  get timeline(): readonly TimelineEntry[] {
    return this.snap.timeline;
  }

  setPhase(phase: IncidentPhase, at: string): void {
    if (this.snap.phase === phase) return;
    this.snap.phase = phase;
    this.log({ at, kind: 'note', message: `incident is ${phase}` });
    this.summaryMayHaveChanged();
  }

  /** Applies the phase table (phase-rules.ts) for this moment around a step. */
  applyPhaseRules(moment: 'before' | 'after', step: StepName, at: string): void {
    const status = (name: StepName) => (this.hasStep(name) ? this.step(name).status : undefined);
    for (const rule of phaseRules)
      if (rule.moment === moment && rule.step === step && rule.when(status)) this.setPhase(rule.phase(status), at);
  }

  setTarget(target: TargetDescription): void {
    this.snap.target = target;
  }

  setPrincipal(principal: PrincipalDescription): void {
    this.snap.principal = principal;
  }

  addPlannedCalls(calls: PlannedCall[]): void {
    this.snap.plan = [...(this.snap.plan ?? []), ...calls];
  }

  /** Tallies an alert; returns true when its dedup key is new to this incident. */
  recordAlert(alert: IncidentAlert): boolean {
    this.snap.alertCount += 1;
    if (severityRank[alert.severity] > severityRank[this.snap.severity]) {
      this.snap.severity = alert.severity;
      this.summaryMayHaveChanged();
    }
    const known = this.tallies.get(alert.dedupKey);
    if (known) {
      known.count += 1;
      if (alert.lastSeen > known.lastSeen) known.lastSeen = alert.lastSeen;
      if (alert.status === 'resolved' && known.status !== 'resolved')
        this.log({
          at: alert.receivedAt,
          kind: 'alert',
          message: `source reports resolved: ${alert.title} (the incident stays open until an operator closes it)`,
        });
      known.status = alert.status;
      return false;
    }
    this.tallies.set(alert.dedupKey, {
      dedupKey: alert.dedupKey,
      source: alert.source,
      title: alert.title,
      severity: alert.severity,
      status: alert.status,
      count: 1,
      firstSeen: alert.firstSeen,
      lastSeen: alert.lastSeen,
    });
    this.log({
      at: alert.receivedAt,
      kind: 'alert',
      message: `${alert.source} ${alert.severity}: ${alert.title}`,
      data: { dedupKey: alert.dedupKey },
    });
    return true;
  }

  /** Earliest first-seen time across alerts: the start of the suspected compromise window. */
  firstSeen(): string | undefined {
    let first: string | undefined;
    for (const t of this.tallies.values()) if (!first || t.firstSeen < first) first = t.firstSeen;
    return first;
  }

  step(name: string): StepState {
    const found = this.snap.steps.find((s) => s.name === name);
    if (!found) throw new Error(`unknown step ${name}`);
    return found;
  }

  hasStep(name: string): boolean {
    return this.snap.steps.some((s) => s.name === name);
  }

  transition(name: string, status: StepStatus, at: string, detail?: string, actor?: string): void {
    const step = this.step(name);
    step.status = status;
    if (status === 'running' || status === 'awaiting-approval') step.startedAt ??= at;
    if (status === 'done' || status === 'failed' || status === 'skipped') step.endedAt = at;
    if (status === 'failed') step.error = detail;
    else if (detail) step.detail = detail;
    this.log({
      at,
      kind: 'step',
      step: name,
      message: `${step.title}: ${status}${detail ? ` — ${detail}` : ''}`,
      actor,
      data: { transition: status },
    });
    this.summaryMayHaveChanged();
  }

  /** Back to pending for a second pass of the runbook (an escalation re-runs what the first pass skipped). */
  resetStep(name: string): void {
    const step = this.step(name);
    step.status = 'pending';
    delete step.startedAt;
    delete step.endedAt;
    delete step.error;
    delete step.detail;
    delete step.approvals;
    this.summaryMayHaveChanged();
  }

  recordApproval(name: string, by: string, reason: string, at: string): number {
    const step = this.step(name);
    step.approvals = [...(step.approvals ?? []), { by, at, reason }];
    this.log({ at, kind: 'approval', step: name, actor: by, message: `${by} approved ${step.title}: ${reason}` });
    return step.approvals.length;
  }

  log(entry: TimelineEntry): void {
    this.snap.timeline.push(entry);
  }

  snapshot(): IncidentSnapshot {
    return {
      ...this.snap,
      alerts: [...this.tallies.values()].map((t) => ({ ...t })),
      steps: this.snap.steps.map((s) => ({ ...s })),
      timeline: [...this.snap.timeline],
    };
  }
}

/** A manual run's inputs for its opening timeline entry (`, inputs a=1, b=true`). */
function manualInputs(inputs: Record<string, unknown>): string {
  const pairs = Object.entries(inputs).map(([k, v]) => `${k}=${String(v)}`);
  return pairs.length ? `, inputs ${pairs.join(', ')}` : '';
}

const stepStatuses: readonly StepStatus[] = ['pending', 'awaiting-approval', 'running', 'done', 'failed', 'skipped'];
/** How a step entry's message read before entries carried `data.transition`: `<title>: <status>[ — detail]`. */
const legacyClosing = /: (done|failed|skipped)( —|$)/;

/**
 * The status a `step` timeline entry records, from its `data.transition`. Entries in histories
 * and carried timelines recorded before that field existed have only the message; for them the
 * message is read as it was written then, and only a closing status (done, failed, skipped) is
 * recognised — the one thing older readers asked of it.
 */
export function stepTransition(entry: TimelineEntry): StepStatus | undefined {
  if (entry.kind !== 'step' || entry.step === undefined) return undefined;
  const recorded = entry.data?.transition;
  if (recorded !== undefined) return stepStatuses.find((s) => s === recorded);
  return legacyClosing.exec(entry.message)?.[1] as StepStatus | undefined;
}

/** Whether a timeline entry records a step ending: done, failed or skipped. */
export function closesStep(entry: TimelineEntry): boolean {
  const status = stepTransition(entry);
  return status === 'done' || status === 'failed' || status === 'skipped';
}
