/**
 * Ingest benchmark: sustained alerts/s and accept latency of POST /v1/alerts/generic through
 * the whole dedup path (bearer auth, rate limit, zod, raw-alert evidence, signal-with-start on
 * the Temporal dev server), beside a bare Fastify endpoint (the floor) in the same run, with the
 * same client. Deployed as compose runs it: the worker is its own process (`worker-main`, on a
 * pre-built bundle) tallying every alert and exporting the audit trail; the API runs here
 * beside the load generator. The 10 accused instances exist in moto (a seeded fleet), and the
 * warm-up opens all 10 incidents, so what is measured is the dedup path (joins: repeats and new
 * findings), not runbooks starting. Two loads each: open loop at a fixed 100 alerts/s (latency
 * from the scheduled send time, so a stall is not hidden), then closed loop at full speed with
 * BENCH_CONCURRENCY senders (default 128: a storm comes from many senders at once).
 * Runbooks are record-only, so AWS work does not compete. At the end every accepted alert must
 * be found in its incident's tally. Prints a table with ratios; writes JSON to .bench/.
 * Run: `npx tsx bench/ingest.ts` (or `npm run bench:ingest`).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseSeverityModes, severityPolicies } from '../src/alerts/ingest-config';
import { OperatorDirectory } from '../src/api/auth/operators';
import { buildApi } from '../src/api/server';
import { LocalWormStore } from '../src/evidence/local-worm-store';
import { localProcessEnv, startWorkerProcess } from '../src/local/cordon-processes';
import { seedDemoFleet } from '../src/local/demo-fleet';
import { startLocalBackends } from '../src/local/local-backends';
import { projectRoot } from '../src/local/toolchain-paths';
import { IncidentService, workflowAcceptsAlertBatches } from '../src/temporal/incident-service';
import { writeWorkflowBundle } from '../src/bootstrap/bundle-workflows';
import { startFloorServer } from './floor-server';

export interface IngestRow {
  load: string;
  target: 'floor' | 'cordon';
  sent: number;
  accepted: number;
  alertsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Signal-with-start calls made to Temporal during the load (cordon only): alerts ÷ signals is the group-commit factor. */
  signals: number;
  /** Their latency (cordon only): Temporal's share of the accept latency. */
  signalP50Ms?: number;
  signalP99Ms?: number;
}

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const INSTANCE_COUNT = 10;
/** The seeded fleet's instances, filled at start. */
const INSTANCES: string[] = [];
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 128);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
/** Group commit per incident: on when the workflow has the batch signal, or forced by BENCH_BATCH=1|0. */
const BATCH = process.env.BENCH_BATCH ? process.env.BENCH_BATCH === '1' : workflowAcceptsAlertBatches;
/** BENCH_EVIDENCE_FSYNC=1: the local evidence store fsyncs every object (CORDON_EVIDENCE_FSYNC, compose's setting). */
const FSYNC = process.env.BENCH_EVIDENCE_FSYNC === '1';
/** Another workflows folder to bundle (e.g. a copy with a patch under evaluation). */
const WORKFLOWS_PATH = process.env.BENCH_WORKFLOWS_PATH;

/** Alert n: 10 instances × 20 titles, so the stream mixes repeats (same dedup key) and distinct findings. */
function alertBody(n: number): string {
  return JSON.stringify({
    instanceId: INSTANCES[n % INSTANCE_COUNT],
    severity: 'high',
    title: `bench finding ${Math.floor(n / 10) % 20}`,
    description: 'synthetic load',
  });
}

type Send = (n: number) => Promise<number>;

function sender(baseUrl: string, pathFor: string, token: string): { send: Send; close(): void } {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY * 2 });
  const url = new URL(baseUrl);
  const send: Send = (n) =>
    new Promise((resolve, reject) => {
      const body = alertBody(n);
      const req = http.request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          method: 'POST',
          path: pathFor,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${token}` },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  return { send, close: () => agent.destroy() };
}

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN;
}

function row(load: string, target: IngestRow['target'], latencies: number[], accepted: number, seconds: number): IngestRow {
  const sorted = [...latencies].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 10) / 10;
  return {
    load,
    target,
    sent: latencies.length,
    accepted,
    alertsPerSecond: r(accepted / seconds),
    p50Ms: r(percentile(sorted, 50)),
    p99Ms: r(percentile(sorted, 99)),
    maxMs: r(sorted.at(-1) ?? NaN),
    signals: 0,
  };
}

/** Alerts sent to each target before measuring. */
const WARM_UP = 50;
let counter = 0;

/** Closed loop: CONCURRENCY senders back to back for `seconds`. */
async function closedLoop(target: IngestRow['target'], send: Send, seconds: number): Promise<IngestRow> {
  const latencies: number[] = [];
  let accepted = 0;
  const end = performance.now() + seconds * 1000;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        const status = await send(counter++);
        latencies.push(performance.now() - t0);
        if (status === 202) accepted += 1;
      }
    }),
  );
  return row(`max (${CONCURRENCY} concurrent)`, target, latencies, accepted, (performance.now() - start) / 1000);
}

/** Open loop: one alert every 1000/rate ms, latency from the scheduled time. */
async function openLoop(target: IngestRow['target'], send: Send, rate: number, seconds: number): Promise<IngestRow> {
  const latencies: number[] = [];
  let accepted = 0;
  const total = rate * seconds;
  const start = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i += 1) {
    const scheduled = start + (i * 1000) / rate;
    const wait = scheduled - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const from = Math.min(scheduled, performance.now()); // a timer may fire a little early
    inflight.push(
      send(counter++).then((status) => {
        latencies.push(performance.now() - from);
        if (status === 202) accepted += 1;
      }),
    );
  }
  await Promise.all(inflight);
  return row(`${rate}/s fixed`, target, latencies, accepted, seconds);
}

export async function runIngestBench(): Promise<IngestRow[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-bench-ingest-'));
  const bundle = path.join(dir, 'workflow-bundle.js');
  await writeWorkflowBundle(bundle, WORKFLOWS_PATH ? path.resolve(WORKFLOWS_PATH) : undefined);
  const backends = await startLocalBackends(dir, REGION);
  const { moto, temporal, aws, client } = backends;
  // Real instances, so each record-only runbook describes and records a machine that exists.
  const fleet = await seedDemoFleet(aws, {
    verifiedImageTag: 'cordon:verified',
    dataTagPrefix: 'data:',
    size: INSTANCE_COUNT,
    groupName: 'bench',
  });
  INSTANCES.push(...fleet.instanceIds);
  const taskQueue = `bench-ingest-${crypto.randomUUID()}`;
  const evidenceDir = path.join(dir, 'evidence');
  // The worker is its own process, as compose deploys it: its workflow tasks do not share the API's event loop.
  const worker = await startWorkerProcess(
    {
      ...localProcessEnv({
        temporalAddress: temporal.address,
        taskQueue,
        awsEndpoint: moto.endpoint,
        region: REGION,
        bundle,
        dataDir: dir,
        evidenceDir,
      }),
      CORDON_EVIDENCE_FSYNC: String(FSYNC),
    },
    path.join(dir, 'worker.log'),
  );
  const policies = severityPolicies(parseSeverityModes('critical=record-only,high=record-only,medium=record-only,low=record-only'));
  const incidents = new IncidentService(client, taskQueue, (s) => policies[s]);
  // Every signal-with-start the API makes, timed: alerts ÷ signals is the group-commit factor, and
  // the signal's own latency is Temporal's share of an accept. openOrJoin (one alert) goes through openOrJoinBatch.
  const signalMs: number[] = [];
  const signalWithStart = incidents.openOrJoinBatch.bind(incidents);
  incidents.openOrJoinBatch = async (...args) => {
    const t0 = performance.now();
    try {
      return await signalWithStart(...args);
    } finally {
      signalMs.push(performance.now() - t0);
    }
  };
  const measured = async (load: Promise<IngestRow>): Promise<IngestRow> => {
    const before = signalMs.length;
    const result = await load;
    const during = signalMs.slice(before).sort((a, b) => a - b);
    const r = (x: number) => Math.round(x * 10) / 10;
    return { ...result, signals: during.length, signalP50Ms: r(percentile(during, 50)), signalP99Ms: r(percentile(during, 99)) };
  };
  const token = crypto.randomBytes(24).toString('hex');
  const operators = new OperatorDirectory();
  operators.addToken({ name: 'bench-sensor', roles: ['alert-source'] }, token);
  const api = await buildApi({
    incidents,
    operators,
    evidence: new LocalWormStore(evidenceDir, { fsync: FSYNC }),
    ready: async () => true,
    alerts: { defaults: { account: ACCOUNT, region: REGION }, rateLimitPerMinute: 10_000_000, batchAlerts: BATCH },
  });
  await api.listen({ host: '127.0.0.1', port: 0 });
  const floor = await startFloorServer();
  const cordon = sender(`http://127.0.0.1:${(api.server.address() as AddressInfo).port}`, '/v1/alerts/generic', token);
  const bare = sender(floor.url, '/floor/generic', token);

  const rows: IngestRow[] = [];
  try {
    // Warm-up: opens the 10 incidents (alerts 0–49 cover every instance) and JIT-compiles both paths.
    for (let i = 0; i < WARM_UP; i += 1) {
      await cordon.send(i);
      await bare.send(i);
    }
    counter = WARM_UP;
    // The fixed rate first, so the latency goal is measured on a fresh server, not behind the overload's backlog.
    const accepted = () => WARM_UP + rows.filter((r) => r.target === 'cordon').reduce((n, r) => n + r.accepted, 0);
    rows.push(await openLoop('floor', bare.send, 100, SECONDS));
    rows.push(await measured(openLoop('cordon', cordon.send, 100, SECONDS)));
    // Let the worker catch up (and prove every accepted alert is tallied) before the next load.
    await accountFor(incidents, accepted());
    rows.push(await closedLoop('floor', bare.send, SECONDS));
    rows.push(await measured(closedLoop('cordon', cordon.send, SECONDS)));
    await accountFor(incidents, accepted());
  } finally {
    cordon.close();
    bare.close();
    await floor.app.close();
    await api.close();
    worker.term();
    await worker.exited;
    await backends.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

/** Every accepted alert must be in an incident's tally (the benchmark measured real work). */
async function accountFor(incidents: IncidentService, accepted: number): Promise<void> {
  const ids = INSTANCES.map((instanceId) => `inc-${ACCOUNT}-${REGION}-${instanceId}`);
  const deadline = Date.now() + 120_000;
  let counted = 0;
  while (Date.now() < deadline) {
    const snaps = await Promise.all(ids.map((id) => incidents.get(id)));
    counted = snaps.reduce((n, s) => n + (s?.alerts.reduce((m, a) => m + a.count, 0) ?? 0), 0);
    if (counted === accepted) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`accounted ${counted} alerts in incidents, but the API accepted ${accepted}`);
}

export function formatTable(rows: IngestRow[]): string {
  const lines = [
    '| load | floor alerts/s | cordon alerts/s | ratio | floor p50/p99 ms | cordon p50/p99 ms | p99 ratio | alerts per signal | signal p50/p99 ms |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const load of [...new Set(rows.map((r) => r.load))]) {
    const f = rows.find((r) => r.load === load && r.target === 'floor')!;
    const c = rows.find((r) => r.load === load && r.target === 'cordon')!;
    lines.push(
      `| ${load} | ${f.alertsPerSecond} | ${c.alertsPerSecond} | ${(c.alertsPerSecond / f.alertsPerSecond).toFixed(2)} | ${f.p50Ms}/${f.p99Ms} | ${c.p50Ms}/${c.p99Ms} | ${(c.p99Ms / f.p99Ms).toFixed(1)}× | ${(c.accepted / Math.max(1, c.signals)).toFixed(1)} | ${c.signalP50Ms}/${c.signalP99Ms} |`,
    );
  }
  return lines.join('\n');
}

if (require.main === module) {
  runIngestBench().then(
    (rows) => {
      process.stdout.write(
        `\nalert ingest (${os.cpus().length} cores, ${SECONDS} s per load, ${BATCH ? 'group commit per incident' : 'one signal per alert'}, evidence fsync ${FSYNC ? 'on' : 'off'})\n${formatTable(rows)}\n`,
      );
      const out = path.join(projectRoot, '.bench');
      fs.mkdirSync(out, { recursive: true });
      const file = path.join(out, `ingest-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
      fs.writeFileSync(
        file,
        `${JSON.stringify({ at: new Date().toISOString(), cores: os.cpus().length, concurrency: CONCURRENCY, seconds: SECONDS, batch: BATCH, evidenceFsync: FSYNC, rows }, null, 2)}\n`,
      );
      process.stdout.write(`written ${path.relative(projectRoot, file)}\n`);
      process.exit(0);
    },
    (err: unknown) => {
      process.stderr.write(`bench:ingest failed: ${(err as Error).stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
}
