/**
 * An alert storm through the HTTP API: 1,000 alerts (repeats and distinct findings from three
 * sources, firing and resolved) about 10 instances, sent concurrently and interleaved. Expect
 * exactly 10 incidents, one run each, and every accepted alert accounted for in its incident's
 * tallies (same dedup keys, same counts). Runbooks are record-only (severity policy), so only
 * ingestion, dedup and merge are under test.
 */
import type { FastifyInstance } from 'fastify';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { alertIngestSettings } from '../../src/alerts/ingest-config';
import { loadConfig } from '../../src/config/schema';
import { OperatorDirectory } from '../../src/api/auth/operators';
import { buildApi } from '../../src/api/server';
import { IncidentService } from '../../src/temporal/incident-service';
import { ACCOUNT, REGION, eventually, startStack, type Stack } from '../helpers/stack';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'alerts');
const TOKEN = crypto.randomBytes(24).toString('hex');
const INSTANCES = Array.from({ length: 10 }, (_, i) => `i-0${String(i).padStart(2, '0')}c0ffee${crypto.randomBytes(4).toString('hex')}`);

let stack: Stack;
let incidents: IncidentService;
let api: FastifyInstance;

beforeAll(async () => {
  stack = await startStack();
  // As the API is configured in production: the policies and the source trust derived from them (every severity
  // records only, so no severity needs capping).
  const { policies, trust } = alertIngestSettings(
    loadConfig({ CORDON_SEVERITY_POLICY: 'critical=record-only,high=record-only,medium=record-only,low=record-only' }),
  );
  incidents = new IncidentService(stack.client, stack.taskQueue, (s) => policies[s]);
  const operators = new OperatorDirectory();
  operators.addToken({ name: 'sensor', roles: ['alert-source'] }, TOKEN);
  api = await buildApi({
    incidents,
    operators,
    ready: async () => true,
    alerts: { defaults: { account: ACCOUNT, region: REGION }, rateLimitPerMinute: 100_000, trust },
  });
});
afterAll(async () => {
  await api?.close();
  await stack?.teardown();
});

interface Request {
  source: string;
  body: string;
  alerts: number;
}

/** 100 alerts per instance: generic 4 titles × 10, GuardDuty 3 findings × 10, Alertmanager 15 webhooks × 2 alerts. */
function stormFor(instanceId: string): Request[] {
  const out: Request[] = [];
  for (let repeat = 0; repeat < 10; repeat += 1) {
    for (let t = 0; t < 4; t += 1)
      out.push({
        source: 'generic',
        alerts: 1,
        body: JSON.stringify({ instanceId, severity: t === 3 ? 'critical' : 'medium', title: `storm signal ${t}` }),
      });
    for (let f = 0; f < 3; f += 1) {
      const gd = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'guardduty-c2-activity.json'), 'utf8'));
      gd.detail.id = `${instanceId.slice(2)}f${f}`;
      gd.detail.resource.instanceDetails.instanceId = instanceId;
      gd.detail.service.count = repeat + 1;
      out.push({ source: 'guardduty', alerts: 1, body: JSON.stringify(gd) });
    }
  }
  const am = fs
    .readFileSync(path.join(FIXTURES, 'alertmanager-webhook.json'), 'utf8')
    .split('i-0a1b2c3d4e5f60718')
    .join(instanceId)
    .split('i-0fedcba9876543210')
    .join(instanceId);
  for (let i = 0; i < 15; i += 1) out.push({ source: 'alertmanager', alerts: 2, body: am });
  return out;
}

/** Deterministic interleaving (no Math.random in assertions' inputs). */
function shuffle<T>(items: T[]): T[] {
  const out = [...items];
  let seed = 42;
  for (let i = out.length - 1; i > 0; i -= 1) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const j = seed % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

test('1,000 alerts for 10 instances → exactly 10 incidents, every alert counted in its own', async () => {
  const requests = shuffle(INSTANCES.flatMap(stormFor));
  expect(requests.reduce((n, r) => n + r.alerts, 0)).toBe(1000);

  // Expected tallies, from what the API said it accepted: incidentId → dedupKey → count.
  const expected = new Map<string, Map<string, number>>();
  let next = 0;
  const failures: string[] = [];
  const sender = async () => {
    while (next < requests.length) {
      const r = requests[next++]!;
      const res = await api.inject({
        method: 'POST',
        url: `/v1/alerts/${r.source}`,
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        payload: r.body,
      });
      if (res.statusCode !== 202) {
        failures.push(`${r.source} ${res.statusCode} ${res.body}`);
        continue;
      }
      for (const a of res.json().accepted as { incidentId: string; dedupKey: string }[]) {
        const keys = expected.get(a.incidentId) ?? new Map<string, number>();
        keys.set(a.dedupKey, (keys.get(a.dedupKey) ?? 0) + 1);
        expected.set(a.incidentId, keys);
      }
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: 16 }, sender));
  const seconds = (Date.now() - started) / 1000;
  process.stdout.write(`storm: ${requests.length} requests (1000 alerts) accepted in ${seconds.toFixed(1)} s\n`);
  expect(failures).toEqual([]);
  expect(expected.size).toBe(10);

  for (const [incidentId, keys] of expected) {
    const snap = await eventually(
      async () => {
        const s = await incidents.get(incidentId);
        return s && s.alertCount >= 100 && s;
      },
      60000,
      `${incidentId} to tally 100 alerts`,
    );
    expect(snap.alertCount).toBe(100);
    expect(Object.fromEntries(snap.alerts.map((a) => [a.dedupKey, a.count]))).toEqual(Object.fromEntries(keys));
    expect(snap.alerts).toHaveLength(9);
    expect(snap.severity).toBe('critical');
    expect(snap.alerts.filter((a) => a.status === 'resolved')).toHaveLength(1);
  }

  // One run per incident: no twins, nothing continued or restarted, nothing closed by a resolved alert.
  const runs: { id: string; status: string }[] = [];
  await eventually(
    async () => {
      runs.length = 0;
      for await (const wf of stack.client.workflow.list({ query: `WorkflowType = 'incidentWorkflow'` }))
        runs.push({ id: wf.workflowId, status: wf.status.name });
      return runs.length >= 10;
    },
    15000,
    'visibility to list 10 incidents',
  );
  expect(runs.map((r) => r.id).sort()).toEqual([...expected.keys()].sort());
  expect(runs.every((r) => r.status === 'RUNNING')).toBe(true);
});
