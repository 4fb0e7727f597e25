/**
 * Hostile input, property-based (fast-check): random methods, paths, tokens, content types and
 * bodies on every API route never get a 5xx and start no workflow; forged, wrongly keyed and
 * replayed HMAC signatures are refused; an operator without the role cannot approve, record a
 * submission or read evidence, whatever the body. The API runs in process against the real
 * IncidentService (Temporal dev server), so "nothing started" is read back from Temporal.
 */
import fc from 'fast-check';
import crypto from 'node:crypto';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { FastifyInstance } from 'fastify';
import { signedHeaders } from '../../src/alerts/auth-hmac';
import { OperatorDirectory, type Role } from '../../src/api/auth/operators';
import { buildApi } from '../../src/api/server';
import { NotificationService } from '../../src/temporal/notification-service';
import { ACCOUNT, REGION, eventually, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
let api: FastifyInstance;
const secret = crypto.randomBytes(32).toString('hex');
const people: Record<string, Role[]> = {
  responder: ['responder'], approver: ['approver'], dpo: ['dpo'], auditor: ['auditor'], sensor: ['alert-source'], admin: ['admin'],
};
const tokens: Record<string, string> = {};
const incidentId = `inc-${ACCOUNT}-${REGION}-i-0123456789abcdef0`;

beforeAll(async () => {
  stack = await startStack({ worker: false });
  const operators = new OperatorDirectory();
  for (const [name, roles] of Object.entries(people)) {
    tokens[name] = crypto.randomBytes(24).toString('hex');
    operators.addToken({ name, roles }, tokens[name]!);
  }
  api = await buildApi({
    incidents: stack.incidents, operators, evidence: stack.evidence, notifications: new NotificationService(stack.client),
    alerts: { defaults: { account: ACCOUNT, region: REGION }, hmacSecrets: { generic: [secret] } }, ready: async () => true,
  });
});
afterAll(async () => {
  await api?.close();
  await stack?.teardown();
});

const workflowsStarted = async () => (await stack.client.workflow.count('')).count;

const routes = [
  'GET /v1/incidents', 'GET /v1/incidents/:id', 'POST /v1/incidents/:id/decisions', 'POST /v1/incidents/:id/close',
  'GET /v1/incidents/:id/evidence', 'POST /v1/incidents/:id/evidence/verify', 'GET /v1/incidents/:id/notification', 'GET /v1/deadlines',
  'POST /v1/incidents/:id/notification/submissions', 'POST /v1/incidents/:id/notification/awareness', 'POST /v1/incidents/:id/notification/not-required',
  'POST /v1/incidents/:id/notification/events', 'POST /v1/incidents/:id/notification/risk',
  'POST /v1/alerts/:source', 'GET /v1/me', 'GET /healthz', 'GET /readyz', 'GET /console/:id',
];
const hostileSegment = fc.oneof(
  fc.constant(incidentId), fc.constantFrom('generic', 'guardduty', 'securityhub', 'alertmanager', 'cloudwatch-sns', '..', '%2e%2e%2f', '%00', 'inc-'),
  fc.string({ maxLength: 80 }).map(encodeURIComponent), fc.stringMatching(/^inc-\d{12}-[a-z]{2}-[a-z]+-\d-i-[0-9a-f]{8,17}$/),
);
const hostileBody = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)), fc.string({ maxLength: 400 }), fc.constant(''), fc.constant('{"a":'),
  fc.record({ instanceId: fc.string(), severity: fc.string(), title: fc.string(), severty: fc.string() }).map((v) => JSON.stringify(v)),
  fc.record({ step: fc.string(), decision: fc.constantFrom('approve', 'reject', 'maybe'), reason: fc.string(), extra: fc.anything() }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
);
const isJson = (text: string) => { try { JSON.parse(text); return true; } catch { return false; } };
const anyToken = fc.oneof(fc.constant(undefined), fc.string({ maxLength: 60 }), fc.constantFrom(...Object.keys(people)).map((n) => `@${n}`));

/** One hostile request per run; throws on a 5xx. */
const hostileRequest = () => fc.asyncProperty(
    fc.constantFrom(...routes), fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'), fc.boolean(), hostileSegment, anyToken,
    fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16'), hostileBody,
    async (route, otherMethod, useOther, segment, token, contentType, body) => {
      const [method, template] = route.split(' ') as [string, string];
      const url = template.replace(':id', segment).replace(':source', segment);
      const authorization = token === undefined ? undefined : token.startsWith('@') ? `Bearer ${tokens[token.slice(1)]}` : `Bearer ${token}`;
      const res = await api.inject({
        method: (useOther ? otherMethod : method) as 'GET', url, payload: method === 'GET' && !useOther ? undefined : body,
        headers: { ...(authorization ? { authorization } : {}), 'content-type': contentType },
      });
      if (res.statusCode >= 500) throw new Error(`${res.statusCode} for ${method} ${url}: ${res.body}`);
    },
  );

test('random requests to every route: never a 5xx, never a workflow started', async () => {
  await fc.assert(hostileRequest(), { numRuns: 400, seed: 8 });
  expect(await workflowsStarted()).toBe(0);
});

test('memory stays flat under a long run of hostile requests', async () => {
  v8.setFlagsFromString('--expose_gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const heapAfter = async (seed: number) => {
    await fc.assert(hostileRequest(), { numRuns: 500, seed });
    gc();
    return process.memoryUsage().heapUsed;
  };
  const warm = await heapAfter(101);
  const after = [await heapAfter(102), await heapAfter(103), await heapAfter(104)];
  // 1,500 more requests may not keep more than a few MiB (a per-request leak of ~4 KiB would already show).
  expect(Math.max(...after) - warm).toBeLessThan(6 * 2 ** 20);
  expect(await workflowsStarted()).toBe(0);
});

const validAlert = fc.record({ instanceId: fc.stringMatching(/^i-[0-9a-f]{17}$/), severity: fc.constantFrom('low', 'medium', 'high', 'critical'), title: fc.string({ minLength: 1, maxLength: 80 }).filter((t) => t.trim().length > 0) });

test('forged and wrongly keyed HMAC signatures are refused (401) and start nothing', async () => {
  await fc.assert(fc.asyncProperty(validAlert, fc.boolean(), fc.stringMatching(/^[0-9a-f]{64}$/), async (alert, wrongKey, forged) => {
    const body = JSON.stringify(alert);
    const headers = wrongKey
      ? signedHeaders(crypto.randomBytes(32).toString('hex'), body, new Date())
      : { 'x-cordon-timestamp': String(Math.floor(Date.now() / 1000)), 'x-cordon-signature': `sha256=${forged}` };
    const res = await api.inject({ method: 'POST', url: '/v1/alerts/generic', payload: body, headers: { ...headers, 'content-type': 'application/json' } });
    if (res.statusCode !== 401) throw new Error(`expected 401, got ${res.statusCode}: ${res.body}`);
  }), { numRuns: 100, seed: 9 });
  expect(await workflowsStarted()).toBe(0);
});

test('a replayed signed request is refused; only the original starts an incident', async () => {
  const body = JSON.stringify({ instanceId: 'i-0f0220000000000a1', severity: 'low', title: 'signed once' });
  const headers = { ...signedHeaders(secret, body, new Date()), 'content-type': 'application/json' };
  expect((await api.inject({ method: 'POST', url: '/v1/alerts/generic', payload: body, headers })).statusCode).toBe(202);
  expect((await api.inject({ method: 'POST', url: '/v1/alerts/generic', payload: body, headers })).statusCode).toBe(401);
  // 202 means the alert is in the incident's history (read at once); visibility's count catches up later.
  const { events } = await stack.client.workflow.getHandle(`inc-${ACCOUNT}-${REGION}-i-0f0220000000000a1`).fetchHistory();
  expect(events?.filter((e) => e.workflowExecutionSignaledEventAttributes).length).toBe(1);
  await eventually(async () => (await workflowsStarted()) >= 1, 15000, 'the incident to reach visibility');
  expect(await workflowsStarted()).toBe(1);
});

test('operators without the role cannot approve, record submissions or read evidence, whatever they send', async () => {
  const guarded: [string, string, Role[]][] = [
    ['POST', `/v1/incidents/${incidentId}/decisions`, ['approver', 'dpo']],
    ['POST', `/v1/incidents/${incidentId}/notification/submissions`, ['dpo']],
    ['GET', `/v1/incidents/${incidentId}/evidence`, ['auditor', 'dpo', 'responder']],
    ['POST', `/v1/incidents/${incidentId}/evidence/verify`, ['auditor', 'dpo', 'responder']],
  ];
  await fc.assert(fc.asyncProperty(fc.constantFrom(...guarded), fc.constantFrom(...Object.keys(people)), hostileBody, async ([method, url, allowed], who, body) => {
    if (who === 'admin' || people[who]!.some((r) => allowed.includes(r))) return;
    const res = await api.inject({ method: method as 'GET', url, payload: method === 'GET' ? undefined : body, headers: { authorization: `Bearer ${tokens[who]}`, 'content-type': 'application/json' } });
    // A body that is not JSON is refused by the parser (400) before any handler; every other request gets 403.
    const expected = method === 'POST' && !isJson(body) ? [400, 403] : [403];
    if (!expected.includes(res.statusCode)) throw new Error(`${who} got ${res.statusCode} on ${method} ${url}: ${res.body}`);
  }), { numRuns: 200, seed: 10 });
});
