/**
 * Prometheus metrics (prom-client), one registry per process.
 * API: alerts accepted/refused by source (counted as they arrive), and — read from Temporal at
 * scrape time, so every API replica reports the same truth — incidents by phase, approvals
 * pending, breach clocks by urgency. Worker: step (activity) durations; Temporal's own SDK
 * metrics are appended by the worker's metrics server (metrics-server.ts).
 * Invariants: labels carry sources, phases, urgencies and activity names only — never incident
 * content, ids or secrets; every series exists (at 0) from the first scrape.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { clockUrgencies, incidentPhases, type FleetSnapshot } from './fleet-snapshot';

export interface ApiMetrics {
  registry: Registry;
  alerts: Counter<'source' | 'outcome'>;
  /** Raw alert requests kept as evidence, by source and outcome (stored, duplicate, failed). */
  alertEvidence?: Counter<'source' | 'outcome'>;
}

/** `snapshot` reads Temporal once per scrape (it caches); a failed read shows as `cordon_metrics_read_errors_total`. */
export function createApiMetrics(snapshot: () => Promise<FleetSnapshot>): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'cordon_api_' });
  const alerts = new Counter({
    name: 'cordon_alerts_total',
    help: 'Alerts received, by source and outcome (accepted or refused:<http status>)',
    labelNames: ['source', 'outcome'],
    registers: [registry],
  });
  const alertEvidence = new Counter({
    name: 'cordon_alert_evidence_total',
    help: 'Raw alert requests written to the evidence store, by source and outcome (stored, duplicate, failed)',
    labelNames: ['source', 'outcome'],
    registers: [registry],
  });
  const readErrors = new Counter({
    name: 'cordon_metrics_read_errors_total',
    help: 'Scrapes that could not read incidents or clocks from Temporal',
    registers: [registry],
  });
  const read = async (): Promise<FleetSnapshot | undefined> =>
    snapshot().catch(() => {
      readErrors.inc();
      return undefined;
    });
  new Gauge({
    name: 'cordon_incidents',
    help: 'Incidents by phase (running ones by runbook phase; finished ones as closed)',
    labelNames: ['phase'],
    registers: [registry],
    async collect() {
      const snap = await read();
      for (const phase of incidentPhases) this.set({ phase }, snap?.incidentsByPhase[phase] ?? 0);
    },
  });
  new Gauge({
    name: 'cordon_approvals_pending',
    help: 'Runbook steps waiting for an operator decision',
    registers: [registry],
    async collect() {
      this.set((await read())?.approvalsPending ?? 0);
    },
  });
  new Gauge({
    name: 'cordon_breach_clocks',
    help: 'Open regulatory clocks by urgency (overdue, due within 6 h, within 24 h, later)',
    labelNames: ['urgency'],
    registers: [registry],
    async collect() {
      const snap = await read();
      for (const urgency of clockUrgencies) this.set({ urgency }, snap?.clocksByUrgency[urgency] ?? 0);
    },
  });
  return { registry, alerts, alertEvidence };
}

export interface WorkerMetrics {
  registry: Registry;
  stepDuration: Histogram<'activity' | 'kind' | 'outcome'>;
}

export function createWorkerMetrics(): WorkerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'cordon_worker_' });
  const stepDuration = new Histogram({
    name: 'cordon_step_duration_seconds',
    help: 'Runbook step (activity) durations by activity, kind (local or remote) and outcome',
    labelNames: ['activity', 'kind', 'outcome'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  return { registry, stepDuration };
}
