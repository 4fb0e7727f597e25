/**
 * Alert ingestion end to end: realistic payloads of every source through HTTP (the API in
 * process) → Temporal dev server → incident workflow, read back by query; then every refused
 * class with its status, field path, and proof that no workflow was started.
 * Runbooks are record-only here (CORDON_SEVERITY_POLICY with every severity record-only), so
 * the assertions are about ingestion, dedup and merge, not containment.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { signedHeaders, signHmac } from '../../src/alerts/auth-hmac';
import { parseSeverityModes, severityPolicies } from '../../src/alerts/ingest-config';
import { snsStringToSign } from '../../src/alerts/sns-signature';
import { OperatorDirectory } from '../../src/api/auth/operators';
import { buildApi } from '../../src/api/server';
import type { AlertTally, IncidentSnapshot } from '../../src/domain/incident';
import { IncidentService } from '../../src/temporal/incident-service';
import { incidentIdFor } from '../../src/temporal/incident-id';
import { ACCOUNT, REGION, eventually, startStack, type Stack } from '../helpers/stack';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'alerts');
const SECRET = 'generic-hmac-secret-0123456789abcdef';
const GD_SECRET = 'guardduty-hmac-secret-0123456789abcdef';
const TOKENS = { sensor: crypto.randomBytes(24).toString('hex'), auditor: crypto.randomBytes(24).toString('hex') };
const FIXTURE_IDS = ['i-0a1b2c3d4e5f60718', 'i-0fedcba9876543210', 'i-03c4d5e6f7a8b9c0d'];

let stack: Stack;
let incidents: IncidentService;
let api: FastifyInstance;
let sns: { server: http.Server; base: string; key: crypto.KeyObject; confirmed: string[]; certFetches: number };

/** What an HMAC signature is bound to besides the body: `POST /v1/alerts/<source>`. */
const target = (source: string) => ({ method: 'POST', url: `/v1/alerts/${source}` });
const newInstanceId = () => `i-${crypto.randomBytes(9).toString('hex').slice(0, 17)}`;
/** A fixture as text with its instance ids replaced, so each test owns its incidents. */
function fixtureText(name: string, ids: string[]): string {
  let text = fs.readFileSync(path.join(FIXTURES, name), 'utf8');
  FIXTURE_IDS.forEach((id, i) => {
    if (ids[i]) text = text.split(id).join(ids[i]!);
  });
  return text;
}

function post(source: string, body: string, headers: Record<string, string> = { authorization: `Bearer ${TOKENS.sensor}` }, app = api) {
  return app.inject({
    method: 'POST',
    url: `/v1/alerts/${source}`,
    headers: { 'content-type': 'application/json', ...headers },
    payload: body,
  });
}

async function tallies(incidentId: string, expectedCount: number): Promise<IncidentSnapshot> {
  return eventually(
    async () => {
      const snap = await incidents.get(incidentId);
      return snap && snap.alertCount === expectedCount && snap;
    },
    30000,
    `${incidentId} to count ${expectedCount} alerts`,
  );
}
const tally = (snap: IncidentSnapshot, dedupKey: string): AlertTally | undefined => snap.alerts.find((a) => a.dedupKey === dedupKey);

async function expectNoWorkflow(instanceId: string, account = ACCOUNT, region = REGION): Promise<void> {
  const id = incidentIdFor({ account, region, instanceId });
  await expect(stack.client.workflow.getHandle(id).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
}

/** A self-signed certificate (openssl) standing in for SNS's, served by a local HTTP server. */
async function startSnsDouble(): Promise<typeof sns> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-sns-'));
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  fs.writeFileSync(path.join(dir, 'key.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-new',
      '-key',
      path.join(dir, 'key.pem'),
      '-out',
      path.join(dir, 'cert.pem'),
      '-days',
      '2',
      '-subj',
      '/CN=sns.eu-west-1.amazonaws.com',
    ],
    { stdio: 'pipe' },
  );
  const pem = fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8');
  fs.rmSync(dir, { recursive: true, force: true });
  const state = { confirmed: [] as string[], certFetches: 0 };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url!, 'http://local');
    if (url.pathname.endsWith('.pem')) {
      state.certFetches += 1;
      return void res.end(pem);
    }
    if (url.searchParams.get('Action') === 'ConfirmSubscription') {
      state.confirmed.push(url.searchParams.get('Token')!);
      return void res.end('<ConfirmSubscriptionResponse/>');
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(state, { server, base, key: privateKey });
}

/** Signed as SNS signs, published at `at` (default now: the verifier refuses messages over an hour old). */
function snsSigned(message: Record<string, unknown>, key = sns.key, at = new Date()): string {
  const m: Record<string, unknown> = { ...message, Timestamp: at.toISOString(), SignatureVersion: '2' };
  m.Signature = crypto.sign('sha256', Buffer.from(snsStringToSign(m as never), 'utf8'), key).toString('base64');
  return JSON.stringify(m);
}

async function ingestApi(
  overrides: { rateLimitPerMinute?: number; bodyLimitBytes?: number; incidents?: IncidentService } = {},
): Promise<FastifyInstance> {
  const operators = new OperatorDirectory();
  operators.addToken({ name: 'sensor', roles: ['alert-source'] }, TOKENS.sensor);
  operators.addToken({ name: 'audrey', roles: ['auditor'] }, TOKENS.auditor);
  return buildApi({
    incidents: overrides.incidents ?? incidents,
    operators,
    ready: async () => true,
    alerts: {
      defaults: { account: ACCOUNT, region: REGION },
      hmacSecrets: { generic: [SECRET], guardduty: [GD_SECRET] },
      replayWindowSeconds: 300,
      bodyLimitBytes: overrides.bodyLimitBytes ?? 64 * 1024,
      rateLimitPerMinute: overrides.rateLimitPerMinute ?? 10_000,
      sns: {
        // Only URLs that passed the trusted-host check reach these; they are served locally.
        fetchCert: async (url) => (await fetch(`${sns.base}${new URL(url).pathname}`)).text(),
        confirmSubscription: async (url) => {
          await (await fetch(`${sns.base}/${new URL(url).search}`)).text();
        },
      },
    },
  });
}

beforeAll(async () => {
  stack = await startStack();
  const policies = severityPolicies(parseSeverityModes('critical=record-only,high=record-only,medium=record-only,low=record-only'));
  incidents = new IncidentService(stack.client, stack.taskQueue, (s) => policies[s]);
  sns = await startSnsDouble();
  api = await ingestApi();
});
afterAll(async () => {
  await api?.close();
  sns?.server.close();
  await stack?.teardown();
});

describe('every source, as it sends it', () => {
  test('guardduty (EventBridge, bearer token): one incident, normalised alert tallied', async () => {
    const id = newInstanceId();
    const res = await post('guardduty', fixtureText('guardduty-ssh-bruteforce.json', [id]));
    expect(res.statusCode).toBe(202);
    const [accepted] = res.json().accepted;
    expect(accepted).toEqual(
      expect.objectContaining({
        incidentId: incidentIdFor({ account: ACCOUNT, region: REGION, instanceId: id }),
        instanceId: id,
        severity: 'low',
        status: 'firing',
      }),
    );
    const snap = await tallies(accepted.incidentId, 1);
    expect(snap.resource).toEqual({ account: ACCOUNT, region: REGION, instanceId: id });
    expect(tally(snap, accepted.dedupKey)).toEqual(
      expect.objectContaining({ source: 'guardduty', count: 1, title: expect.stringMatching(/SSH|brute/i) }),
    );
  });

  test('guardduty GetFindings shape, HMAC-signed: region and account from the finding', async () => {
    const id = newInstanceId();
    const body = fixtureText('guardduty-getfindings.json', ['', id]);
    const res = await post('guardduty', body, signedHeaders(GD_SECRET, target('guardduty'), body, new Date()));
    expect(res.statusCode).toBe(202);
    const [accepted] = res.json().accepted;
    expect(accepted.incidentId).toBe(incidentIdFor({ account: ACCOUNT, region: 'eu-central-1', instanceId: id }));
    expect(tally(await tallies(accepted.incidentId, 1), accepted.dedupKey)).toEqual(
      expect.objectContaining({ severity: 'high', count: 1 }),
    );
  });

  test('securityhub: each EC2 finding of one event opens its own incident', async () => {
    const [a, b] = [newInstanceId(), newInstanceId()];
    const res = await post('securityhub', fixtureText('securityhub-imported.json', [a, '', b]));
    expect(res.statusCode).toBe(202);
    const accepted = res.json().accepted as { incidentId: string; dedupKey: string; instanceId: string; severity: string }[];
    expect(accepted.map((x) => [x.instanceId, x.severity])).toEqual([
      [a, 'high'],
      [b, 'critical'],
    ]);
    expect(accepted[1]!.incidentId).toBe(incidentIdFor({ account: '210987654321', region: REGION, instanceId: b }));
    for (const x of accepted) expect(tally(await tallies(x.incidentId, 1), x.dedupKey)?.source).toBe('securityhub');
  });

  test('alertmanager: firing and resolved alerts recorded; resolved does not close the incident', async () => {
    const [a, b] = [newInstanceId(), newInstanceId()];
    const res = await post('alertmanager', fixtureText('alertmanager-webhook.json', [a, b]));
    expect(res.statusCode).toBe(202);
    const accepted = res.json().accepted as { incidentId: string; dedupKey: string; status: string }[];
    expect(accepted.map((x) => x.status)).toEqual(['firing', 'resolved']);
    const resolved = await tallies(accepted[1]!.incidentId, 1);
    expect(tally(resolved, accepted[1]!.dedupKey)?.status).toBe('resolved');
    expect((await stack.client.workflow.getHandle(accepted[1]!.incidentId).describe()).status.name).toBe('RUNNING');
  });

  test('generic, HMAC-signed: a repeat joins the open incident and counts, a new title adds a tally', async () => {
    const id = newInstanceId();
    const send = (title: string) => {
      const body = JSON.stringify({ instanceId: id, severity: 'high', title });
      return post('generic', body, signedHeaders(SECRET, target('generic'), body, new Date()));
    };
    const first = await send('EDR: reverse shell from nginx');
    await new Promise((r) => setTimeout(r, 1100)); // a new timestamp, so the repeat is a new signed request, not a replay
    const again = await send('EDR: reverse shell from nginx');
    const other = await send('EDR: credential dumping');
    expect([first.statusCode, again.statusCode, other.statusCode]).toEqual([202, 202, 202]);
    const incidentId = first.json().accepted[0].incidentId;
    expect(again.json().accepted[0].incidentId).toBe(incidentId);
    const snap = await tallies(incidentId, 3);
    expect(tally(snap, first.json().accepted[0].dedupKey)?.count).toBe(2);
    expect(snap.alerts).toHaveLength(2);
  });

  test('cloudwatch-sns: an SNS-signed notification (text/plain) is accepted once; a redelivery is not counted again', async () => {
    const id = newInstanceId();
    const body = snsSigned(JSON.parse(fixtureText('cloudwatch-sns-alarm.json', [id])));
    const headers = { 'content-type': 'text/plain; charset=UTF-8', 'x-amz-sns-message-type': 'Notification' };
    const res = await post('cloudwatch-sns', body, headers);
    expect(res.statusCode).toBe(202);
    const [accepted] = res.json().accepted;
    // The alarm's description says high; a CloudWatch severity is written by whoever writes the alarm, so its policy is capped (source-trust.ts).
    expect(accepted).toEqual(expect.objectContaining({ instanceId: id, severity: 'medium', claimedSeverity: 'high' }));
    const again = await post('cloudwatch-sns', body, headers);
    expect(again.statusCode).toBe(200);
    expect(again.json().ignored).toMatch(/already received/);
    const snap = await tallies(accepted.incidentId, 1);
    expect(tally(snap, accepted.dedupKey)?.source).toBe('cloudwatch-sns');
  });

  test('cloudwatch-sns: a signed SubscriptionConfirmation is confirmed by visiting SubscribeURL; a forged one is not', async () => {
    const message = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'cloudwatch-sns-subscription-confirmation.json'), 'utf8'));
    const forged = await post('cloudwatch-sns', snsSigned(message, crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey), {
      'content-type': 'text/plain',
    });
    expect(forged.statusCode).toBe(401);
    expect(forged.json().error.message).toMatch(/bad-signature/);
    expect(sns.confirmed).toEqual([]);
    const res = await post('cloudwatch-sns', snsSigned(message), { 'content-type': 'text/plain' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(expect.objectContaining({ subscription: 'confirmed', topicArn: message.TopicArn }));
    expect(sns.confirmed).toEqual([message.Token]);
  });

  test('cloudwatch-sns: a certificate URL outside the trusted SNS hosts is refused without fetching it', async () => {
    const id = newInstanceId();
    const message = JSON.parse(fixtureText('cloudwatch-sns-alarm.json', [id]));
    const before = sns.certFetches;
    const res = await post(
      'cloudwatch-sns',
      snsSigned({ ...message, SigningCertURL: 'https://sns.eu-west-1.amazonaws.com.evil.example/cert.pem' }),
      { 'content-type': 'text/plain' },
    );
    expect(res.statusCode).toBe(401);
    expect(res.json().error.message).toMatch(/untrusted-cert-url/);
    expect(sns.certFetches).toBe(before);
    await expectNoWorkflow(id);
  });
});

describe('refused requests start nothing', () => {
  const generic = (id: string, extra: Record<string, unknown> = {}) =>
    JSON.stringify({ instanceId: id, severity: 'high', title: 'x', ...extra });
  type Case = {
    name: string;
    status: number;
    code: string;
    path?: string;
    send: (id: string) => ReturnType<typeof post>;
    account?: string;
  };
  const cases: Case[] = [
    {
      name: 'wrong types',
      status: 400,
      code: 'invalid_request',
      path: 'severity',
      send: (id) => post('generic', generic(id, { severity: 7 })),
    },
    {
      name: 'missing resource (generic)',
      status: 400,
      code: 'invalid_request',
      path: 'instanceId',
      send: (id) => post('generic', JSON.stringify({ severity: 'high', title: `no instance ${id}` })),
    },
    {
      name: 'missing resource (guardduty finding without instanceDetails)',
      status: 400,
      code: 'invalid_request',
      path: 'detail.resource',
      send: (id) => {
        const gd = JSON.parse(fixtureText('guardduty-ssh-bruteforce.json', [id]));
        delete gd.detail.resource;
        return post('guardduty', JSON.stringify(gd));
      },
    },
    {
      name: 'not an instance (S3 finding)',
      status: 422,
      code: 'unprocessable',
      send: () => post('guardduty', fs.readFileSync(path.join(FIXTURES, 'guardduty-s3bucket.json'), 'utf8')),
    },
    {
      name: 'malformed JSON',
      status: 400,
      code: 'invalid_request',
      path: '(body)',
      send: (id) => post('generic', `{"instanceId":"${id}",`),
    },
    {
      name: 'oversize body',
      status: 413,
      code: 'payload_too_large',
      send: (id) => post('generic', generic(id, { description: 'A'.repeat(70 * 1024) })),
    },
    { name: 'no credentials', status: 401, code: 'unauthorized', send: (id) => post('generic', generic(id), {}) },
    {
      name: 'unknown bearer token',
      status: 401,
      code: 'unauthorized',
      send: (id) => post('generic', generic(id), { authorization: 'Bearer not-a-token' }),
    },
    {
      name: 'identity without the alert-source role',
      status: 403,
      code: 'forbidden',
      send: (id) => post('generic', generic(id), { authorization: `Bearer ${TOKENS.auditor}` }),
    },
    {
      name: 'missing signature',
      status: 401,
      code: 'unauthorized',
      send: (id) => post('generic', generic(id), { 'x-cordon-timestamp': String(Math.floor(Date.now() / 1000)) }),
    },
    {
      name: 'bad signature',
      status: 401,
      code: 'unauthorized',
      send: (id) =>
        post('generic', generic(id), signedHeaders('another-secret-of-enough-length-000000', target('generic'), generic(id), new Date())),
    },
    {
      name: 'body changed after signing',
      status: 401,
      code: 'unauthorized',
      send: (id) => post('generic', generic(id), signedHeaders(SECRET, target('generic'), generic(id, { severity: 'low' }), new Date())),
    },
    {
      name: 'signed for the same source without ?dryRun=true',
      status: 401,
      code: 'unauthorized',
      send: (id) => post('generic?dryRun=true', generic(id), signedHeaders(SECRET, target('generic'), generic(id), new Date())),
    },
    {
      name: 'signed for another source',
      status: 401,
      code: 'unauthorized',
      send: (id) => post('guardduty', generic(id), signedHeaders(GD_SECRET, target('generic'), generic(id), new Date())),
    },
    {
      name: 'SNS message published more than an hour ago',
      status: 401,
      code: 'unauthorized',
      send: (id) =>
        post(
          'cloudwatch-sns',
          snsSigned(JSON.parse(fixtureText('cloudwatch-sns-alarm.json', [id])), sns.key, new Date(Date.now() - 3_660_000)),
          { 'content-type': 'text/plain' },
        ),
    },
    {
      name: 'stale timestamp',
      status: 401,
      code: 'unauthorized',
      send: (id) => post('generic', generic(id), signedHeaders(SECRET, target('generic'), generic(id), new Date(Date.now() - 301_000))),
    },
    { name: 'unknown source', status: 404, code: 'not_found', send: (id) => post('splunk', generic(id)) },
    {
      name: 'unsupported media type',
      status: 415,
      code: 'unsupported_media_type',
      send: (id) =>
        post('generic', generic(id), { authorization: `Bearer ${TOKENS.sensor}`, 'content-type': 'application/x-www-form-urlencoded' }),
    },
  ];

  test.each(cases)('$name → $status', async (c) => {
    const id = newInstanceId();
    const res = await c.send(id);
    expect(res.statusCode).toBe(c.status);
    const error = res.json().error;
    expect(error.code).toBe(c.code);
    if (c.path) expect(error.issues.map((i: { path: string }) => i.path)).toContain(c.path);
    await expectNoWorkflow(id);
  });

  test('an access-key finding where no runbook answers access keys (this API runs the built-in order, for instances) → 422, nothing started', async () => {
    const key = 'AKIANORUNBOOK0000001';
    const body = fs
      .readFileSync(path.join(FIXTURES, 'guardduty-iam-malicious-ip-caller.json'), 'utf8')
      .split('AKIAIOSFODNN7EXAMPLE')
      .join(key);
    const res = await post('guardduty', body);
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toMatchObject({
      code: 'unprocessable',
      message: expect.stringMatching(/^no runbook matches iam-access-key alerts/),
    });
    await expect(stack.client.workflow.getHandle(`inc-${ACCOUNT}-iam-${key}`).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });

  test('a replayed signed request is refused (401), and the original counted once', async () => {
    const id = newInstanceId();
    const body = generic(id);
    const headers = signedHeaders(SECRET, target('generic'), body, new Date());
    const first = await post('generic', body, headers);
    const replay = await post('generic', body, headers);
    expect([first.statusCode, replay.statusCode]).toEqual([202, 401]);
    expect(replay.json().error.message).toMatch(/replayed/);
    const snap = await tallies(first.json().accepted[0].incidentId, 1);
    await new Promise((r) => setTimeout(r, 500));
    expect((await incidents.get(snap.incidentId))!.alertCount).toBe(1);
  });

  test('over the per-source rate limit → 429 with Retry-After; other sources unaffected', async () => {
    const limited = await ingestApi({ rateLimitPerMinute: 2 });
    try {
      const ids = [newInstanceId(), newInstanceId(), newInstanceId()];
      const codes = [];
      for (const id of ids) codes.push((await post('generic', generic(id), undefined, limited)).statusCode);
      expect(codes).toEqual([202, 202, 429]);
      const refused = await post('generic', generic(newInstanceId()), undefined, limited);
      expect(refused.json().error.code).toBe('rate_limited');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      await expectNoWorkflow(ids[2]!);
      const body = fixtureText('alertmanager-webhook.json', [newInstanceId(), newInstanceId()]);
      expect((await post('alertmanager', body, undefined, limited)).statusCode).toBe(202);
    } finally {
      await limited.close();
    }
  });

  test('Temporal unreachable → 503; the identical signed retry is then accepted, not refused as a replay', async () => {
    let down = true;
    const flaky = Object.create(incidents) as IncidentService;
    const unavailable = () => {
      if (down) throw new Error('14 UNAVAILABLE: connection refused');
    };
    flaky.openOrJoin = async (...args) => {
      unavailable();
      return incidents.openOrJoin(...args);
    };
    flaky.openOrJoinBatch = async (...args) => {
      unavailable();
      return incidents.openOrJoinBatch(...args);
    };
    const app = await ingestApi({ incidents: flaky });
    try {
      const id = newInstanceId();
      const body = generic(id);
      const headers = signedHeaders(SECRET, target('generic'), body, new Date());
      const refused = await post('generic', body, headers, app);
      expect([refused.statusCode, refused.json().error.code]).toEqual([503, 'unavailable']);
      await expectNoWorkflow(id);
      down = false;
      const retried = await post('generic', body, headers, app);
      expect(retried.statusCode).toBe(202);
      expect((await tallies(retried.json().accepted[0].incidentId, 1)).alertCount).toBe(1);
    } finally {
      await app.close();
    }
  });

  test('the signature is over the raw bytes: the same JSON re-serialised does not verify', async () => {
    const id = newInstanceId();
    const compact = generic(id);
    const spaced = JSON.stringify(JSON.parse(compact), null, 2);
    const ts = String(Math.floor(Date.now() / 1000));
    const res = await post('generic', spaced, {
      'x-cordon-timestamp': ts,
      'x-cordon-signature': signHmac(SECRET, ts, target('generic'), compact),
    });
    expect(res.statusCode).toBe(401);
    await expectNoWorkflow(id);
  });
});
