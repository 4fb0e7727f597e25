/**
 * Hostile input, property-based (fast-check, seeded): every route the API registers — read
 * from Fastify's route table, not a hand list — gets malformed paths (%-escapes that do not
 * decode, prototype member names, segments over 100 characters, unicode, dot-dot), every
 * method, odd query strings, content types and bodies, with and without valid tokens, from
 * many client addresses. None may answer 5xx, every 4xx is the error envelope
 * `{ error: { code, message, requestId, issues? } }`, and no workflow is started. Forged,
 * wrongly keyed and replayed HMAC signatures are refused; an operator without the role cannot
 * approve, record a submission or read evidence, whatever the body. The API runs in process
 * against the real IncidentService (Temporal dev server), so "nothing started" is read back
 * from Temporal. A failure prints its seed; FUZZ_SEED=<seed> reruns that sequence.
 */
import fc from 'fast-check';
import crypto from 'node:crypto';
import net from 'node:net';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { FastifyInstance, LightMyRequestResponse as Response } from 'fastify';
import { signedHeaders } from '../../src/alerts/auth-hmac';
import { OperatorDirectory, type Role } from '../../src/api/auth/operators';
import { buildApi } from '../../src/api/server';
import { NotificationService } from '../../src/temporal/regulator-notification-service';
import { builtInRunbooksDir, RunbookLibrary } from '../../src/runbooks/runbook-library';
import { routesFromTree, type Route } from '../helpers/route-table';
import { ACCOUNT, REGION, eventually, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
let api: FastifyInstance;
let routes: Route[];
const secret = crypto.randomBytes(32).toString('hex');
const people: Record<string, Role[]> = {
  responder: ['responder'],
  approver: ['approver'],
  dpo: ['dpo'],
  auditor: ['auditor'],
  sensor: ['alert-source'],
  admin: ['admin'],
};
const tokens: Record<string, string> = {};
const incidentId = `inc-${ACCOUNT}-${REGION}-i-0123456789abcdef0`;
const SEED = Number(process.env.FUZZ_SEED ?? 8);

beforeAll(async () => {
  stack = await startStack({ worker: false });
  const operators = new OperatorDirectory();
  for (const [name, roles] of Object.entries(people)) {
    tokens[name] = crypto.randomBytes(24).toString('hex');
    operators.addToken({ name, roles }, tokens[name]!);
  }
  api = await buildApi({
    incidents: stack.incidents,
    operators,
    evidence: stack.evidence,
    notifications: new NotificationService(stack.client),
    // The built-in runbooks, so the runbook routes (manual runs among them) are in the route table too.
    runbooks: RunbookLibrary.load([{ dir: builtInRunbooksDir, origin: 'built-in' }]),
    alerts: { defaults: { account: ACCOUNT, region: REGION }, hmacSecrets: { generic: [secret] } },
    ready: async () => true,
    // Low, so the random run also meets the failed-authentication 429 (it must be an envelope too).
    unauthenticatedRateLimitPerMinute: 50,
  });
  await api.listen({ host: '127.0.0.1', port: 0 });
  routes = routesFromTree(api.printRoutes({ commonPrefix: false }));
});
afterAll(async () => {
  await api?.close();
  await stack?.teardown();
});

const workflowsStarted = async () => (await stack.client.workflow.count('')).count;

test('the route table is read from Fastify, parameters and all', () => {
  const listed = routes.map((r) => `${r.method} ${r.path}`);
  for (const known of [
    'GET /v1/incidents/:id',
    'POST /v1/incidents/:id/decisions',
    'POST /v1/alerts/:source',
    'GET /console/:file',
    'GET /healthz',
    'GET /v1/deadlines',
    'POST /v1/runbooks/:name/runs',
    'POST /v1/plans',
  ]) {
    expect(listed).toContain(known);
  }
  expect(listed.length).toBeGreaterThanOrEqual(18);
});

const PROTOTYPE_NAMES = [
  'toString',
  'constructor',
  '__proto__',
  'hasOwnProperty',
  'valueOf',
  'prototype',
  'isPrototypeOf',
  '__defineGetter__',
  'toLocaleString',
];
const hostileSegment = fc.oneof(
  { weight: 3, arbitrary: fc.constant(incidentId) },
  {
    weight: 3,
    arbitrary: fc.constantFrom('generic', 'guardduty', 'securityhub', 'alertmanager', 'cloudwatch-sns', 'index.html', 'console.js'),
  },
  fc.constantFrom(...PROTOTYPE_NAMES),
  fc.constantFrom('%zz', '%', '%E0%A4%A', '%c0%af', '%00', '%2e%2e%2f', '%2F', '%25', '%u0041', '%%', '%ff%fe'),
  fc.constantFrom('..', '.', '../..', '..%2f..', '', ' ', '%20', '\u00e9', '\u{1F600}', '\u202e', '\u0000'),
  fc.integer({ min: 101, max: 600 }).map((n) => 'a'.repeat(n)),
  fc.constant('%41'.repeat(40)),
  fc.string({ maxLength: 80 }).map(encodeURIComponent),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.stringMatching(/^inc-\d{12}-[a-z]{2}-[a-z]+-\d-i-[0-9a-f]{8,17}$/),
);
const hostileQuery = fc.oneof(
  fc.constant(''),
  fc.constantFrom(
    '?dryRun=true',
    '?dryRun=maybe',
    '?waitSeconds=99999',
    '?waitSeconds=-1',
    '?__proto__=x',
    '?constructor[prototype][x]=1',
    '?a[b]=c',
    '?%zz=1',
    '?x=%zz',
    '?&&&',
    '?=',
    '?dryRun=true&dryRun=false',
  ),
  fc.string({ maxLength: 60 }).map((q) => `?${encodeURIComponent(q)}=${encodeURIComponent(q)}`),
  fc.integer({ min: 1000, max: 5000 }).map((n) => `?q=${'x'.repeat(n)}`),
);
/** A path for the route with hostile parameters, sometimes with its fixed parts disturbed too. */
const hostilePath = (template: string) =>
  fc
    .tuple(
      fc.array(hostileSegment, { minLength: 4, maxLength: 4 }),
      fc.constantFrom('', '', '', '/', '//', '/..', '/%zz', `/${'b'.repeat(120)}`, '/toString', '?'),
      hostileQuery,
    )
    .map(([segments, tail, query]) => {
      let i = 0;
      return `${template.replace(/:\w+/g, () => segments[i++]!)}${tail}${query}`;
    });
const hostileBody = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 400 }),
  fc.constant(''),
  fc.constant('{"a":'),
  fc.constantFrom('{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"x":1}}}', '[]', 'null', '"\ud800"', '{"reason":"\u0000"}'),
  fc.record({ instanceId: fc.string(), severity: fc.string(), title: fc.string(), severty: fc.string() }).map((v) => JSON.stringify(v)),
  fc
    .record(
      { step: fc.string(), decision: fc.constantFrom('approve', 'reject', 'maybe'), reason: fc.string(), extra: fc.anything() },
      { requiredKeys: [] },
    )
    .map((v) => JSON.stringify(v)),
);
const isJson = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};
const anyToken = fc.oneof(
  fc.constant(undefined),
  fc.string({ maxLength: 60 }),
  fc.constantFrom(...Object.keys(people)).map((n) => `@${n}`),
);
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const;
const CONTENT_TYPES = [
  'application/json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/json; charset=utf-16',
  'multipart/form-data; boundary=x',
  '',
];
// A few addresses that run out of failed attempts (429 must be an envelope too), and many that do not.
const address = fc.oneof(
  { weight: 3, arbitrary: fc.ipV4() },
  { weight: 1, arbitrary: fc.constantFrom('10.9.0.1', '10.9.0.2', '10.9.0.3') },
);

/** Why this answer breaks the contract (a 5xx, or a 4xx that is not the envelope); undefined when it keeps it. */
function brokenContract(method: string, res: Response): string | undefined {
  if (res.statusCode >= 500) return `${res.statusCode}: ${res.body.slice(0, 300)}`;
  if (res.statusCode < 400 || method === 'HEAD') return undefined;
  let body: unknown;
  try {
    body = JSON.parse(res.body);
  } catch {
    return `${res.statusCode} is not JSON: ${res.body.slice(0, 200)}`;
  }
  const error = (body as { error?: Record<string, unknown> })?.error;
  if (!error || Object.keys(body as object).length !== 1) return `${res.statusCode} is not { error }: ${res.body.slice(0, 200)}`;
  const extra = Object.keys(error).filter((k) => !['code', 'message', 'requestId', 'issues'].includes(k));
  if (
    typeof error.code !== 'string' ||
    !error.code ||
    typeof error.message !== 'string' ||
    typeof error.requestId !== 'string' ||
    extra.length
  ) {
    return `${res.statusCode} envelope malformed: ${res.body.slice(0, 200)}`;
  }
  if (
    error.issues !== undefined &&
    !(Array.isArray(error.issues) && error.issues.every((i) => typeof i?.path === 'string' && typeof i?.message === 'string'))
  ) {
    return `${res.statusCode} issues malformed: ${res.body.slice(0, 200)}`;
  }
  return undefined;
}

async function send(
  method: string,
  url: string,
  token: string | undefined,
  contentType: string,
  body: string,
  remoteAddress: string,
): Promise<Response> {
  const authorization = token === undefined ? undefined : token.startsWith('@') ? `Bearer ${tokens[token.slice(1)]}` : `Bearer ${token}`;
  return api.inject({
    method: method as 'GET',
    url,
    remoteAddress,
    payload: method === 'GET' || method === 'HEAD' ? undefined : body,
    headers: { ...(authorization ? { authorization } : {}), ...(contentType ? { 'content-type': contentType } : {}) },
  });
}

/** The route's parameters replaced by the segment; a route without any gets it appended. */
const withSegment = (template: string, segment: string) =>
  template.includes(':') ? template.replace(/:\w+/g, segment) : `${template.replace(/\/$/, '')}/${segment}`;

const seen = { statuses: new Set<number>(), routes: new Set<string>() };

/** One hostile request to one registered route per run; throws (with the seed) when the contract breaks. */
const hostileRequest = (seed: number) =>
  fc.asyncProperty(
    fc.integer({ min: 0, max: 10_000 }).chain((i) => {
      const route = routes[i % routes.length]!;
      return fc.tuple(fc.constant(route), hostilePath(route.path));
    }),
    fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(...METHODS) }),
    anyToken,
    fc.constantFrom(...CONTENT_TYPES),
    hostileBody,
    address,
    async ([route, url], otherMethod, token, contentType, body, remoteAddress) => {
      const method = otherMethod ?? route.method;
      const res = await send(method, url, token, contentType, body, remoteAddress);
      seen.statuses.add(res.statusCode);
      seen.routes.add(`${route.method} ${route.path}`);
      const broken = brokenContract(method, res);
      if (broken) throw new Error(`${method} ${url} (route ${route.method} ${route.path}, seed ${seed}): ${broken}`);
    },
  );

test('every registered route with each kind of hostile parameter: no 5xx, every 4xx in the envelope', async () => {
  const kinds = [
    '%zz',
    '%',
    '%c0%af',
    '..',
    '%2e%2e%2f',
    'a'.repeat(101),
    'a'.repeat(600),
    '\u00e9',
    encodeURIComponent('\u{1F600}'),
    '',
    ...PROTOTYPE_NAMES,
  ];
  const failures: string[] = [];
  for (const [r, route] of routes.entries()) {
    for (const [k, segment] of kinds.entries()) {
      for (const method of [route.method, route.method === 'GET' ? 'POST' : 'GET']) {
        const url = withSegment(route.path, segment);
        for (const token of [undefined, '@admin']) {
          const res = await send(method, url, token, 'application/json', '{}', `10.8.${r}.${k}`);
          const broken = brokenContract(method, res);
          if (broken) failures.push(`${method} ${url}${token ? ' (admin)' : ''}: ${broken}`);
        }
      }
    }
  }
  expect(failures).toEqual([]);
  expect(await workflowsStarted()).toBe(0);
});

test('thousands of random requests to every route: no 5xx, every 4xx in the envelope, never a workflow started', async () => {
  await fc.assert(hostileRequest(SEED), { numRuns: 3000, seed: SEED });
  expect(await workflowsStarted()).toBe(0);
  // The run reached every route and the answers worth reaching (not only 404s).
  expect([...seen.routes].sort()).toEqual(routes.map((r) => `${r.method} ${r.path}`).sort());
  for (const status of [200, 400, 401, 403, 404, 414, 415, 429]) expect(seen.statuses).toContain(status);
});

/** One raw HTTP/1.1 exchange: the bytes reach the server exactly as written (no client-side URL clean-up). */
function rawExchange(request: Buffer): Promise<{ status: number; body: string }> {
  const { port } = api.server.address() as net.AddressInfo;
  return new Promise((resolve, reject) => {
    // write, not end: a half-closed socket may be dropped before a slow route answers.
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), body: rest.join('\r\n\r\n') });
    });
  });
}

test('raw requests (dot-dot, raw unicode bytes, broken request lines, oversized headers) to every route: answered in the envelope', async () => {
  const raws = ['..', '../../etc/passwd', './.', 'caf\u00e9', '\u{1F600}', '\u202e', 'a b', '%zz', 'x\ty', '\\..\\'];
  const failures: string[] = [];
  for (const [r, route] of routes.entries()) {
    for (const segment of raws) {
      const path = withSegment(route.path, segment);
      const headers = `Host: cordon\r\nAuthorization: Bearer ${tokens.admin}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`;
      const res = await rawExchange(Buffer.from(`${route.method} ${path} HTTP/1.1\r\n${headers}`, 'utf8'));
      if (!res.status) failures.push(`${route.method} ${path}: no answer`);
      else {
        const broken = brokenContract(route.method, { statusCode: res.status, body: res.body } as Response);
        if (broken) failures.push(`${route.method} ${path}: ${broken}`);
      }
    }
  }
  const oversized = await rawExchange(
    Buffer.from(`GET /v1/incidents HTTP/1.1\r\nHost: cordon\r\nX-Big: ${'x'.repeat(20_000)}\r\nConnection: close\r\n\r\n`),
  );
  expect([oversized.status, JSON.parse(oversized.body).error.code]).toEqual([431, 'headers_too_large']);
  const notHttp = await rawExchange(Buffer.from('HELLO\r\n\r\n'));
  expect(notHttp.status).toBe(400);
  expect(JSON.parse(notHttp.body)).toEqual({
    error: { code: 'invalid_request', message: expect.any(String), requestId: expect.stringMatching(/^req_/) },
  });
  expect(failures).toEqual([]);
  expect(await workflowsStarted()).toBe(0);
});

test('memory stays flat under a long run of hostile requests', async () => {
  v8.setFlagsFromString('--expose_gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const heapAfter = async (seed: number) => {
    await fc.assert(hostileRequest(seed), { numRuns: 500, seed });
    gc();
    return process.memoryUsage().heapUsed;
  };
  const warm = await heapAfter(101);
  const after = [await heapAfter(102), await heapAfter(103), await heapAfter(104)];
  // 1,500 more requests may not keep more than a few MiB (a per-request leak of ~4 KiB would already show).
  expect(Math.max(...after) - warm).toBeLessThan(6 * 2 ** 20);
  expect(await workflowsStarted()).toBe(0);
});

const validAlert = fc.record({
  instanceId: fc.stringMatching(/^i-[0-9a-f]{17}$/),
  severity: fc.constantFrom('low', 'medium', 'high', 'critical'),
  title: fc.string({ minLength: 1, maxLength: 80 }).filter((t) => t.trim().length > 0),
});

test('forged and wrongly keyed HMAC signatures are refused (401) and start nothing', async () => {
  // Each from its own address, so the failed-authentication limit (429) does not answer first.
  await fc.assert(
    fc.asyncProperty(
      validAlert,
      fc.boolean(),
      fc.stringMatching(/^[0-9a-f]{64}$/),
      fc.ipV4(),
      async (alert, wrongKey, forged, remoteAddress) => {
        const body = JSON.stringify(alert);
        const headers = wrongKey
          ? signedHeaders(crypto.randomBytes(32).toString('hex'), { method: 'POST', url: '/v1/alerts/generic' }, body, new Date())
          : { 'x-cordon-timestamp': String(Math.floor(Date.now() / 1000)), 'x-cordon-signature': `sha256=${forged}` };
        const res = await api.inject({
          method: 'POST',
          url: '/v1/alerts/generic',
          remoteAddress,
          payload: body,
          headers: { ...headers, 'content-type': 'application/json' },
        });
        if (res.statusCode !== 401) throw new Error(`expected 401, got ${res.statusCode}: ${res.body}`);
      },
    ),
    { numRuns: 100, seed: 9 },
  );
  expect(await workflowsStarted()).toBe(0);
});

test('a replayed signed request is refused; only the original starts an incident', async () => {
  const body = JSON.stringify({ instanceId: 'i-0f0220000000000a1', severity: 'low', title: 'signed once' });
  const headers = {
    ...signedHeaders(secret, { method: 'POST', url: '/v1/alerts/generic' }, body, new Date()),
    'content-type': 'application/json',
  };
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
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...guarded),
      fc.constantFrom(...Object.keys(people)),
      hostileBody,
      async ([method, url, allowed], who, body) => {
        if (who === 'admin' || people[who]!.some((r) => allowed.includes(r))) return;
        const res = await api.inject({
          method: method as 'GET',
          url,
          payload: method === 'GET' ? undefined : body,
          headers: { authorization: `Bearer ${tokens[who]}`, 'content-type': 'application/json' },
        });
        // A body that is not JSON is refused by the parser (400) before any handler; every other request gets 403.
        const expected = method === 'POST' && !isJson(body) ? [400, 403] : [403];
        if (!expected.includes(res.statusCode)) throw new Error(`${who} got ${res.statusCode} on ${method} ${url}: ${res.body}`);
      },
    ),
    { numRuns: 200, seed: 10 },
  );
});
