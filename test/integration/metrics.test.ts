/**
 * Observability of the real container commands: the API (`api-main`) and a worker
 * (`worker-main`) run as processes against the test dev server + moto. After one runbook run
 * that stops at the replacement gate, the API's /metrics shows the incident by phase, the
 * pending approval, the clock series, alerts accepted and refused by source; the worker's
 * /metrics shows step durations and Temporal's own SDK metrics. Health and readiness answer.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from '../../src/local/free-port';
import type { DemoFleet } from '../../src/local/demo-fleet';
import { freshFleet } from '../helpers/containment';
import { eventually, startStack, type Stack, stackEnv } from '../helpers/stack';
import { bundleOnce, startApiProcess, startWorkerProcess, type CordonProcess } from '../../src/local/cordon-processes';
import { processAllocator } from '../../src/local/worker-allocator';
import { WORKER_MAIN_HEAP_MIB } from '../../src/bootstrap/memory-budget';

let stack: Stack;
let fleet: DemoFleet;
let api: CordonProcess & { url: string };
let worker: CordonProcess & { metricsUrl: string };
const adminToken = crypto.randomBytes(24).toString('hex');

beforeAll(async () => {
  stack = await startStack({ worker: false });
  fleet = await freshFleet(stack);
  const env = stackEnv(stack, await bundleOnce(stack.dir), { CORDON_ADMIN_TOKEN: adminToken, CORDON_LOG_LEVEL: 'warn' });
  [worker, api] = await Promise.all([
    startWorkerProcess({ ...env, CORDON_LOG_LEVEL: 'info' }, path.join(stack.dir, 'worker.log')),
    freePort().then((port) => startApiProcess({ ...env, CORDON_LOG_LEVEL: 'info' }, path.join(stack.dir, 'api.log'), port)),
  ]);
});
afterAll(async () => {
  await Promise.all([api?.kill9(), worker?.kill9()]);
  await stack?.teardown();
});

const text = async (url: string) => {
  const res = await fetch(url);
  return { status: res.status, body: await res.text() };
};
/** The value of one exposition line, e.g. sample(body, 'cordon_incidents{phase="contained"}'). */
function sample(body: string, series: string): number | undefined {
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}
const postAlert = (body: unknown, token = adminToken) =>
  fetch(`${api.url}/v1/alerts/generic`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

test('liveness and readiness of both processes', async () => {
  expect(await text(`${api.url}/healthz`)).toEqual({ status: 200, body: '{"ok":true}' });
  expect((await text(`${api.url}/readyz`)).status).toBe(200);
  expect((await text(`${worker.metricsUrl}/healthz`)).status).toBe(200);
  expect(await text(`${worker.metricsUrl}/readyz`)).toEqual({ status: 200, body: '{"ok":true}' });
});

test('both processes run on the allocator the image preloads, where this machine has it (jemalloc; otherwise glibc with its settings)', () => {
  const allocator = processAllocator();
  for (const p of [worker, api]) {
    const mapped = fs.readFileSync(`/proc/${p.pid}/maps`, 'utf8').includes('libjemalloc.so');
    expect(mapped).toBe(allocator.name === 'jemalloc');
    const env = fs.readFileSync(`/proc/${p.pid}/environ`, 'utf8').split('\0');
    for (const [k, v] of Object.entries(allocator.env)) expect(env).toContain(`${k}=${v}`);
  }
});

test("the worker's main thread runs under the heap limit its Node flags set, so V8 keeps its heap near what it uses", async () => {
  const running = await worker.waitForLog('worker running');
  const memory = running.memory as { mainHeapLimitMiB: number };
  // heap_size_limit is the old-space limit plus the young generation (tens of MiB); Node's default here is over 2 GiB.
  expect(memory.mainHeapLimitMiB).toBeGreaterThanOrEqual(WORKER_MAIN_HEAP_MIB);
  expect(memory.mainHeapLimitMiB).toBeLessThan(WORKER_MAIN_HEAP_MIB + 128);
  expect(fs.readFileSync(worker.logFile, 'utf8')).not.toContain('main thread heap limit is');
});

test('after a runbook run, /metrics exposes incidents, approvals, clocks, alerts, step durations and SDK metrics', async () => {
  const before = await text(`${api.url}/metrics`);
  for (const urgency of ['overdue', 'due_6h', 'due_24h', 'later'])
    expect(sample(before.body, `cordon_breach_clocks{urgency="${urgency}"}`)).toBe(0);
  expect(sample(before.body, 'cordon_approvals_pending')).toBe(0);

  const instanceId = fleet.instanceIds[0]!;
  const accepted = await postAlert({ instanceId, severity: 'high', title: 'metrics: outbound traffic to known C2' });
  expect(accepted.status).toBe(202);
  const {
    accepted: [{ incidentId }],
  } = (await accepted.json()) as { accepted: { incidentId: string }[] };
  expect((await postAlert({ instanceId, severity: 'high' })).status).toBe(400);
  expect((await postAlert({ instanceId, severity: 'high', title: 'x' }, 'not-a-token')).status).toBe(401);

  // High severity: contained automatically, then the replacement waits for an approver.
  await eventually(
    async () => {
      const res = await fetch(`${api.url}/v1/incidents/${incidentId}`, { headers: { authorization: `Bearer ${adminToken}` } });
      const snap = (await res.json()) as { steps: { name: string; status: string }[] };
      return snap.steps?.find((s) => s.name === 'replace')?.status === 'awaiting-approval';
    },
    60000,
    'the replacement gate',
  );

  const apiMetrics = await eventually(
    async () => {
      const { body } = await text(`${api.url}/metrics`);
      return sample(body, 'cordon_incidents{phase="contained"}') === 1 && sample(body, 'cordon_approvals_pending') === 1 ? body : undefined;
    },
    30000,
    'incident gauges from the memo',
  );
  expect(sample(apiMetrics, 'cordon_incidents{phase="open"}')).toBe(0);
  expect(sample(apiMetrics, 'cordon_incidents{phase="closed"}')).toBe(0);
  expect(sample(apiMetrics, 'cordon_alerts_total{source="generic",outcome="accepted"}')).toBe(1);
  expect(sample(apiMetrics, 'cordon_alerts_total{source="generic",outcome="refused:400"}')).toBe(1);
  expect(sample(apiMetrics, 'cordon_alerts_total{source="generic",outcome="refused:401"}')).toBe(1);
  expect(sample(apiMetrics, 'cordon_breach_clocks{urgency="overdue"}')).toBe(0);

  const { status, body } = await text(`${worker.metricsUrl}/metrics`);
  expect(status).toBe(200);
  // The original state is recorded by a regular activity; the quarantine chain runs as local activities.
  expect(sample(body, 'cordon_step_duration_seconds_count{activity="describeTarget",kind="remote",outcome="ok"}')).toBe(1);
  for (const activity of ['protectEvidence', 'leaveAutoScalingGroup', 'isolateNetwork', 'cutCredentials']) {
    expect([activity, sample(body, `cordon_step_duration_seconds_count{activity="${activity}",kind="local",outcome="ok"}`)]).toEqual([
      activity,
      1,
    ]);
  }
  expect(body).toMatch(/^temporal_worker_task_slots_available\{/m);
  expect(body).toMatch(/^temporal_workflow_task_execution_latency_(bucket|count)\{/m);
  expect(body).toMatch(/^temporal_local_activity_execution_latency_(bucket|count)\{/m);
});
