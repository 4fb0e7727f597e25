/**
 * What the API's gauges show, read from Temporal at scrape time: running incidents by phase and
 * their pending approvals (from each workflow's memo, kept current by the workflow — no query
 * per incident), finished incidents counted as closed, and every open breach clock bucketed by
 * urgency (from the breach workflows' state query, bounded). One read serves a whole scrape and
 * is cached briefly, so several scrapers cannot multiply the load on Temporal.
 * `summarise` and `clockUrgency` are pure and unit-testable.
 */
import type { Client } from '@temporalio/client';
import { breachStateQuery } from '../../workflows/definitions';

export const incidentPhases = ['open', 'containing', 'contained', 'recovering', 'monitoring', 'failed', 'closed'] as const;
export const clockUrgencies = ['overdue', 'due_6h', 'due_24h', 'later'] as const;
export type ClockUrgency = (typeof clockUrgencies)[number];

export interface FleetSnapshot {
  incidentsByPhase: Record<string, number>;
  approvalsPending: number;
  clocksByUrgency: Record<ClockUrgency, number>;
}

export interface RunningIncident {
  phase?: string;
  pendingApprovals?: number;
}
export interface OpenClock {
  dueAt?: string;
  resolved: boolean;
}

const HOUR = 3_600_000;

/** Same thresholds as the CLI's colours: overdue, under 6 h, under a day, later. */
export function clockUrgency(dueAt: string, nowMs: number): ClockUrgency {
  const left = Date.parse(dueAt) - nowMs;
  return left <= 0 ? 'overdue' : left <= 6 * HOUR ? 'due_6h' : left <= 24 * HOUR ? 'due_24h' : 'later';
}

export function summarise(running: RunningIncident[], closed: number, clocks: OpenClock[], nowMs: number): FleetSnapshot {
  const incidentsByPhase: Record<string, number> = Object.fromEntries(incidentPhases.map((p) => [p, 0]));
  let approvalsPending = 0;
  for (const i of running) {
    const phase = i.phase && i.phase !== 'closed' ? i.phase : 'open';
    incidentsByPhase[phase] = (incidentsByPhase[phase] ?? 0) + 1;
    approvalsPending += i.pendingApprovals ?? 0;
  }
  incidentsByPhase.closed = (incidentsByPhase.closed ?? 0) + closed;
  const clocksByUrgency = Object.fromEntries(clockUrgencies.map((u) => [u, 0])) as Record<ClockUrgency, number>;
  // Qualitative clocks ("without undue delay") have no due instant: they are never bucketed.
  for (const c of clocks) if (!c.resolved && c.dueAt) clocksByUrgency[clockUrgency(c.dueAt, nowMs)] += 1;
  return { incidentsByPhase, approvalsPending, clocksByUrgency };
}

export interface SnapshotOptions {
  /** How long one read serves scrapes (default 5 s). */
  cacheMs?: number;
  /** Most running workflows read per type per scrape (default 2,000). */
  limit?: number;
  incidentWorkflowType?: string;
  breachWorkflowType?: string;
}

export function temporalFleetSnapshot(client: Client, opts: SnapshotOptions = {}): () => Promise<FleetSnapshot> {
  const limit = opts.limit ?? 2000;
  const incidentType = opts.incidentWorkflowType ?? 'incidentWorkflow';
  const breachType = opts.breachWorkflowType ?? 'breachNotificationWorkflow';
  const running = (type: string) => `WorkflowType = '${type}' AND ExecutionStatus = 'Running'`;

  async function read(): Promise<FleetSnapshot> {
    const incidents: RunningIncident[] = [];
    for await (const wf of client.workflow.list({ query: running(incidentType) })) {
      const memo = (wf.memo ?? {}) as RunningIncident;
      incidents.push({ phase: memo.phase, pendingApprovals: memo.pendingApprovals });
      if (incidents.length >= limit) break;
    }
    const closed = (await client.workflow.count(`WorkflowType = '${incidentType}' AND ExecutionStatus != 'Running'`)).count;
    const breachIds: string[] = [];
    for await (const wf of client.workflow.list({ query: running(breachType) })) {
      breachIds.push(wf.workflowId);
      if (breachIds.length >= limit) break;
    }
    const clocks: OpenClock[] = [];
    // A few queries at a time: a breach workflow whose worker is busy must not stall the scrape for all.
    for (let i = 0; i < breachIds.length; i += 8) {
      const views = await Promise.all(
        breachIds.slice(i, i + 8).map((id) =>
          client.workflow
            .getHandle(id)
            .query(breachStateQuery)
            .catch(() => undefined),
        ),
      );
      for (const v of views) for (const c of v?.clocks ?? []) clocks.push({ dueAt: c.dueAt, resolved: c.resolved });
    }
    return summarise(incidents, closed, clocks, Date.now());
  }

  let cached: { at: number; value: Promise<FleetSnapshot> } | undefined;
  return () => {
    if (!cached || Date.now() - cached.at > (opts.cacheMs ?? 5000)) {
      const value = read();
      cached = { at: Date.now(), value };
      value.catch(() => {
        if (cached?.value === value) cached = undefined;
      });
    }
    return cached.value;
  };
}
