/**
 * Scale: N open incidents with live regulatory clocks, the same load (scale-load.ts) on each
 * backend in turn, in one run: the dev server on SQLite and, with `--cluster`, the production
 * topology on PostgreSQL (scale-backends.ts), each with the same worker processes and memory
 * budget. Per backend: tagged moto instances are launched, 3 probe incidents opened one at a
 * time (the idle floor of alert → clock live), an idle window measured, then the ramp stops at
 * N/10, N/2 and N; at each level a steady window (hot and cold probes, worker RSS, cache) and a
 * storm that joins every open incident. Around the ramp: CPU seconds of every process, activity
 * times from the workers' metrics, the store's size, and — with profiling — V8 profiles of the
 * workers, Go pprof of the Temporal services during the last ramp, PostgreSQL's top statements.
 * Invariant: every figure of a backend sits beside its idle floor, measured first on the same processes.
 */
import { CreateSubnetCommand, DescribeInstancesCommand, RunInstancesCommand } from '@aws-sdk/client-ec2';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { PprofSummary, ProfileSummary } from './scale-diagnostics';
import {
  activityHistogram,
  activityTimes,
  fetchPprof,
  histogramBuckets,
  histogramDelta,
  serverLogErrors,
  summariseCpuProfiles,
  summarisePprof,
  treeCpuSeconds,
} from './scale-diagnostics';
import { startClusterBackend, startSqliteBackend, type BackendName, type ScaleBackend } from './scale-backends';
import { incidentIdOf, rssMiB, ScaleLoad, type Storm, type Window } from './scale-load';
import { scaleReport } from './scale-report';
import { activityConfig, BENCH_REGION } from './servers';
import type { BenchReport } from './stats';
import { clusterToolchainPaths } from '../src/local/toolchain-paths';

export interface ScaleBenchOptions {
  incidents: number;
  backends: BackendName[];
  /** Worker processes per backend (the cluster topology runs two). */
  workers?: number;
  /** CORDON_WORKER_MEMORY_MIB of every worker. */
  workerMemoryMiB?: number;
  historyShards?: number;
  /** V8 profiles of the workers, Go pprof of the cluster's services. */
  profile?: boolean;
  windowSeconds?: number;
  concurrency?: number;
  log?: (line: string) => void;
}

export interface Level {
  open: number;
  openSeconds: number;
  steady: Window;
  storm: Storm;
  errors: number;
  storeBytes: number;
  /** Each worker's highest RSS sampled every second through the level: opening, steady window and storm. */
  peakRssMiB: number[];
}
export interface BackendRun {
  name: BackendName;
  label: string;
  incidents: number;
  workers: number;
  maxCachedWorkflows: number[];
  idle: Window;
  idleStoreBytes: number;
  idleOpenToClockMs: number[];
  openToClockMs: number[];
  levels: Level[];
  /** CPU seconds per process (PostgreSQL with its backends; `bench` is this process) while opening and while storming, with the wall time of each. */
  cpu: Record<'open' | 'storm', CpuPhase>;
  /** Alerts sent by the storms, in total. */
  stormSignals: number;
  activities: ReturnType<typeof activityTimes>;
  profiles: Record<string, ProfileSummary>;
  pprof: Record<string, PprofSummary>;
  /** The history service's own view of the ramp (cluster only): waits for the shard lock and persistence latency, in seconds. */
  history?: { shardLock: ReturnType<typeof histogramDelta>; persistence: ReturnType<typeof histogramDelta> };
  statements?: { query: string; calls: number; totalMs: number; meanMs: number }[];
  logErrors: { count: number; samples: string[] };
  idleErrors: number;
  errorSamples: string[];
}

export interface CpuPhase {
  wallS: number;
  byProcess: Record<string, number>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Adds the CPU every process (and this one) used while `fn` ran to `phase`. */
async function timed<T>(b: ScaleBackend, phase: CpuPhase, fn: () => Promise<T>): Promise<T> {
  const read = () => ({
    ...Object.fromEntries(b.processes.map((p) => [p.name, treeCpuSeconds(p.pid)])),
    bench: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
  });
  const t0 = performance.now();
  const before = read();
  try {
    return await fn();
  } finally {
    const after = read();
    phase.wallS += (performance.now() - t0) / 1000;
    for (const [name, s] of Object.entries(after))
      phase.byProcess[name] = (phase.byProcess[name] ?? 0) + s - (before[name as keyof typeof before] ?? 0);
  }
}

/** Samples each pid's RSS every second until stopped; returns the highest of each (transient peaks a steady window misses). */
function peakRss(pids: number[]): { stop(): number[] } {
  const peaks = pids.map((pid) => rssMiB(pid));
  const timer = setInterval(() => pids.forEach((pid, i) => (peaks[i] = Math.max(peaks[i]!, rssMiB(pid)))), 1000);
  return {
    stop() {
      clearInterval(timer);
      return peaks;
    },
  };
}

/** Instances of a fresh subnet carrying the fleet's data-classification tags (so the breach hook fires). */
async function launchTagged(b: ScaleBackend, count: number): Promise<string[]> {
  const probe = await b.aws.ec2.send(new DescribeInstancesCommand({ InstanceIds: [b.fleet.instanceIds[0]!] }));
  const tags = (probe.Reservations?.[0]?.Instances?.[0]?.Tags ?? []).filter((t) => t.Key?.startsWith(activityConfig.dataTagPrefix));
  // The demo subnets are /24s: a /17 of the demo VPC holds any count this benchmark asks for (up to 32,000).
  const subnet = await b.aws.ec2.send(
    new CreateSubnetCommand({ VpcId: b.fleet.vpcId, CidrBlock: '10.42.128.0/17', AvailabilityZone: `${BENCH_REGION}a` }),
  );
  const ids: string[] = [];
  while (ids.length < count) {
    const n = Math.min(200, count - ids.length);
    const r = await b.aws.ec2.send(
      new RunInstancesCommand({
        ImageId: b.fleet.knownGoodImageId,
        InstanceType: 't3.micro',
        MinCount: n,
        MaxCount: n,
        SubnetId: subnet.Subnet!.SubnetId!,
        TagSpecifications: [{ ResourceType: 'instance', Tags: [...tags, { Key: 'Name', Value: 'bench-scale' }] }],
      }),
    );
    ids.push(...(r.Instances ?? []).map((i) => i.InstanceId!));
  }
  return ids;
}

/** Each incident's alert sent → its breach workflow started (server start time), from visibility. */
async function openToClockMs(load: ScaleLoad): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for await (const wf of load.backend.client.workflow.list({ query: `WorkflowType = 'breachNotificationWorkflow'` })) {
    const sent = load.sentAt.get(wf.workflowId.replace(/\/breach$/, ''));
    if (sent !== undefined && wf.startTime) out.set(wf.workflowId, wf.startTime.getTime() - sent);
  }
  return out;
}

/** The cache size each worker derived from its budget (its "worker running" log line). */
function cacheSizes(b: ScaleBackend): number[] {
  return b.workers.map((w) => {
    const line = fs
      .readFileSync(w.logFile, 'utf8')
      .split('\n')
      .find((l) => l.includes('"worker running"'));
    return Number((JSON.parse(line ?? '{}') as { memory?: { maxCachedWorkflows?: number } }).memory?.maxCachedWorkflows ?? Number.NaN);
  });
}

async function runBackend(
  name: BackendName,
  opts: Required<Omit<ScaleBenchOptions, 'backends' | 'historyShards'>> & { historyShards?: number },
): Promise<BackendRun> {
  const { log, incidents: n } = opts;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cordon-scale-${name}-`));
  const profileDir = opts.profile ? path.join(dir, 'profiles') : undefined;
  const backendOpts = { dir, workers: opts.workers, workerMemoryMiB: opts.workerMemoryMiB, profileDir, historyShards: opts.historyShards };
  log(
    `  ${name}: starting ${name === 'cluster' ? 'PostgreSQL, the four Temporal services, moto' : 'the dev server, moto'} and ${opts.workers} worker processes`,
  );
  const backend = name === 'cluster' ? await startClusterBackend(backendOpts) : await startSqliteBackend(backendOpts);
  const load = new ScaleLoad(backend, log);
  const marks = [...new Set([Math.round(n / 10), Math.round(n / 2), n].filter((m) => m >= 1))];
  const levels: Level[] = [];
  const pprofFiles: Record<string, string> = {};
  let run: Omit<BackendRun, 'profiles' | 'pprof' | 'logErrors'> & { logErrors?: BackendRun['logErrors'] };
  try {
    const maxCachedWorkflows = cacheSizes(backend);
    const probes = backend.fleet.instanceIds.slice(0, 3);
    const ids = await launchTagged(backend, n);
    log(
      `  ${name}: ${n} tagged instances in moto; caches of ${maxCachedWorkflows.join(', ')} workflows; opening ${probes.length} probe incidents`,
    );
    // Probe incidents one at a time on the idle server: the floor of open → clock live.
    for (const id of probes) await load.open([id], load.sentAt.size + 1, 1);
    const idleOpenToClockMs = [...(await openToClockMs(load)).values()];
    await sleep(2000);
    const idle = await load.window(probes, [], opts.windowSeconds);
    const idleStoreBytes = backend.storeBytes();
    const idleErrors = load.errors;
    log(`  ${name}: idle floor measured (${idle.hotSignalMs.length} probes)`);
    const before = activityHistogram(await load.metrics());
    const historyMetrics = async () => {
      const port = backend.diagnosticPorts?.history?.metrics;
      if (!port) return undefined;
      try {
        return await (await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(20_000) })).text();
      } catch {
        return undefined;
      }
    };
    const history0 = await historyMetrics();
    const cpu: BackendRun['cpu'] = { open: { wallS: 0, byProcess: {} }, storm: { wallS: 0, byProcess: {} } };
    let opened = 0;
    for (const mark of marks) {
      const batch = ids.slice(opened, mark);
      const errorsBefore = load.errors;
      // The last ramp is the busiest: profile each Temporal service through part of it.
      const pprof =
        mark === n && backend.diagnosticPorts
          ? Object.entries(backend.diagnosticPorts).map(async ([service, ports]) => {
              const file = path.join(dir, `pprof-${service}.pb.gz`);
              if (await fetchPprof(ports!.pprof, 30, file)) pprofFiles[service] = file;
            })
          : [];
      const peak = peakRss(backend.workers.map((w) => w.pid));
      const openSeconds = await timed(backend, cpu.open, () => load.open(batch, probes.length + mark, opts.concurrency));
      await Promise.all(pprof);
      opened = mark;
      log(
        `  ${name}: ${mark} open (+${batch.length} in ${Math.round(openSeconds)} s, ${Math.round((batch.length / openSeconds) * 10) / 10}/s); measuring`,
      );
      const steady = await load.window(probes, ids.slice(0, mark), opts.windowSeconds);
      const storm = await timed(backend, cpu.storm, () => load.storm(ids.slice(0, mark), opts.concurrency, `storm-${mark}`));
      log(
        `  ${name}: storm of ${mark} alerts at ${Math.round(storm.perSecond)}/s, drained in ${Math.round(storm.drainMs / 100) / 10} s; worker RSS ${steady.workerRssMiB.map(Math.round).join(', ')} MiB, ${steady.cachedWorkflows} cached`,
      );
      const peakRssMiB = peak.stop();
      log(`  ${name}: peak worker RSS through the level ${peakRssMiB.map(Math.round).join(', ')} MiB`);
      levels.push({
        open: mark,
        openSeconds,
        steady,
        storm,
        errors: load.errors - errorsBefore,
        storeBytes: backend.storeBytes(),
        peakRssMiB,
      });
    }
    const activities = activityTimes(before, activityHistogram(await load.metrics()));
    const history1 = await historyMetrics();
    const history =
      history0 && history1
        ? {
            shardLock: histogramDelta(histogramBuckets(history0, 'semaphore_latency'), histogramBuckets(history1, 'semaphore_latency')),
            persistence: histogramDelta(
              histogramBuckets(history0, 'persistence_latency'),
              histogramBuckets(history1, 'persistence_latency'),
            ),
          }
        : undefined;
    const openToClock = await openToClockMs(load);
    for (const id of probes) openToClock.delete(`${incidentIdOf(id)}/breach`);
    run = {
      name,
      label: backend.label,
      incidents: n,
      workers: opts.workers,
      maxCachedWorkflows,
      idle,
      idleStoreBytes,
      idleOpenToClockMs,
      openToClockMs: [...openToClock.values()],
      levels,
      cpu,
      stormSignals: levels.reduce((s, l) => s + l.storm.signals, 0),
      activities,
      history,
      statements: backend.topStatements?.(8),
      idleErrors,
      errorSamples: load.errorSamples,
      logErrors: serverLogErrors(backend.serverLogs),
    };
  } finally {
    load.lag.disable();
    await backend.teardown();
  }
  // Profiles are written as each process exits.
  const profiles: Record<string, ProfileSummary> = {};
  for (const w of backend.workers) {
    const summary =
      profileDir && fs.existsSync(profileDir)
        ? fs
            .readdirSync(profileDir)
            .map((sub) => summariseCpuProfiles(path.join(profileDir, sub), w.pid))
            .find(Boolean)
        : undefined;
    if (summary) profiles[w.name] = summary;
  }
  const binary = clusterToolchainPaths().temporalServer;
  const pprof: Record<string, PprofSummary> = {};
  for (const [service, file] of Object.entries(pprofFiles)) {
    const summary = summarisePprof(binary, file);
    if (summary) pprof[service] = summary;
  }
  fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  return { ...run, logErrors: run.logErrors ?? { count: 0, samples: [] }, profiles, pprof };
}

export async function runScaleBench(opts: ScaleBenchOptions): Promise<BenchReport> {
  const full = {
    incidents: opts.incidents,
    workers: opts.workers ?? 2,
    workerMemoryMiB: opts.workerMemoryMiB ?? 600,
    profile: opts.profile ?? true,
    windowSeconds: opts.windowSeconds ?? 15,
    concurrency: opts.concurrency ?? 32,
    log: opts.log ?? (() => undefined),
    historyShards: opts.historyShards,
  };
  const runs: BackendRun[] = [];
  for (const name of opts.backends) runs.push(await runBackend(name, full));
  return scaleReport(runs, { workerMemoryMiB: full.workerMemoryMiB, concurrency: full.concurrency, windowSeconds: full.windowSeconds });
}
