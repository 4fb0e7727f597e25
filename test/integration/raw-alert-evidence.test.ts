/**
 * Raw alert requests as evidence, end to end: the API in process + Temporal dev server + moto
 * (demo fleet) + the local write-once evidence folder the worker shares. An accepted request's
 * exact bytes become an artifact of its incident (listed by GET /v1/incidents/:id/evidence with
 * the sha256 of what was posted, verify intact), a retried identical request adds nothing,
 * refused requests (401, 400, 422) and plan mode store nothing, the capture-alerts step lists
 * the raw requests, and a broken or hanging evidence store never refuses or stalls an alert.
 */
import type { IncidentSnapshot } from '../../src/domain/incident';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Counter, Registry } from 'prom-client';
import { signedHeaders } from '../../src/alerts/auth-hmac';
import { OperatorDirectory } from '../../src/api/auth/operators';
import { buildApi } from '../../src/api/server';
import { artifactKey, type EvidenceStore } from '../../src/evidence';
import { readText } from '../../src/evidence/chain-log';
import { incidentIdFor } from '../../src/temporal/incident-id';
import { freshFleet, settled, stepStatus } from '../helpers/containment';
import { ACCOUNT, REGION, eventually, startStack, type Stack } from '../helpers/stack';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'alerts');
const SECRET = 'raw-evidence-hmac-secret-0123456789abcdef';
let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
}, 120_000);
afterAll(async () => {
  await stack?.teardown();
});

const sha256 = (data: string | Buffer) => crypto.createHash('sha256').update(data).digest('hex');
const newInstanceId = () => `i-${crypto.randomBytes(9).toString('hex').slice(0, 17)}`;
const incidentOf = (instanceId: string) => incidentIdFor({ account: ACCOUNT, region: REGION, instanceId });
const generic = (instanceId: string, title = 'raw evidence probe') => JSON.stringify({ instanceId, severity: 'low', title });

interface Listed {
  name: string;
  key?: string;
  sha256: string;
  size: number;
  mediaType: string;
  source: string;
  collector: string;
  detail?: Record<string, unknown>;
}

function post(
  source: string,
  body: string,
  headers: Record<string, string> = { authorization: `Bearer ${stack.tokens.sensor}` },
  api = stack.api,
  query = '',
) {
  return api.inject({
    method: 'POST',
    url: `/v1/alerts/${source}${query}`,
    headers: { 'content-type': 'application/json', ...headers },
    payload: body,
  });
}

async function listed(incidentId: string): Promise<Listed[]> {
  const res = await stack.api.inject({
    method: 'GET',
    url: `/v1/incidents/${incidentId}/evidence`,
    headers: { authorization: `Bearer ${stack.tokens.audrey}` },
  });
  expect(res.statusCode).toBe(200);
  return res.json<{ artifacts: Listed[] }>().artifacts;
}
const rawOnes = (artifacts: Listed[]) => artifacts.filter((a) => a.name.startsWith('alerts/raw/'));

async function verified(incidentId: string): Promise<{ ok: boolean; problems: unknown[] }> {
  const res = await stack.api.inject({
    method: 'POST',
    url: `/v1/incidents/${incidentId}/evidence/verify`,
    headers: { authorization: `Bearer ${stack.tokens.dora}` },
  });
  expect(res.statusCode).toBe(200);
  return res.json();
}

/** Every raw-request artifact in the evidence store, as its incident's manifest names it (bytes live under their sha256). */
const rawKeys = async () => {
  const out: string[] = [];
  for (const key of (await stack.evidence.list('incidents/')).filter((k) => k.includes('/manifest/'))) {
    const e = JSON.parse(await readText(stack.evidence, key)) as { kind: string; name?: string; key?: string };
    if (e.kind === 'artifact' && e.name?.startsWith('alerts/raw/')) out.push(`${key.split('/manifest/')[0]} ${e.name} ${e.key}`);
  }
  return out.sort();
};
const bytesOf = (incidentId: string, a: Listed) => readText(stack.evidence, artifactKey(incidentId, a));

test('a GuardDuty finding is kept byte for byte, once, and capture-alerts lists it', async () => {
  const fleet = await freshFleet(stack);
  const accused = fleet.instanceIds[0]!;
  const body = fs.readFileSync(path.join(FIXTURES, 'guardduty-c2-activity.json'), 'utf8').split('i-0a1b2c3d4e5f60718').join(accused);
  const res = await post('guardduty', body);
  expect(res.statusCode).toBe(202);
  const incidentId = incidentOf(accused);
  expect(res.json().accepted[0].incidentId).toBe(incidentId);

  // Listed at once (202 waits for the write): named and hashed by the exact bytes posted.
  const [raw, ...others] = rawOnes(await listed(incidentId));
  expect(others).toEqual([]);
  expect(raw).toMatchObject({
    name: `alerts/raw/guardduty-${sha256(body)}.json`,
    sha256: sha256(body),
    size: Buffer.byteLength(body),
    mediaType: 'application/json',
    source: 'http:POST /v1/alerts/guardduty',
    collector: expect.stringMatching(/^cordon-api@.+/),
    detail: {
      sender: 'sensor',
      authenticatedBy: 'bearer',
      requestId: expect.stringMatching(/^req_/),
      dedupKeys: ['guardduty:a2c6f1e0b7d84e19b3f5c9d7e2a41b60'],
    },
  });
  expect(Date.parse(String(raw!.detail!.receivedAt))).toBeGreaterThan(Date.now() - 60_000);
  expect(raw!.key).toBe(`incidents/${incidentId}/objects/${sha256(body)}`);
  expect(await bytesOf(incidentId, raw!)).toBe(body);
  expect(JSON.stringify(raw)).not.toContain(stack.tokens.sensor!);

  // The sender retries the identical request: counted in the incident, stored once.
  expect((await post('guardduty', body)).statusCode).toBe(202);
  expect(rawOnes(await listed(incidentId)).map((a) => a.name)).toEqual([raw!.name]);
  // The runbook is writing other artifacts meanwhile; verify waits out one caught between its store write and its
  // manifest line (the settle window) instead of calling it stray, so a live incident verifies clean.
  expect(await verified(incidentId)).toMatchObject({ ok: true, problems: [] });

  // capture-alerts (after the quarantine chain) references the raw request by name and sha256.
  // Snapshots run beside the chain; wait for both so the artifact list read below is complete.
  const over = (s: IncidentSnapshot, step: string) => ['done', 'failed', 'skipped'].includes(stepStatus(s, step) ?? '');
  const snap = await settled(stack, incidentId, (s) => over(s, 'capture-alerts') && over(s, 'snapshot-volumes'), 120_000);
  expect(stepStatus(snap, 'capture-alerts')).toBe('done');
  const after = await listed(incidentId);
  const ref = { name: raw!.name, sha256: sha256(body) };
  const index = after.find((a) => a.name.startsWith('alerts/raw-requests-'));
  expect(index?.detail).toMatchObject({ rawRequestCount: 1, rawRequests: [ref] });
  const list = JSON.parse(await bytesOf(incidentId, index!)) as { rawRequests: { name: string; sha256: string }[] };
  expect(list.rawRequests).toEqual([expect.objectContaining(ref)]);
  const tally = after.find((a) => a.name.startsWith('alerts/guardduty-'));
  expect(tally?.detail).toMatchObject({ dedupKey: 'guardduty:a2c6f1e0b7d84e19b3f5c9d7e2a41b60', rawRequests: [ref] });
  expect(rawOnes(after)).toHaveLength(1);
  expect(await verified(incidentId)).toMatchObject({ ok: true, problems: [] });

  // GuardDuty re-sends the finding with a higher count: a join, written in the background (no wait before 202).
  const update = body.replace(/"count": \d+/, '"count": 9');
  expect(update).not.toBe(body);
  expect((await post('guardduty', update)).statusCode).toBe(202);
  const both = await eventually(
    async () => {
      const r = rawOnes(await listed(incidentId));
      return r.length === 2 && r;
    },
    10_000,
    'the update kept',
  );
  expect(both[1]).toMatchObject({
    name: `alerts/raw/guardduty-${sha256(update)}.json`,
    sha256: sha256(update),
    detail: { dedupKeys: ['guardduty:a2c6f1e0b7d84e19b3f5c9d7e2a41b60'] },
  });
  expect(await verified(incidentId)).toMatchObject({ ok: true, problems: [] });
}, 180_000);

test('text/plain bodies are kept as .txt with the media type sent', async () => {
  const instanceId = newInstanceId();
  const body = generic(instanceId);
  const res = await post('generic', body, { authorization: `Bearer ${stack.tokens.sensor}`, 'content-type': 'text/plain; charset=UTF-8' });
  expect(res.statusCode).toBe(202);
  const [raw] = rawOnes(await listed(incidentOf(instanceId)));
  expect(raw).toMatchObject({
    name: `alerts/raw/generic-${sha256(body)}.txt`,
    sha256: sha256(body),
    mediaType: 'text/plain; charset=UTF-8',
  });
});

test('a signed request records the signer, never the signature or secret; refused and plan-mode requests store nothing', async () => {
  const operators = new OperatorDirectory();
  operators.addToken({ name: 'sensor', roles: ['alert-source'] }, stack.tokens.sensor!);
  const api = await buildApi({
    incidents: stack.incidents,
    operators,
    evidence: stack.evidence,
    ready: async () => true,
    alerts: { defaults: { account: ACCOUNT, region: REGION }, hmacSecrets: { generic: [SECRET] } },
  });
  try {
    const signedId = newInstanceId();
    const body = generic(signedId);
    const headers = signedHeaders(SECRET, { method: 'POST', url: '/v1/alerts/generic' }, body, new Date());
    expect((await post('generic', body, headers, api)).statusCode).toBe(202);
    const [raw] = rawOnes(await listed(incidentOf(signedId)));
    expect(raw).toMatchObject({ sha256: sha256(body), detail: { sender: 'generic (signed)', authenticatedBy: 'hmac' } });
    const text = JSON.stringify(raw);
    for (const secret of [SECRET, headers['x-cordon-signature']!, headers['x-cordon-signature']!.slice(7)])
      expect(text).not.toContain(secret);

    const before = await rawKeys();
    const refusedId = newInstanceId();
    const refused = [
      { status: 401, send: () => post('generic', generic(refusedId), {}, api) },
      { status: 401, send: () => post('generic', generic(refusedId), { authorization: 'Bearer not-a-known-token' }, api) },
      { status: 401, send: () => post('generic', body, headers, api) }, // replayed signed request
      {
        status: 401,
        send: () =>
          post(
            'generic',
            generic(refusedId),
            signedHeaders('another-secret-0123456789abcdef', { method: 'POST', url: '/v1/alerts/generic' }, generic(refusedId), new Date()),
            api,
          ),
      },
      {
        status: 400,
        send: () => post('generic', JSON.stringify({ instanceId: refusedId, severity: 'severe', title: 'x' }), undefined, api),
      },
      { status: 400, send: () => post('guardduty', '{"detail-type": ', undefined, api) },
      {
        status: 422,
        send: () => post('guardduty', fs.readFileSync(path.join(FIXTURES, 'guardduty-s3bucket.json'), 'utf8'), undefined, api),
      },
    ];
    for (const r of refused) expect({ status: (await r.send()).statusCode }).toEqual({ status: r.status });
    const planId = newInstanceId();
    expect((await post('generic', generic(planId), undefined, api, '?dryRun=true')).statusCode).toBe(202);
    expect(await rawKeys()).toEqual(before);
    expect(await stack.evidence.list(`incidents/${incidentOf(refusedId)}/`)).toEqual([]);
  } finally {
    await api.close();
  }
});

test('a failing or hanging evidence store still accepts the alert, and failures are counted', async () => {
  const registry = new Registry();
  const alertEvidence = new Counter({
    name: 'cordon_alert_evidence_total',
    help: 'test',
    labelNames: ['source', 'outcome'],
    registers: [registry],
  });
  const alerts = new Counter({ name: 'cordon_alerts_total', help: 'test', labelNames: ['source', 'outcome'], registers: [registry] });
  const broken = (put: EvidenceStore['put']): EvidenceStore => ({
    kind: 'local',
    location: '/nowhere',
    put,
    get: (k) => stack.evidence.get(k),
    exists: async () => false,
    list: async () => [],
  });
  const operators = new OperatorDirectory();
  operators.addToken({ name: 'sensor', roles: ['alert-source'] }, stack.tokens.sensor!);
  const apiWith = (store: EvidenceStore) =>
    buildApi({
      incidents: stack.incidents,
      operators,
      evidence: store,
      ready: async () => true,
      metrics: { registry, alerts, alertEvidence },
      alerts: { defaults: { account: ACCOUNT, region: REGION }, rawEvidence: { waitMs: 300, shutdownWaitMs: 300 } },
    });

  const failing = await apiWith(
    broken(async () => {
      throw new Error('disk full');
    }),
  );
  const hanging = await apiWith(broken(() => new Promise(() => undefined)));
  try {
    const failedId = newInstanceId();
    expect((await post('generic', generic(failedId), undefined, failing)).statusCode).toBe(202);
    const failedCount = await alertEvidence.get();
    expect(failedCount.values.find((v) => v.labels.outcome === 'failed')?.value).toBe(1);
    await eventually(async () => (await stack.incidents.get(incidentOf(failedId)))?.alertCount === 1, 30_000, 'the alert in its incident');

    const hungId = newInstanceId();
    const t0 = Date.now();
    expect((await post('generic', generic(hungId), undefined, hanging)).statusCode).toBe(202);
    expect(Date.now() - t0).toBeLessThan(10_000); // answered after the 300 ms wait budget, not held by the hung store
    await eventually(async () => (await stack.incidents.get(incidentOf(hungId)))?.alertCount === 1, 30_000, 'the alert in its incident');
  } finally {
    await failing.close();
    await hanging.close();
  }
});
