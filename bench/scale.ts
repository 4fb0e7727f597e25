/**
 * Scale: N open incidents with live regulatory clocks on ONE Temporal dev server (SQLite) and
 * ONE in-process worker. Incidents are opened through IncidentService.openOrJoin (the API's own
 * door) with the record-only policy, on moto instances carrying the demo fleet's
 * data-classification tags, so every incident describes its target and its breach hook starts a
 * real breach-notification child (72 h GDPR clock, timers pending on the server); moto only
 * answers the describe reads. The ramp stops at levels (N/10, N/2, N); at each level, and at the
 * idle floor (only the 3 probe incidents open), one window measures probe signal/query latency,
 * event-loop lag, worker and dev-server RSS, then an alert storm joins every open incident and
 * measures per-signal latency, throughput and drain time. Every Temporal client call has a
 * deadline; failures and the dev server's error log lines are counted.
 * Invariant: the idle floor is measured first, in the same run, on the same processes.
 */
import { CreateSubnetCommand, DescribeInstancesCommand, RunInstancesCommand } from '@aws-sdk/client-ec2';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import fs from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { IncidentAlert } from '../src/domain/incident';
import { defaultPolicies } from '../src/policy/runbook-policy';
import { IncidentService } from '../src/temporal/incident-service';
import { incidentStateQuery } from '../workflows/definitions';
import { type RunbookPolicy } from '../src/domain/runbook-policy';
import { activityConfig, BENCH_ACCOUNT, BENCH_REGION, startBenchServers, type BenchServers } from './servers';
import { percentile, round, type BenchReport, type BenchRow } from './stats';

/** Describe, record, run the breach hook; contain nothing (no moto mutations to wait for). */
const recordOnly: RunbookPolicy = { ...defaultPolicies.low, contain: 'record-only' };
const CALL_DEADLINE_MS = 15_000;
const BREACH_RUNNING = `WorkflowType = 'breachNotificationWorkflow' AND ExecutionStatus = 'Running'`;

export interface ScaleBenchOptions {
  incidents: number;
  windowSeconds?: number;
  concurrency?: number;
  log?: (line: string) => void;
}

interface Window {
  queryMs: number[];
  signalMs: number[];
  lag: Lag;
  workerRssMiB: number;
  serverRssMiB: number;
  cachedWorkflows: number;
  settleMs: number;
}
interface Lag {
  p50: number;
  p99: number;
  max: number;
}
interface Storm {
  signals: number;
  latencyMs: number[];
  perSecond: number;
  drainMs: number;
  lag: Lag;
}
interface Level {
  open: number;
  openSeconds: number;
  steady: Window;
  storm?: Storm;
  errors: number;
}

/** Time inside each activity type, to tell moto's share of an open from the server's. */
const activityMs = new Map<string, number[]>();
const timeActivities: ActivityInterceptorsFactory = (ctx) => ({
  inbound: {
    async execute(input, next) {
      const t = performance.now();
      try {
        return await next(input);
      } finally {
        const list = activityMs.get(ctx.info.activityType) ?? [];
        list.push(performance.now() - t);
        activityMs.set(ctx.info.activityType, list);
      }
    },
  },
});

/** CPU seconds a process has used (utime + stime from /proc/<pid>/stat). */
const cpuSeconds = (pid: number): number => {
  const fields = fs
    .readFileSync(`/proc/${pid}/stat`, 'utf8')
    .replace(/^.*\) /, '')
    .split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rssMiB = (pid: number): number => {
  const kb = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return kb ? Number(kb) / 1024 : Number.NaN;
};

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

class ScaleRun {
  readonly service: IncidentService;
  readonly lag = monitorEventLoopDelay({ resolution: 10 });
  errors = 0;
  readonly errorSamples: string[] = [];
  /** Client-side instant each incident's opening alert was sent. */
  readonly sentAt = new Map<string, number>();

  constructor(
    readonly servers: BenchServers,
    readonly log: (line: string) => void,
  ) {
    this.service = new IncidentService(servers.client, servers.worker.incidents.options.taskQueue, () => recordOnly);
    this.lag.enable();
  }

  async call<T>(fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await this.servers.client.withDeadline(Date.now() + CALL_DEADLINE_MS, fn);
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

  /** Opens incidents for `ids` and waits until `clocks` breach workflows are running. */
  async open(ids: string[], clocks: number, width: number): Promise<number> {
    const t0 = performance.now();
    await pool(ids, width, async (id) => {
      const incidentId = `inc-${BENCH_ACCOUNT}-${BENCH_REGION}-${id}`;
      this.sentAt.set(incidentId, Date.now());
      await this.call(() => this.service.openOrJoin(this.resource(id), alert(id, 'open'), { openedBy: 'bench' }));
    });
    const deadline = Date.now() + 20 * 60_000;
    for (;;) {
      const running = await this.call(() => this.servers.client.workflow.count(BREACH_RUNNING));
      if (running && running.count >= clocks) break;
      if (Date.now() > deadline) throw new Error(`only ${running?.count ?? '?'} of ${clocks} breach clocks running after 20 min`);
      await sleep(250);
    }
    return (performance.now() - t0) / 1000;
  }

  /** Steady state: sequential probe signal + query on the probe incidents, lag and RSS. */
  async window(probes: string[], seconds: number): Promise<Window> {
    const settleMs = await this.settle();
    this.takeLag();
    const queryMs: number[] = [];
    const signalMs: number[] = [];
    let workerRss = 0;
    let serverRss = 0;
    const end = performance.now() + seconds * 1000;
    for (let i = 0; performance.now() < end; i++) {
      const id = probes[i % probes.length]!;
      let t = performance.now();
      // One dedup key per probe: the alert joins its tally, so the probe's state does not grow between levels.
      if (await this.call(() => this.service.openOrJoin(this.resource(id), alert(id, 'probe'), { openedBy: 'bench' })))
        signalMs.push(performance.now() - t);
      t = performance.now();
      if (
        await this.call(() =>
          this.servers.client.workflow.getHandle(`inc-${BENCH_ACCOUNT}-${BENCH_REGION}-${id}`).query(incidentStateQuery),
        )
      )
        queryMs.push(performance.now() - t);
      workerRss = Math.max(workerRss, process.memoryUsage().rss / 2 ** 20);
      serverRss = Math.max(serverRss, rssMiB(this.servers.temporal.pid));
      await sleep(100);
    }
    return {
      queryMs,
      signalMs,
      lag: this.takeLag(),
      workerRssMiB: workerRss,
      serverRssMiB: serverRss,
      cachedWorkflows: this.servers.worker.getStatus().numCachedWorkflows,
      settleMs,
    };
  }

  /** Waits until the worker has had nothing in flight for a second: the ramp's tail must not count as steady state. */
  async settle(): Promise<number> {
    const t0 = performance.now();
    for (let quiet = 0; quiet < 4 && performance.now() - t0 < 120_000; await sleep(250)) {
      const s = this.servers.worker.getStatus();
      quiet = s.numInFlightWorkflowActivations === 0 && s.numInFlightActivities === 0 ? quiet + 1 : 0;
    }
    return performance.now() - t0;
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
      const handle = this.servers.client.workflow.getHandle(`inc-${BENCH_ACCOUNT}-${BENCH_REGION}-${id}`);
      for (let tries = 0; tries < 600; tries++) {
        const snap = await this.call(() => handle.query(incidentStateQuery));
        if (snap?.alerts.some((a) => a.dedupKey.endsWith(`:${tag}`))) break;
        await sleep(200);
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

/** Instances of the demo subnet carrying the fleet's data-classification tags (so the breach hook fires). */
async function launchTagged(servers: BenchServers, count: number): Promise<string[]> {
  const probe = await servers.aws.ec2.send(new DescribeInstancesCommand({ InstanceIds: [servers.fleet.instanceIds[0]!] }));
  const tags = (probe.Reservations?.[0]?.Instances?.[0]?.Tags ?? []).filter((t) => t.Key?.startsWith(activityConfig.dataTagPrefix));
  // The demo subnets are /24s: a /18 of the demo VPC holds any count this benchmark asks for.
  const subnet = await servers.aws.ec2.send(
    new CreateSubnetCommand({ VpcId: servers.fleet.vpcId, CidrBlock: '10.42.64.0/18', AvailabilityZone: `${BENCH_REGION}a` }),
  );
  const ids: string[] = [];
  while (ids.length < count) {
    const n = Math.min(200, count - ids.length);
    const r = await servers.aws.ec2.send(
      new RunInstancesCommand({
        ImageId: servers.fleet.knownGoodImageId,
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
async function openToClockMs(run: ScaleRun): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for await (const wf of run.servers.client.workflow.list({ query: `WorkflowType = 'breachNotificationWorkflow'` })) {
    const sent = run.sentAt.get(wf.workflowId.replace(/\/breach$/, ''));
    if (sent !== undefined && wf.startTime) out.set(wf.workflowId, wf.startTime.getTime() - sent);
  }
  return out;
}

/** ERROR lines of the dev server's log (its stdout, read through /proc before teardown), grouped by message and cause. */
function serverLogErrors(pid: number): { count: number; samples: string[]; first?: string } {
  let text = '';
  try {
    text = fs.readFileSync(`/proc/${pid}/fd/1`, 'utf8');
  } catch {
    return { count: Number.NaN, samples: ['dev server log unreadable'] };
  }
  const lines = text.split('\n').filter((l) => /level=ERROR/i.test(l) || /"level":"error"/i.test(l));
  const groups = new Map<string, number>();
  for (const l of lines) {
    const key = `${/msg="([^"]*)"/.exec(l)?.[1] ?? l.slice(0, 80)}${/error="([^"]{0,160})/.exec(l)?.[1] ? `: ${/error="([^"]{0,160})/.exec(l)![1]}` : ''}`;
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  return {
    count: lines.length,
    samples: [...groups]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 4)
      .map(([k, c]) => `${c}× ${k}`),
    first: lines[0],
  };
}

const p99 = (xs: number[]) => percentile(xs, 99);

const steadyP99 = (w: Window) => Math.max(p99(w.signalMs), p99(w.queryMs));

/** The limit, from the figures: failed calls, steady p99 over max(1 s, 5× idle), or a storm p99 over 1 s. */
function conclusion(levels: Level[], idle: Window, n: number): string {
  const idleP99 = steadyP99(idle);
  const ms = (x: number) => `${round(x, 0)} ms`;
  const why = (l: Level) =>
    l.errors > 0
      ? `${l.errors} failed calls`
      : steadyP99(l.steady) > Math.max(1000, 5 * idleP99)
        ? `steady p99 ${ms(steadyP99(l.steady))} vs idle ${ms(idleP99)}`
        : p99(l.storm!.latencyMs) > 1000
          ? `storm p99 ${ms(p99(l.storm!.latencyMs))}`
          : '';
  const broken = levels.find((l) => why(l));
  const top = levels[levels.length - 1]!;
  const openRate = n / levels.reduce((sum, l) => sum + l.openSeconds, 0);
  const stormRate = Math.min(...levels.map((l) => l.storm!.perSecond));
  const steadyGrew = steadyP99(top.steady) > 2 * idleP99;
  return (
    `${broken ? `SQLite stopped keeping up at ${broken.open} open incidents (${why(broken)})` : `SQLite kept up with ${n} open incidents (no failed calls, storm p99 ≤ 1 s)`}; ` +
    `steady-state p99 with ${n} open is ${ms(steadyP99(top.steady))} vs ${ms(idleP99)} idle${steadyGrew ? ', so open clocks themselves cost latency' : ': open clocks are pending timers and cost little'}. ` +
    `The ceiling is the write rate through its single connection: ~${round(openRate, 1)} incidents/s opened (runbook + breach child each) and ~${round(stormRate, 0)} joining alerts/s. ` +
    `Move to the PostgreSQL deployment (docker-compose.yml) when alert bursts or incident openings approach those rates` +
    `${broken && steadyP99(broken.steady) > Math.max(1000, 5 * idleP99) ? `, when ${broken.open} or more incidents may be open at once` : ''}, or when more than one worker host or a highly available server is needed.`
  );
}

export async function runScaleBench(opts: ScaleBenchOptions): Promise<BenchReport> {
  const log = opts.log ?? (() => undefined);
  const seconds = opts.windowSeconds ?? 10;
  const width = opts.concurrency ?? 32;
  const n = opts.incidents;
  const marks = [...new Set([Math.round(n / 10), Math.round(n / 2), n].filter((m) => m >= 1))];
  const servers = await startBenchServers(() => recordOnly, { interceptors: { activity: [timeActivities] } }, 3);
  const run = new ScaleRun(servers, log);
  const levels: Level[] = [];
  let idle: Window;
  let logErrors: { count: number; samples: string[]; first?: string } = { count: Number.NaN, samples: [] };
  let openToClock = new Map<string, number>();
  let idleOpenToClock: number[] = [];
  let idleErrors = 0;
  let cpu = { wallS: Number.NaN, server: Number.NaN, moto: Number.NaN, bench: Number.NaN };
  try {
    const probes = servers.fleet.instanceIds.slice(0, 3);
    const ids = await launchTagged(servers, n);
    log(`  scale: ${n} tagged instances in moto; opening ${probes.length} probe incidents`);
    // Probe incidents one at a time on the idle server: the floor of open → clock live.
    for (const id of probes) await run.open([id], run.sentAt.size + 1, 1);
    idleOpenToClock = [...(await openToClockMs(run)).values()];
    await sleep(2000);
    idle = await run.window(probes, seconds);
    idleErrors = run.errors;
    log(`  scale: idle floor measured (${idle.signalMs.length} probes)`);
    let opened = 0;
    activityMs.clear(); // only the ramp's activities, not the probes'
    const cpu0 = {
      server: cpuSeconds(servers.temporal.pid),
      moto: cpuSeconds(servers.moto.pid),
      bench: process.cpuUsage(),
      wall: performance.now(),
    };
    for (const mark of marks) {
      const batch = ids.slice(opened, mark);
      const errorsBefore = run.errors;
      const openSeconds = await run.open(batch, probes.length + mark, width);
      opened = mark;
      log(`  scale: ${mark} open (+${batch.length} in ${round(openSeconds, 1)} s); measuring`);
      const steady = await run.window(probes, seconds);
      const storm = await run.storm(ids.slice(0, mark), width, `storm-${mark}`);
      log(
        `  scale: storm of ${mark} alerts at ${round(storm.perSecond, 0)}/s, p99 ${round(p99(storm.latencyMs), 0)} ms, drained in ${round(storm.drainMs / 1000, 1)} s`,
      );
      levels.push({ open: mark, openSeconds, steady, storm, errors: run.errors - errorsBefore });
    }
    const bench = process.cpuUsage(cpu0.bench);
    cpu = {
      wallS: (performance.now() - cpu0.wall) / 1000,
      server: cpuSeconds(servers.temporal.pid) - cpu0.server,
      moto: cpuSeconds(servers.moto.pid) - cpu0.moto,
      bench: (bench.user + bench.system) / 1e6,
    };
    openToClock = await openToClockMs(run);
    for (const id of probes.map((p) => `inc-${BENCH_ACCOUNT}-${BENCH_REGION}-${p}/breach`)) openToClock.delete(id);
    logErrors = serverLogErrors(servers.temporal.pid);
  } finally {
    run.lag.disable();
    await servers.teardown();
  }
  const top = levels[levels.length - 1]!;
  const totalOpen = levels.reduce((s, l) => s + l.openSeconds, 0);
  const ramp = [...openToClock.values()];
  const rows: BenchRow[] = [
    {
      metric: `alert sent → breach clock live p50 (ramp to ${n})`,
      unit: 'ms',
      value: percentile(ramp, 50),
      floor: percentile(idleOpenToClock, 50),
    },
    { metric: `alert sent → breach clock live p99 (ramp to ${n})`, unit: 'ms', value: p99(ramp), floor: p99(idleOpenToClock) },
    { metric: `worker process RSS, ${n} open`, unit: 'MiB', value: top.steady.workerRssMiB, floor: idle.workerRssMiB },
    { metric: `dev server RSS, ${n} open`, unit: 'MiB', value: top.steady.serverRssMiB, floor: idle.serverRssMiB },
    { metric: `event-loop lag p50, ${n} open`, unit: 'ms', value: top.steady.lag.p50, floor: idle.lag.p50 },
    { metric: `event-loop lag p99, ${n} open`, unit: 'ms', value: top.steady.lag.p99, floor: idle.lag.p99 },
    { metric: `event-loop lag max, ${n} open`, unit: 'ms', value: top.steady.lag.max, floor: idle.lag.max },
    ...levels.flatMap((l) => [
      { metric: `probe signal p99, ${l.open} open`, unit: 'ms', value: p99(l.steady.signalMs), floor: p99(idle.signalMs) },
      { metric: `probe query p99, ${l.open} open`, unit: 'ms', value: p99(l.steady.queryMs), floor: p99(idle.queryMs) },
      { metric: `storm signal p99, ${l.open} alerts at once`, unit: 'ms', value: p99(l.storm!.latencyMs), floor: p99(idle.signalMs) },
      { metric: `event-loop lag p99 in storm, ${l.open}`, unit: 'ms', value: l.storm!.lag.p99, floor: idle.lag.p99 },
    ]),
    {
      metric: 'failed Temporal client calls (all levels)',
      unit: 'calls',
      value: levels.reduce((s, l) => s + l.errors, 0),
      floor: idleErrors,
    },
    { metric: 'dev server log error lines', unit: 'lines', value: logErrors.count, floor: 0 },
  ];
  return {
    name: 'scale',
    rows,
    notes: [
      `time to open all ${n} incidents with live clocks: ${round(totalOpen, 1)} s (${round(n / totalOpen, 1)} incidents/s, ${width} openOrJoin in flight; levels ${levels.map((l) => `${l.open}: ${round(l.openSeconds, 1)} s`).join(', ')})`,
      `floor = idle: only the 3 probe incidents open, measured first in the same run; probes alternate signal (openOrJoin) and query on them every 100 ms for ${seconds} s; worker RSS is the bench process (worker + clients)`,
      `settled after each ramp in ${levels.map((l) => `${round(l.steady.settleMs / 1000, 1)} s`).join(', ')}; workflows cached by the worker: idle ${idle!.cachedWorkflows}, ${levels.map((l) => `${l.open}: ${l.steady.cachedWorkflows}`).join(', ')}`,
      `CPU while ramping and storming (${round(cpu.wallS, 0)} s wall, 2 shared cores): dev server ${round(cpu.server, 1)} s, worker+bench process ${round(cpu.bench, 1)} s, moto ${round(cpu.moto, 1)} s`,
      `activity time p50/p99 (ms): ${[...activityMs].map(([k, v]) => `${k} ${round(percentile(v, 50), 0)}/${round(p99(v), 0)} ×${v.length}`).join(', ')}`,
      `storms: ${levels.map((l) => `${l.open} alerts at ${round(l.storm!.perSecond, 0)}/s, drained in ${round(l.storm!.drainMs / 1000, 1)} s`).join('; ')}`,
      ...(run.errorSamples.length ? [`failed calls, first: ${run.errorSamples.join(' | ')}`] : []),
      ...(logErrors.samples.length ? [`dev server log errors, first: ${logErrors.samples.join(' | ')}`] : []),
      `conclusion: ${conclusion(levels, idle!, n)}`,
    ],
    raw: {
      cpu,
      activityMs: Object.fromEntries([...activityMs].map(([k, v]) => [k, { count: v.length, p50: percentile(v, 50), p99: p99(v) }])),
      levels,
      idle: idle!,
      idleOpenToClockMs: idleOpenToClock,
      openToClockMs: ramp,
      logErrors,
    },
  };
}
