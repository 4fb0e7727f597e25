/**
 * Ingest benchmark: sustained alerts/s and accept latency of POST /v1/alerts/generic through
 * the whole dedup path (bearer auth, rate limit, zod, signal-with-start on the Temporal dev
 * server with a worker tallying), beside a bare Fastify endpoint (the floor) in the same run,
 * with the same client. Two loads each: open loop at a fixed 100 alerts/s (latency measured from
 * the scheduled send time, so a stall is not hidden), then closed loop at full speed with
 * BENCH_CONCURRENCY senders (default 128: a storm comes from many senders at once).
 * Runbooks are record-only, so AWS work does not compete. At the end every accepted alert must
 * be found in its incident's tally. Prints a table with ratios; writes JSON to .bench/.
 * Run: `npx tsx bench/ingest.ts` (or `npm run bench:ingest`).
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
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
import { createAwsClients, destroyAwsClients } from '../src/aws/clients';
import { startMoto } from '../src/local/moto-server';
import { startTemporalDevServer } from '../src/local/temporal-dev-server';
import { projectRoot, toolchainPaths } from '../src/local/toolchain-paths';
import { IncidentService, workflowAcceptsAlertBatches } from '../src/temporal/incident-service';
import { createCordonWorker } from '../src/worker/create-worker';
import { installWorkerRuntime } from '../src/worker/runtime';
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
}

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const INSTANCES = Array.from({ length: 10 }, (_, i) => `i-0${i}be0c4${crypto.randomBytes(5).toString("hex")}`);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 128);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
/** Group commit per incident: on when the workflow has the batch signal, or forced by BENCH_BATCH=1|0. */
const BATCH = process.env.BENCH_BATCH ? process.env.BENCH_BATCH === '1' : workflowAcceptsAlertBatches;
/** Another workflows folder to bundle (e.g. a copy with a patch under evaluation). */
const WORKFLOWS_PATH = process.env.BENCH_WORKFLOWS_PATH;

/** Alert n: 10 instances × 20 titles, so the stream mixes repeats (same dedup key) and distinct findings. */
function alertBody(n: number): string {
  return JSON.stringify({ instanceId: INSTANCES[n % 10], severity: 'high', title: `bench finding ${Math.floor(n / 10) % 20}`, description: 'synthetic load' });
}

type Send = (n: number) => Promise<number>;

function sender(baseUrl: string, pathFor: string, token: string): { send: Send; close(): void } {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY * 2 });
  const url = new URL(baseUrl);
  const send: Send = (n) => new Promise((resolve, reject) => {
    const body = alertBody(n);
    const req = http.request({
      agent, host: url.hostname, port: url.port, method: 'POST', path: pathFor,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${token}` },
    }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)); });
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
  return { load, target, sent: latencies.length, accepted, alertsPerSecond: r(accepted / seconds), p50Ms: r(percentile(sorted, 50)), p99Ms: r(percentile(sorted, 99)), maxMs: r(sorted.at(-1) ?? NaN), signals: 0 };
}

let counter = 0;

/** Closed loop: CONCURRENCY senders back to back for `seconds`. */
async function closedLoop(target: IngestRow['target'], send: Send, seconds: number): Promise<IngestRow> {
  const latencies: number[] = [];
  let accepted = 0;
  const end = performance.now() + seconds * 1000;
  const start = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      const status = await send(counter++);
      latencies.push(performance.now() - t0);
      if (status === 202) accepted += 1;
    }
  }));
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
    inflight.push(send(counter++).then((status) => {
      latencies.push(performance.now() - from);
      if (status === 202) accepted += 1;
    }));
  }
  await Promise.all(inflight);
  return row(`${rate}/s fixed`, target, latencies, accepted, seconds);
}

export async function runIngestBench(): Promise<IngestRow[]> {
  installWorkerRuntime();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-bench-ingest-'));
  const tools = toolchainPaths();
  const [moto, temporal] = await Promise.all([
    startMoto({ binary: tools.motoServer, logFile: path.join(dir, 'moto.log') }),
    startTemporalDevServer({ binary: tools.temporalCli, dbFile: path.join(dir, 'temporal.sqlite'), headless: true, logFile: path.join(dir, 'temporal.log') }),
  ]);
  const aws = createAwsClients({ region: REGION, endpoint: moto.endpoint });
  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection });
  const workerConnection = await NativeConnection.connect({ address: temporal.address });
  const taskQueue = `bench-ingest-${crypto.randomUUID()}`;
  const worker = await createCordonWorker({
    connection: workerConnection, namespace: 'default', taskQueue,
    deps: {
      aws, config: { verifiedImageTag: 'cordon:verified', dataTagPrefix: 'data:', compromiseLookbackHours: 24 },
      evidence: { store: new LocalWormStore(path.join(dir, 'evidence')), collector: 'cordon-bench' },
    },
    ...(WORKFLOWS_PATH ? { extra: { workflowsPath: path.resolve(WORKFLOWS_PATH) } } : {}),
  });
  const running = worker.run();
  const policies = severityPolicies(parseSeverityModes('critical=record-only,high=record-only,medium=record-only,low=record-only'));
  const incidents = new IncidentService(client, taskQueue, (s) => policies[s]);
  let signals = 0;
  const [one, many] = [incidents.openOrJoin.bind(incidents), incidents.openOrJoinBatch.bind(incidents)];
  incidents.openOrJoin = (...args) => { signals += 1; return one(...args); };
  incidents.openOrJoinBatch = (...args) => { signals += 1; return many(...args); };
  const measured = async (load: Promise<IngestRow>): Promise<IngestRow> => {
    const before = signals;
    const result = await load;
    return { ...result, signals: signals - before };
  };
  const token = crypto.randomBytes(24).toString('hex');
  const operators = new OperatorDirectory();
  operators.addToken({ name: 'bench-sensor', roles: ['alert-source'] }, token);
  const api = await buildApi({ incidents, operators, evidence: new LocalWormStore(path.join(dir, 'evidence')), ready: async () => true, alerts: { defaults: { account: ACCOUNT, region: REGION }, rateLimitPerMinute: 10_000_000, batchAlerts: BATCH } });
  await api.listen({ host: '127.0.0.1', port: 0 });
  const floor = await startFloorServer();
  const cordon = sender(`http://127.0.0.1:${(api.server.address() as AddressInfo).port}`, '/v1/alerts/generic', token);
  const bare = sender(floor.url, '/floor/generic', token);

  const rows: IngestRow[] = [];
  try {
    // Warm-up: opens the 10 incidents and JIT-compiles both paths.
    for (let i = 0; i < 50; i += 1) { await cordon.send(counter++); await bare.send(counter++); }
    // The fixed rate first, so the latency goal is measured on a fresh server, not behind the overload's backlog.
    const accepted = () => 50 + rows.filter((r) => r.target === 'cordon').reduce((n, r) => n + r.accepted, 0);
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
    worker.shutdown();
    await running;
    await workerConnection.close();
    await connection.close();
    destroyAwsClients(aws);
    await Promise.all([moto.stop(), temporal.stop()]);
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
  const lines = ['| load | floor alerts/s | cordon alerts/s | ratio | floor p50/p99 ms | cordon p50/p99 ms | p99 ratio | alerts per signal |', '| --- | --- | --- | --- | --- | --- | --- | --- |'];
  for (const load of [...new Set(rows.map((r) => r.load))]) {
    const f = rows.find((r) => r.load === load && r.target === 'floor')!;
    const c = rows.find((r) => r.load === load && r.target === 'cordon')!;
    lines.push(`| ${load} | ${f.alertsPerSecond} | ${c.alertsPerSecond} | ${(c.alertsPerSecond / f.alertsPerSecond).toFixed(2)} | ${f.p50Ms}/${f.p99Ms} | ${c.p50Ms}/${c.p99Ms} | ${(c.p99Ms / f.p99Ms).toFixed(1)}× | ${(c.accepted / Math.max(1, c.signals)).toFixed(1)} |`);
  }
  return lines.join('\n');
}

if (require.main === module) {
  runIngestBench().then((rows) => {
    process.stdout.write(`\nalert ingest (${os.cpus().length} cores, ${SECONDS} s per load, ${BATCH ? 'group commit per incident' : 'one signal per alert'})\n${formatTable(rows)}\n`);
    const out = path.join(projectRoot, '.bench');
    fs.mkdirSync(out, { recursive: true });
    const file = path.join(out, `ingest-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    fs.writeFileSync(file, `${JSON.stringify({ at: new Date().toISOString(), cores: os.cpus().length, concurrency: CONCURRENCY, seconds: SECONDS, batch: BATCH, rows }, null, 2)}\n`);
    process.stdout.write(`written ${path.relative(projectRoot, file)}\n`);
    process.exit(0);
  }, (err: unknown) => {
    process.stderr.write(`bench:ingest failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
}
