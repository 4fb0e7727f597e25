/**
 * The scale result: per backend, rows beside that backend's idle floor; one comparison table
 * of the headline figures (opening rate, storm joins, probe latencies, worker memory, store size
 * per incident) side by side with the issue's goals; and notes that say where the time went —
 * CPU seconds per process against what 2 cores offer, the CPU each incident costs and the rate
 * that cost allows, activity times (moto answers describeTarget and captureInstanceMetadata),
 * the workers' V8 profiles, the Temporal services' pprof and PostgreSQL's top statements.
 */
import os from 'node:os';
import type { BackendRun, CpuPhase } from './scale';
import { percentile, round, type BenchComparison, type BenchReport, type BenchRow } from './stats';

const p99 = (xs: number[]) => percentile(xs, 99);
const ms = (x: number) => `${round(x, 0)} ms`;
const top = (r: BackendRun) => r.levels[r.levels.length - 1]!;
const openRate = (r: BackendRun) => r.incidents / r.levels.reduce((s, l) => s + l.openSeconds, 0);
const cpuOf = (phase: CpuPhase) => Object.values(phase.byProcess).reduce((a, b) => a + b, 0);
/** CPU milliseconds every process (this one included) used per incident opened, and per storm alert joined. */
const cpuPerIncidentMs = (r: BackendRun) => (cpuOf(r.cpu.open) / r.incidents) * 1000;
const cpuPerJoinMs = (r: BackendRun) => (cpuOf(r.cpu.storm) / r.stormSignals) * 1000;

export const GOALS = { openingPerSecond: 50, stormPerSecond: 1000, signalP99Ms: 100, workerRssMiB: 600 };

function rows(r: BackendRun): BenchRow[] {
  const t = top(r);
  const at = (metric: string) => `${r.name}: ${metric}`;
  const maxRss = (w: { workerRssMiB: number[] }) => Math.max(...w.workerRssMiB);
  return [
    {
      metric: at(`alert sent → breach clock live p50 (ramp to ${r.incidents})`),
      unit: 'ms',
      value: percentile(r.openToClockMs, 50),
      floor: percentile(r.idleOpenToClockMs, 50),
    },
    {
      metric: at(`alert sent → breach clock live p99 (ramp to ${r.incidents})`),
      unit: 'ms',
      value: p99(r.openToClockMs),
      floor: p99(r.idleOpenToClockMs),
    },
    {
      metric: at(`largest worker RSS, ${r.incidents} open`),
      unit: 'MiB',
      value: maxRss(t.steady),
      floor: maxRss(r.idle),
      goal: `≤ ${GOALS.workerRssMiB} MiB`,
    },
    ...r.levels.flatMap((l) => [
      {
        metric: at(`peak worker RSS, ramp to ${l.open} open (sampled every second: opening, steady, storm)`),
        unit: 'MiB',
        value: Math.max(...l.peakRssMiB),
        floor: maxRss(r.idle),
        goal: l.open === r.incidents ? `≤ ${GOALS.workerRssMiB} MiB` : undefined,
      },
      {
        metric: at(`probe signal p99, ${l.open} open`),
        unit: 'ms',
        value: p99(l.steady.hotSignalMs),
        floor: p99(r.idle.hotSignalMs),
        goal: l.open === r.incidents ? `≤ ${GOALS.signalP99Ms} ms` : undefined,
      },
      { metric: at(`probe query p99, ${l.open} open`), unit: 'ms', value: p99(l.steady.hotQueryMs), floor: p99(r.idle.hotQueryMs) },
      {
        metric: at(`random incident: signal → visible p99, ${l.open} open`),
        unit: 'ms',
        value: p99(l.steady.coldVisibleMs),
        floor: p99(r.idle.hotSignalMs),
      },
      {
        metric: at(`storm signal p99, ${l.open} alerts at once`),
        unit: 'ms',
        value: p99(l.storm.latencyMs),
        floor: p99(r.idle.hotSignalMs),
      },
      {
        metric: at(`storm joins/s, ${l.open} alerts at once`),
        unit: '/s',
        value: l.storm.perSecond,
        floor: 1000 / Math.max(percentile(r.idle.hotSignalMs, 50), 0.001),
      },
    ]),
    {
      metric: at('failed Temporal client calls (all levels)'),
      unit: 'calls',
      value: r.levels.reduce((s, l) => s + l.errors, 0),
      floor: r.idleErrors,
    },
    { metric: at('Temporal server log error lines'), unit: 'lines', value: r.logErrors.count, floor: 0 },
  ];
}

function comparison(runs: BackendRun[]): BenchComparison {
  const n = runs[0]!.incidents;
  const v = (f: (r: BackendRun) => number) => runs.map(f);
  return {
    title:
      runs.length > 1
        ? `the same load on each backend, ${n} open incidents, ${runs[0]!.workers} worker processes each`
        : `${runs[0]!.label} alone, ${n} open incidents, ${runs[0]!.workers} worker processes`,
    columns: runs.map((r) => r.label),
    rows: [
      {
        metric: 'opening rate (incident + breach clock live)',
        unit: 'incidents/s',
        values: v(openRate),
        goal: `≥ ${GOALS.openingPerSecond}/s`,
      },
      { metric: 'alert → breach clock live, p99 over the ramp', unit: 'ms', values: v((r) => p99(r.openToClockMs)) },
      {
        metric: `alert-storm joins, ${n} alerts at once`,
        unit: 'alerts/s',
        values: v((r) => top(r).storm.perSecond),
        goal: `≥ ${GOALS.stormPerSecond.toLocaleString('en-US')}/s`,
      },
      { metric: `alert-storm join p99, ${n} alerts at once`, unit: 'ms', values: v((r) => p99(top(r).storm.latencyMs)) },
      { metric: 'alert storm drained (last join visible)', unit: 's', values: v((r) => top(r).storm.drainMs / 1000) },
      {
        metric: `signal p99 at ${n} open (probe incidents, cached)`,
        unit: 'ms',
        values: v((r) => p99(top(r).steady.hotSignalMs)),
        goal: `≤ ${GOALS.signalP99Ms} ms`,
      },
      { metric: `query p99 at ${n} open (probe incidents, cached)`, unit: 'ms', values: v((r) => p99(top(r).steady.hotQueryMs)) },
      {
        metric: `signal → visible p99 at ${n} open (random incident: replay when evicted)`,
        unit: 'ms',
        values: v((r) => p99(top(r).steady.coldVisibleMs)),
      },
      {
        metric: `worker RSS at ${n} open (largest worker)`,
        unit: 'MiB',
        values: v((r) => Math.max(...top(r).steady.workerRssMiB)),
        goal: `≤ ${GOALS.workerRssMiB} MiB`,
      },
      {
        metric: `peak worker RSS through the ramp (every second, storms included)`,
        unit: 'MiB',
        values: v((r) => Math.max(...r.levels.flatMap((l) => l.peakRssMiB))),
        goal: `≤ ${GOALS.workerRssMiB} MiB`,
      },
      { metric: `workflows cached at ${n} open (all workers)`, unit: 'workflows', values: v((r) => top(r).steady.cachedWorkflows) },
      {
        metric: 'store size per incident (growth over the ramp ÷ incidents)',
        unit: 'KiB',
        values: v((r) => (top(r).storeBytes - r.idleStoreBytes) / r.incidents / 1024),
      },
      { metric: 'CPU per incident opened, all processes', unit: 'ms', values: v(cpuPerIncidentMs) },
      { metric: 'CPU per storm alert joined, all processes', unit: 'ms', values: v(cpuPerJoinMs) },
      { metric: 'failed Temporal client calls', unit: 'calls', values: v((r) => r.levels.reduce((s, l) => s + l.errors, 0)) },
    ],
  };
}

/** Where the CPU of one phase went and what it allows on this machine's cores: the evidence behind a rate. */
function cpuSplit(r: BackendRun, phase: 'open' | 'storm'): string {
  const cores = os.cpus().length;
  const p = r.cpu[phase];
  const used = cpuOf(p);
  const byProcess = Object.entries(p.byProcess).sort((a, b) => b[1] - a[1]);
  const perUnit = phase === 'open' ? cpuPerIncidentMs(r) : cpuPerJoinMs(r);
  const goal = phase === 'open' ? GOALS.openingPerSecond : GOALS.stormPerSecond;
  const what = phase === 'open' ? 'incident opened' : 'alert joined';
  return (
    `${r.name}: CPU while ${phase === 'open' ? 'opening' : 'storming'}: ${round(used, 0)} s of the ${round(cores * p.wallS, 0)} s ${cores} cores offered in ${round(p.wallS, 0)} s ` +
    `(${round((used / (cores * p.wallS)) * 100, 0)} %; the rest went to other work on the machine or to waiting): ` +
    `${byProcess.map(([name, s]) => `${name} ${round(s, 0)} s (${round((s / used) * 100, 0)} %)`).join(', ')}. ` +
    `${round(perUnit, 1)} ms of CPU per ${what} across these processes: ${cores} cores allow at most ~${round((cores * 1000) / perUnit, 0)}/s; ` +
    `${goal.toLocaleString('en-US')}/s needs ≤ ${round((cores * 1000) / goal, 1)} ms per ${what}.`
  );
}

function activities(r: BackendRun): string {
  const entries = Object.entries(r.activities).sort((a, b) => b[1].count * b[1].meanMs - a[1].count * a[1].meanMs);
  const total = entries.reduce((s, [, a]) => s + a.count * a.meanMs, 0);
  const moto = entries
    .filter(([k]) => k === 'describeTarget' || k === 'captureInstanceMetadata')
    .reduce((s, [, a]) => s + a.count * a.meanMs, 0);
  return (
    `${r.name}: activity time over the ramp (mean, p50/p99 bucket bounds, ms): ${entries.map(([k, a]) => `${k} ${round(a.meanMs, 0)} (${round(a.p50Ms, 0)}/${round(a.p99Ms, 0)}) ×${a.count}`).join(', ')}; ` +
    `the two activities that wait on moto (describeTarget, captureInstanceMetadata) are ${total > 0 ? round((moto / total) * 100, 0) : 0} % of all activity time`
  );
}

function profiles(r: BackendRun): string[] {
  const out = Object.entries(r.profiles).map(
    ([worker, p]) =>
      `${r.name} ${worker} V8 profile (${p.seconds} s over its threads; share of busy samples): ` +
      `${Object.entries(p.shares)
        .map(([k, s]) => `${k} ${s} %`)
        .join(', ')}; top functions: ${p.top
        .slice(0, 5)
        .map((t) => `${t.fn} ${t.share} %`)
        .join(', ')}`,
  );
  for (const [service, p] of Object.entries(r.pprof)) {
    out.push(
      `${r.name} temporal ${service} pprof (30 s of the last ramp): samples under ${Object.entries(p.areas)
        .filter(([, s]) => s > 0)
        .map(([k, s]) => `${k} ${s} %`)
        .join(', ')}; flat top: ${p.top
        .slice(0, 4)
        .map((t) => `${t.fn} ${t.share} %`)
        .join(', ')}`,
    );
  }
  if (r.history) {
    const s = (x: number) => (Number.isFinite(x) ? `${round(x * 1000, 1)} ms` : '—');
    out.push(
      `${r.name} history service over the ramp and storms: waits for a shard's lock (semaphore_latency, ${r.history.shardLock.count} acquisitions) p50 ≤ ${s(r.history.shardLock.p50)}, p99 ≤ ${s(r.history.shardLock.p99)}; ` +
        `persistence calls (${r.history.persistence.count}) p50 ≤ ${s(r.history.persistence.p50)}, p99 ≤ ${s(r.history.persistence.p99)} (bucket bounds)`,
    );
  }
  if (r.statements?.length)
    out.push(
      `${r.name} PostgreSQL top statements by total time: ${r.statements
        .slice(0, 5)
        .map((s) => `${round(s.totalMs / 1000, 1)} s in ${s.calls} calls (${round(s.meanMs, 2)} ms each): ${s.query.slice(0, 90)}`)
        .join(' | ')}`,
    );
  return out;
}

function memory(r: BackendRun, budget: number): string {
  const t = top(r);
  const cached = t.steady.cachedWorkflows;
  const limit = r.maxCachedWorkflows.reduce((a, b) => a + b, 0);
  const workflows = (r.incidents + 3) * 2;
  return (
    `${r.name}: workers at CORDON_WORKER_MEMORY_MIB=${budget} keep ${r.maxCachedWorkflows.join(' + ')} workflows cached; at ${r.incidents} open (${workflows} incident and breach workflows) they held ${cached} of ${limit} (${round((Math.min(cached, workflows) / workflows) * 100, 0)} % of the workflows), ` +
    `RSS ${t.steady.workerRssMiB.map((x) => round(x, 0)).join(' / ')} MiB (idle ${r.idle.workerRssMiB.map((x) => round(x, 0)).join(' / ')}). ` +
    `Eviction cost: a signal to a random incident is visible after ${ms(percentile(t.steady.coldVisibleMs, 50))} p50 / ${ms(p99(t.steady.coldVisibleMs))} p99 (replayed from history when evicted), a cached probe's query answers in ${ms(percentile(t.steady.hotQueryMs, 50))} p50 / ${ms(p99(t.steady.hotQueryMs))} p99`
  );
}

function levels(r: BackendRun): string {
  return `${r.name}: levels ${r.levels.map((l) => `${l.open}: opened in ${round(l.openSeconds, 0)} s, settled in ${round(l.steady.settleMs / 1000, 1)} s, storm ${round(l.storm.perSecond, 0)}/s drained in ${round(l.storm.drainMs / 1000, 1)} s, ${l.steady.cachedWorkflows} cached, RSS ${l.steady.workerRssMiB.map((x) => round(x, 0)).join('/')} MiB`).join('; ')}`;
}

export function scaleReport(
  runs: BackendRun[],
  config: { workerMemoryMiB: number; concurrency: number; windowSeconds: number },
): BenchReport {
  return {
    name: 'scale',
    rows: runs.flatMap(rows),
    comparison: comparison(runs),
    notes: [
      `load: ${runs[0]!.incidents} incidents opened through IncidentService.openOrJoin (${config.concurrency} in flight), record-only policy, each with a breach-notification child and its 72 h GDPR clock; floor = idle: only the 3 probe incidents open, measured first on the same processes; ` +
        `probes alternate every 100 ms for ${config.windowSeconds} s between a cached probe incident (signal, query) and a random open one (signal, then queries until it shows); worker RSS is each worker process's`,
      ...runs.flatMap((r) => [
        levels(r),
        memory(r, config.workerMemoryMiB),
        cpuSplit(r, 'open'),
        cpuSplit(r, 'storm'),
        activities(r),
        ...profiles(r),
      ]),
      ...runs.filter((r) => r.errorSamples.length).map((r) => `${r.name}: failed calls, first: ${r.errorSamples.join(' | ')}`),
      ...runs
        .filter((r) => r.logErrors.samples.length)
        .map((r) => `${r.name}: Temporal log errors, first: ${r.logErrors.samples.join(' | ')}`),
    ],
    raw: { runs },
  };
}
