/**
 * Prometheus metrics (prom-client). The API counts alerts and, at scrape time, reads incident
 * phases and pending approvals from the workflows' memos; the worker times every activity.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { IncidentSummary } from '../temporal/incident-service';

export interface ApiMetrics {
  registry: Registry;
  alerts: Counter<'source' | 'outcome'>;
}

export function createApiMetrics(listIncidents: () => Promise<IncidentSummary[]>): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'cordon_api_' });
  const alerts = new Counter({ name: 'cordon_alerts_total', help: 'Alerts received, by source and outcome (accepted or refused:<code>)', labelNames: ['source', 'outcome'], registers: [registry] });
  let cache: { at: number; value: Promise<IncidentSummary[]> } | undefined;
  // One list call serves every gauge of a scrape.
  const incidents = () => {
    if (!cache || Date.now() - cache.at > 1000) cache = { at: Date.now(), value: listIncidents().catch(() => []) };
    return cache.value;
  };
  new Gauge({
    name: 'cordon_incidents', help: 'Incidents by phase (open ones by runbook phase, finished ones as closed)', labelNames: ['phase'], registers: [registry],
    async collect() {
      this.reset();
      for (const i of await incidents()) this.inc({ phase: i.status === 'RUNNING' ? i.phase ?? 'open' : 'closed' });
    },
  });
  new Gauge({
    name: 'cordon_approvals_pending', help: 'Steps waiting for an operator decision', registers: [registry],
    async collect() {
      this.set((await incidents()).filter((i) => i.status === 'RUNNING').reduce((n, i) => n + (i.pendingApprovals ?? 0), 0));
    },
  });
  return { registry, alerts };
}

export interface WorkerMetrics {
  registry: Registry;
  activityDuration: Histogram<'activity' | 'outcome'>;
}

export function createWorkerMetrics(): WorkerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'cordon_worker_' });
  const activityDuration = new Histogram({
    name: 'cordon_step_duration_seconds', help: 'Runbook activity (step) durations by activity and outcome',
    labelNames: ['activity', 'outcome'], buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300], registers: [registry],
  });
  return { registry, activityDuration };
}
