/**
 * The ingest benchmark's rows (one per load and side) as a report like every other benchmark's:
 * per load, sustained alerts/s and accept latency p50/p99 beside the bare endpoint measured in the
 * same run, and Temporal's own share (the signal-with-start p99).
 */
import type { IngestRow } from './ingest';
import type { BenchReport, BenchRow } from './stats';

export function ingestReport(rows: IngestRow[], table: string): BenchReport {
  const out: BenchRow[] = [];
  for (const load of [...new Set(rows.map((r) => r.load))]) {
    const f = rows.find((r) => r.load === load && r.target === 'floor');
    const c = rows.find((r) => r.load === load && r.target === 'cordon');
    if (!f || !c) continue;
    out.push(
      { metric: `${load}: alerts/s`, unit: '/s', value: c.alertsPerSecond, floor: f.alertsPerSecond },
      { metric: `${load}: accept p50`, unit: 'ms', value: c.p50Ms, floor: f.p50Ms },
      { metric: `${load}: accept p99`, unit: 'ms', value: c.p99Ms, floor: f.p99Ms },
      { metric: `${load}: signal-with-start p99`, unit: 'ms', value: c.signalP99Ms ?? Number.NaN, floor: f.p99Ms },
    );
  }
  return { name: 'ingest', rows: out, notes: [`\n${table}`], raw: { rows } };
}
