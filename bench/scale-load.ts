/**
 * The scale load, the same on every backend: incidents opened through IncidentService.openOrJoin
 * (the API's own door) with the record-only policy on tagged moto instances (each describes its
 * target and starts a real breach-notification child with a 72 h GDPR clock); steady-state windows
 * of probes; alert storms that join every open incident. Every Temporal client call has a deadline;
 * failures are counted, never retried.
 * Probes in a window, in turn: a hot probe (signal + query on one of 3 probe incidents, which the
 * workers keep cached) and a cold probe (a signal to a random open incident, then queries until it
 * shows: when the worker has evicted it, this is the replay on wake). Worker RSS is each worker
 * process's, read from /proc; cache sizes and task slots come from each worker's /metrics.
 */
import { performance, monitorEventLoopDelay } from 'node:perf_hooks';
import fs from 'node:fs';
import type { IncidentAlert } from '../src/domain/incident';
import { defaultPolicies } from '../src/policy/runbook-policy';
import { IncidentService } from '../src/temporal/incident-service';
import { incidentStateQuery } from '../workflows/definitions';
import type { RunbookPolicy } from '../src/domain/runbook-policy';
import type { ScaleBackend } from './scale-backends';
import { BENCH_ACCOUNT, BENCH_REGION } from './servers';

/** Describe, record, run the breach hook; contain nothing (no moto mutations to wait for). */
export const recordOnly: RunbookPolicy = { ...defaultPolicies.low, contain: 'record-only' };
const CALL_DEADLINE_MS = 15_000;
const BREACH_RUNNING = `WorkflowType = 'breachNotificationWorkflow' AND ExecutionStatus = 'Running'`;

export interface Lag {
  p50: number;
  p99: number;
  max: number;
}
export interface Window {
  hotSignalMs: number[];
  hotQueryMs: number[];
  /** Cold probes: the signal's own latency, and signal sent → visible in the incident's state. */
  coldSignalMs: number[];
  coldVisibleMs: number[];
  lag: Lag;
  workerRssMiB: number[];
  cachedWorkflows: number;
  settleMs: number;
  /** Each worker's main-thread V8 heap (total) at the end of the window; the rest of its RSS is the workflow thread and native memory. */
  workerMainHeapMiB: number[];
}
export interface Storm {
  signals: number;
  latencyMs: number[];
  perSecond: number;
  drainMs: number;
  lag: Lag;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const incidentIdOf = (instanceId: string) => `inc-${BENCH_ACCOUNT}-${BENCH_REGION}-${instanceId}`;

export function rssMiB(pid: number): number {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

function alert(instanceId: string, tag: string, now = new Date().toISOString()): IncidentAlert {
  return {
    source: 'generic',
    sourceId: `${instanceId}-${tag}`,
    dedupKey: `generic:${instanceId}:${tag}`,
    severity: 'low',
    title: `bench: scale ${tag}`,
    status: 'firing',
    firstSeen: now,
    lastSeen: now,
    receivedAt: now,
  };
}

/** Runs `fn` over `items` with at most `width` in flight. */
async function pool<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

/** Sum of a Prometheus series over every label set that matches `labels` (e.g. `worker_type="WorkflowWorker"`). */
export function metricSum(text: string, name: string, labels = ''): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || !(line[name.length] === '{' || line[name.length] === ' ')) continue;
    if (labels && !line.includes(labels)) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1)) || 0;
  }
  return sum;
}

export class ScaleLoad {
  readonly service: IncidentService;
  readonly lag = monitorEventLoopDelay({ resolution: 10 });
  errors = 0;
  readonly errorSamples: string[] = [];
  /** Client-side instant each incident's opening alert was sent. */
  readonly sentAt = new Map<string, number>();
  private cold = 0;

  constructor(
    readonly backend: ScaleBackend,
    readonly log: (line: string) => void,
  ) {
    this.service = new IncidentService(backend.client, backend.taskQueue, () => recordOnly);
    this.lag.enable();
  }

  async call<T>(fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await this.backend.client.withDeadline(Date.now() + CALL_DEADLINE_MS, fn);
    } catch (err) {
      this.errors++;
      if (this.errorSamples.length < 5) this.errorSamples.push((err as Error).message);
      return undefined;
    }
  }

  resource(instanceId: string) {
    return { account: BENCH_ACCOUNT, region: BENCH_REGION, instanceId };
  }

  takeLag(): Lag {
    const ms = (ns: number) => ns / 1e6;
    const out = { p50: ms(this.lag.percentile(50)), p99: ms(this.lag.percentile(99)), max: ms(this.lag.max) };
    this.lag.reset();
    return out;
  }

  async metrics(): Promise<string[]> {
    return Promise.all(
      this.backend.workers.map(async (w) => {
        try {
          return await (await fetch(`${w.metricsUrl}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
        } catch {
          return '';
        }
      }),
    );
  }

  /** Opens incidents for `ids` and waits until `clocks` breach workflows are running. */
  async open(ids: string[], clocks: number, width: number): Promise<number> {
    const t0 = performance.now();
    await pool(ids, width, async (id) => {
      this.sentAt.set(incidentIdOf(id), Date.now());
      await this.call(() => this.service.openOrJoin(this.resource(id), alert(id, 'open'), { openedBy: 'bench' }));
    });
    const deadline = Date.now() + 60 * 60_000;
    for (;;) {
      const running = await this.call(() => this.backend.client.workflow.count(BREACH_RUNNING));
      if (running && running.count >= clocks) break;
      if (Date.now() > deadline) throw new Error(`only ${running?.count ?? '?'} of ${clocks} breach clocks running after 60 min`);
      await sleep(500);
    }
    return (performance.now() - t0) / 1000;
  }

  /** Waits until no worker has had a task slot in use for a second: the ramp's tail must not count as steady state. */
  async settle(): Promise<number> {
    const t0 = performance.now();
    for (let quiet = 0; quiet < 4 && performance.now() - t0 < 300_000; await sleep(250)) {
      const used = (await this.metrics()).reduce((s, text) => s + metricSum(text, 'temporal_worker_task_slots_used'), 0);
      quiet = used === 0 ? quiet + 1 : 0;
    }
    return performance.now() - t0;
  }

  /** Steady state: hot and cold probes in turn for `seconds`, every 100 ms; RSS of each worker. */
  async window(probes: string[], opened: string[], seconds: number): Promise<Window> {
    const settleMs = await this.settle();
    this.takeLag();
    const w: Window = {
      hotSignalMs: [],
      hotQueryMs: [],
      coldSignalMs: [],
      coldVisibleMs: [],
      lag: { p50: 0, p99: 0, max: 0 },
      workerRssMiB: this.backend.workers.map(() => 0),
      cachedWorkflows: 0,
      settleMs,
      workerMainHeapMiB: [],
    };
    const end = performance.now() + seconds * 1000;
    for (let i = 0; performance.now() < end; i++) {
      const id = probes[i % probes.length]!;
      let t = performance.now();
      // One dedup key per probe: the alert joins its tally, so the probe's state does not grow between levels.
      if (await this.call(() => this.service.openOrJoin(this.resource(id), alert(id, 'probe'), { openedBy: 'bench' })))
        w.hotSignalMs.push(performance.now() - t);
      t = performance.now();
      if (await this.call(() => this.backend.client.workflow.getHandle(incidentIdOf(id)).query(incidentStateQuery)))
        w.hotQueryMs.push(performance.now() - t);
      if (opened.length) await this.coldProbe(opened, w);
      this.backend.workers.forEach((worker, k) => {
        w.workerRssMiB[k] = Math.max(w.workerRssMiB[k]!, rssMiB(worker.pid));
      });
      await sleep(100);
    }
    w.lag = this.takeLag();
    const texts = await this.metrics();
    w.cachedWorkflows = texts.reduce((s, text) => s + metricSum(text, 'temporal_sticky_cache_size'), 0);
    w.workerMainHeapMiB = texts.map((text) => metricSum(text, 'cordon_worker_nodejs_heap_size_total_bytes') / 2 ** 20);
    return w;
  }

  /** A signal to a random open incident, then queries until its state shows it (the replay on wake when evicted). */
  private async coldProbe(opened: string[], w: Window): Promise<void> {
    const id = opened[Math.floor(Math.random() * opened.length)]!;
    const tag = `cold-${++this.cold}`;
    const t = performance.now();
    if (!(await this.call(() => this.service.openOrJoin(this.resource(id), alert(id, tag), { openedBy: 'bench' })))) return;
    w.coldSignalMs.push(performance.now() - t);
    const handle = this.backend.client.workflow.getHandle(incidentIdOf(id));
    for (let tries = 0; tries < 300; tries++) {
      const snap = await this.call(() => handle.query(incidentStateQuery));
      if (snap?.alerts.some((a) => a.dedupKey.endsWith(`:${tag}`))) {
        w.coldVisibleMs.push(performance.now() - t);
        return;
      }
      await sleep(20);
    }
  }

  /** An alert for every open incident at once; drained when the last ones show it in their state. */
  async storm(ids: string[], width: number, tag: string): Promise<Storm> {
    this.takeLag();
    const latencyMs: number[] = [];
    const t0 = performance.now();
    await pool(ids, width, async (id) => {
      const t = performance.now();
      if (await this.call(() => this.service.openOrJoin(this.resource(id), alert(id, tag), { openedBy: 'bench' })))
        latencyMs.push(performance.now() - t);
    });
    const accepted = performance.now();
    for (const id of ids.slice(-10)) {
      const handle = this.backend.client.workflow.getHandle(incidentIdOf(id));
      for (let tries = 0; tries < 1200; tries++) {
        const snap = await this.call(() => handle.query(incidentStateQuery));
        if (snap?.alerts.some((a) => a.dedupKey.endsWith(`:${tag}`))) break;
        await sleep(250);
      }
    }
    return {
      signals: ids.length,
      latencyMs,
      perSecond: ids.length / ((accepted - t0) / 1000),
      drainMs: performance.now() - t0,
      lag: this.takeLag(),
    };
  }
}
