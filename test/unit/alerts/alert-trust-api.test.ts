/**
 * Trust boundaries of POST /v1/alerts/:source, through buildApi with a recording fake
 * IncidentService: HMAC signatures bound to method, path and query; the legacy body-only form
 * only behind its switch; SNS messages outside the age window refused; SNS and HMAC dedup that
 * survives a restart on the same replay folder; failed authentication throttled per address.
 */
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { signedHeaders } from '../../../src/alerts/auth-hmac';
import { SnsSignatureVerifier } from '../../../src/alerts/sns-signature';
import { AlertAuthenticator } from '../../../src/api/auth/alert-auth';
import { AUDITOR_TOKEN, SENSOR_TOKEN, testApi, type TestApi } from '../api/test-api';
import { fixture } from './load-fixture';
import { fresh, makeSnsSigner, snsSign, type SnsSigner } from './sns-test-signer';

const SECRET = 'generic-hmac-secret-0123456789abcdef';
const body = JSON.stringify({ instanceId: 'i-0123456789abcdef0', severity: 'high', title: 'EDR: reverse shell' });
const hmacSecrets = { generic: [SECRET], alertmanager: [SECRET] };
const GENERIC = { method: 'POST', url: '/v1/alerts/generic' };

let signer: SnsSigner;
let dirs: string[] = [];
let apis: TestApi[] = [];
beforeAll(() => {
  signer = makeSnsSigner();
});
afterEach(async () => {
  for (const api of apis) await api.app.close();
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  apis = [];
  dirs = [];
});

async function api(...args: Parameters<typeof testApi>): Promise<TestApi> {
  const built = await testApi(...args);
  apis.push(built);
  return built;
}
const tempDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-trust-'));
  dirs.push(d);
  return d;
};
const post = (a: TestApi, url: string, payload: string, headers: Record<string, string>, remoteAddress = '127.0.0.1') =>
  a.app.inject({ method: 'POST', url, payload, remoteAddress, headers: { 'content-type': 'application/json', ...headers } });
const legacySignature = (ts: string) => `sha256=${createHmac('sha256', SECRET).update(`${ts}.${body}`).digest('hex')}`;

describe('HMAC signatures cover the method, path and query', () => {
  test('signed for /v1/alerts/generic: accepted there, refused with ?dryRun=true added or on another source', async () => {
    const a = await api({ hmacSecrets });
    const headers = signedHeaders(SECRET, GENERIC, body, new Date());
    const dryRun = await post(a, '/v1/alerts/generic?dryRun=true', body, headers);
    expect(dryRun.statusCode).toBe(401);
    expect(dryRun.json().error).toMatchObject({ code: 'unauthorized', message: expect.stringMatching(/bad-signature/) });
    const otherSource = await post(a, '/v1/alerts/alertmanager', body, headers);
    expect(otherSource.statusCode).toBe(401);
    expect(otherSource.json().error.message).toMatch(/bad-signature/);
    expect(a.calls).toEqual([]);
    // Refusals are not remembered, so the original request still goes through once (the door checks the runbook it would pin, then opens).
    expect((await post(a, '/v1/alerts/generic', body, headers)).statusCode).toBe(202);
    expect(a.calls).toEqual(['checkStart', 'openOrJoin']);
  });

  test('a signature made for the ?dryRun=true request verifies only there', async () => {
    const a = await api({ hmacSecrets });
    const target = { method: 'POST', url: '/v1/alerts/generic?dryRun=true' };
    expect((await post(a, '/v1/alerts/generic', body, signedHeaders(SECRET, target, body, new Date()))).statusCode).toBe(401);
    expect((await post(a, target.url, body, signedHeaders(SECRET, target, body, new Date()))).statusCode).toBe(202);
  });

  test('the legacy body-only form is refused unless CORDON_ALERT_HMAC_LEGACY_BODY_ONLY is on', async () => {
    const ts = String(Math.floor(Date.now() / 1000));
    const legacy = { 'x-cordon-timestamp': ts, 'x-cordon-signature': legacySignature(ts) };
    const strict = await api({ hmacSecrets });
    expect((await post(strict, '/v1/alerts/generic', body, legacy)).statusCode).toBe(401);
    const compatible = await api({ hmacSecrets, hmacLegacyBodyOnly: true });
    expect((await post(compatible, '/v1/alerts/generic', body, legacy)).statusCode).toBe(202);
    // With the switch on, the new form still verifies (both forms are accepted).
    const next = JSON.stringify({ ...JSON.parse(body), title: 'second' });
    expect((await post(compatible, '/v1/alerts/generic', next, signedHeaders(SECRET, GENERIC, next, new Date()))).statusCode).toBe(202);
  });

  test('the legacy switch is warned about once, when the authenticator is built', () => {
    const warnings: unknown[] = [];
    const build = (hmacLegacyBodyOnly: boolean) =>
      new AlertAuthenticator({
        hmacSecrets,
        replayWindowSeconds: 300,
        hmacLegacyBodyOnly,
        now: () => new Date(),
        sns: new SnsSignatureVerifier({ fetchCert: async () => signer.pem }),
        log: {
          warn: (...args: unknown[]) => {
            warnings.push(args);
          },
        } as never,
      });
    build(false);
    expect(warnings).toHaveLength(0);
    build(true);
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings[0])).toMatch(/CORDON_ALERT_HMAC_LEGACY_BODY_ONLY/);
  });
});

describe('SNS messages', () => {
  const sns = (a: TestApi, message: unknown) =>
    a.app.inject({
      method: 'POST',
      url: '/v1/alerts/cloudwatch-sns',
      payload: JSON.stringify(message),
      headers: { 'content-type': 'text/plain; charset=UTF-8' },
    });
  const alarm = (at = new Date()) => snsSign(fresh(fixture('cloudwatch-sns-alarm.json'), at), '2', signer.key);
  const snsOptions = () => ({ sns: { fetchCert: async () => signer.pem } });

  test.each([
    ['older than the window (61 min)', -61 * 60, /stale.*3600 s/],
    ['too far in the future (6 min)', 6 * 60, /future-timestamp/],
  ])('%s → 401 saying why, and nothing recorded', async (_name, offsetSeconds, reason) => {
    const a = await api(snsOptions());
    const res = await sns(a, alarm(new Date(Date.now() + offsetSeconds * 1000)));
    expect(res.statusCode).toBe(401);
    expect(res.json().error).toMatchObject({ code: 'unauthorized', message: expect.stringMatching(reason), requestId: expect.any(String) });
    expect(a.calls).toEqual([]);
  });

  test('the age window follows the sns.maxAgeSeconds option', async () => {
    const a = await api({ sns: { fetchCert: async () => signer.pem, maxAgeSeconds: 120 } });
    expect((await sns(a, alarm(new Date(Date.now() - 180_000)))).statusCode).toBe(401);
    expect((await sns(a, alarm(new Date(Date.now() - 60_000)))).statusCode).toBe(202);
  });

  test('a MessageId accepted before a restart is "already received" after it, on the same replay folder', async () => {
    const dir = tempDir();
    const message = alarm();
    const first = await api({ ...snsOptions(), replayStoreDir: dir });
    expect((await sns(first, message)).statusCode).toBe(202);
    expect(first.calls).toEqual(['checkStart', 'openOrJoin']);
    await first.app.close();

    const restarted = await api({ ...snsOptions(), replayStoreDir: dir });
    const again = await sns(restarted, message);
    expect(again.statusCode).toBe(200);
    expect(again.json().ignored).toMatch(/already received/);
    expect(restarted.calls).toEqual([]);
    expect(fs.readdirSync(dir)).toContain('sns-message-ids.jsonl');

    // Without the folder the memory is per process: the same delivery would be recorded again.
    const forgetful = await api(snsOptions());
    expect((await sns(forgetful, message)).statusCode).toBe(202);
    expect(forgetful.calls).toEqual(['checkStart', 'openOrJoin']);
  });

  test('a signed HMAC request accepted before a restart is refused as replayed after it', async () => {
    const dir = tempDir();
    const headers = signedHeaders(SECRET, GENERIC, body, new Date());
    const first = await api({ hmacSecrets, replayStoreDir: dir });
    expect((await post(first, GENERIC.url, body, headers)).statusCode).toBe(202);
    await first.app.close();
    const restarted = await api({ hmacSecrets, replayStoreDir: dir });
    const replay = await post(restarted, GENERIC.url, body, headers);
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error.message).toMatch(/replayed/);
    expect(restarted.calls).toEqual([]);
  });
});

describe('failed authentication is throttled per address, before any credential work', () => {
  const LIMIT = 5;
  const limited = () => api({ hmacSecrets }, { unauthenticatedRateLimitPerMinute: LIMIT });
  const get = (a: TestApi, url: string, token: string, remoteAddress: string) =>
    a.app.inject({ method: 'GET', url, remoteAddress, headers: { authorization: `Bearer ${token}` } });

  test(`${LIMIT} bad tokens from one address are 401, the next is 429 in the envelope; valid tokens and other addresses are unaffected`, async () => {
    const a = await limited();
    for (let i = 0; i < LIMIT; i += 1) expect((await get(a, '/v1/me', `guess-${i}`, '203.0.113.7')).statusCode).toBe(401);
    const throttled = await get(a, '/v1/me', 'guess-last', '203.0.113.7');
    expect(throttled.statusCode).toBe(429);
    expect(throttled.json()).toEqual({
      error: { code: 'rate_limited', message: expect.stringMatching(/failed authentications/), requestId: expect.any(String) },
    });
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    // Alert posts without a valid token from that address are throttled too, bearer or not.
    expect((await post(a, GENERIC.url, body, { authorization: 'Bearer guess-again' }, '203.0.113.7')).statusCode).toBe(429);

    const valid = await get(a, '/v1/me', AUDITOR_TOKEN, '203.0.113.7');
    expect(valid.statusCode).toBe(200);
    expect(valid.json()).toMatchObject({ name: 'audrey' });
    expect((await post(a, GENERIC.url, body, { authorization: `Bearer ${SENSOR_TOKEN}` }, '203.0.113.7')).statusCode).toBe(202);
    expect((await get(a, '/v1/me', 'guess-elsewhere', '198.51.100.9')).statusCode).toBe(401);
  });

  test('signature guessing is throttled; once over budget even a correct signature is refused before it is checked', async () => {
    const a = await limited();
    const ts = String(Math.floor(Date.now() / 1000));
    for (let i = 0; i < LIMIT; i += 1) {
      const res = await post(
        a,
        GENERIC.url,
        body,
        { 'x-cordon-timestamp': ts, 'x-cordon-signature': `sha256=${String(i).repeat(64).slice(0, 64)}` },
        '203.0.113.8',
      );
      expect(res.statusCode).toBe(401);
    }
    const correct = signedHeaders(SECRET, GENERIC, body, new Date());
    expect((await post(a, GENERIC.url, body, correct, '203.0.113.8')).statusCode).toBe(429);
    expect(a.calls).toEqual([]);
    // It was never verified, so it was not remembered: from a clean address it is accepted.
    expect((await post(a, GENERIC.url, body, correct, '203.0.113.9')).statusCode).toBe(202);
  });

  test('correctly signed requests do not count: more than the budget from one address are all accepted', async () => {
    const a = await limited();
    for (let i = 0; i < LIMIT * 2; i += 1) {
      const payload = JSON.stringify({ ...JSON.parse(body), title: `alert ${i}` });
      expect((await post(a, GENERIC.url, payload, signedHeaders(SECRET, GENERIC, payload, new Date()), '203.0.113.10')).statusCode).toBe(
        202,
      );
    }
  });
});
