import { createHmac } from 'node:crypto';
import { ReplayCache, signedHeaders, signHmac, verifyHmac, type HmacVerifyInput } from '../../../src/alerts/auth-hmac';

const secret = 'whsec_3f1c9a0e7b5d4c2a';
const body = '{"instanceId":"i-0123456789abcdef0","severity":"high","title":"x"}';
const now = new Date('2026-03-06T12:00:00.000Z');
const ts = String(now.getTime() / 1000);
const target = { method: 'POST', url: '/v1/alerts/generic' };
const sign = (t: string, b: string | Buffer = body, to = target) => signHmac(secret, t, to, b);
/** The body-only form signers used before the request line was covered. */
const legacy = (t: string, b: string = body) => `sha256=${createHmac('sha256', secret).update(`${t}.${b}`).digest('hex')}`;

function input(over: Partial<HmacVerifyInput> = {}): HmacVerifyInput {
  return { secret, timestamp: ts, signature: sign(ts), rawBody: body, now, ...target, ...over };
}

describe('verifyHmac', () => {
  test('signHmac is HMAC-SHA256 over "<timestamp>.<METHOD>.<path with query>.<body>"', () => {
    const expected = createHmac('sha256', secret).update(`${ts}.POST./v1/alerts/generic?dryRun=true.${body}`).digest('hex');
    expect(signHmac(secret, ts, { method: 'post', url: '/v1/alerts/generic?dryRun=true' }, body)).toBe(`sha256=${expected}`);
  });

  test('a valid request passes, from a string or a Buffer body', () => {
    expect(verifyHmac(input())).toEqual({ ok: true, timestamp: Number(ts), form: 'request' });
    expect(verifyHmac(input({ rawBody: Buffer.from(body) }))).toEqual({ ok: true, timestamp: Number(ts), form: 'request' });
  });

  test.each<[string, Partial<HmacVerifyInput>]>([
    ['a query string added (?dryRun=true)', { url: '/v1/alerts/generic?dryRun=true' }],
    ['another source', { url: '/v1/alerts/guardduty' }],
    ['another method', { method: 'PUT' }],
    ['the path re-encoded', { url: '/v1/alerts/%67eneric' }],
  ])('a signature is bound to its request line: %s → bad-signature', (_name, over) => {
    expect(verifyHmac(input(over))).toEqual({ ok: false, reason: 'bad-signature' });
  });

  test('the legacy body-only form is refused unless legacyBodyOnly is on; then both forms verify', () => {
    expect(verifyHmac(input({ signature: legacy(ts) }))).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verifyHmac(input({ signature: legacy(ts), legacyBodyOnly: true }))).toEqual({
      ok: true,
      timestamp: Number(ts),
      form: 'body-only',
    });
    expect(verifyHmac(input({ legacyBodyOnly: true }))).toEqual({ ok: true, timestamp: Number(ts), form: 'request' });
    // Even with the switch on, a request-form signature stays bound to its path.
    expect(verifyHmac(input({ legacyBodyOnly: true, url: '/v1/alerts/generic?dryRun=true' }))).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });

  test('signedHeaders produces headers that verify', () => {
    const headers = signedHeaders(secret, target, body, now);
    expect(verifyHmac(input({ timestamp: headers['x-cordon-timestamp'], signature: headers['x-cordon-signature'] })).ok).toBe(true);
  });

  test.each<[string, Partial<HmacVerifyInput>]>([
    ['no timestamp', { timestamp: undefined }],
    ['no signature', { signature: undefined }],
    ['empty signature', { signature: '' }],
  ])('missing: %s', (_name, over) => {
    expect(verifyHmac(input(over))).toEqual({ ok: false, reason: 'missing' });
  });

  test.each<[string, Partial<HmacVerifyInput>]>([
    ['timestamp in ISO form', { timestamp: now.toISOString() }],
    ['timestamp with a fraction', { timestamp: `${ts}.5` }],
    ['signature without the scheme', { signature: sign(ts).slice('sha256='.length) }],
    ['sha1 scheme', { signature: `sha1=${'a'.repeat(40)}` }],
    ['hex too short', { signature: `sha256=${'a'.repeat(63)}` }],
    ['not hex', { signature: `sha256=${'z'.repeat(64)}` }],
    ['repeated header', { signature: [sign(ts), sign(ts)] }],
  ])('malformed: %s', (_name, over) => {
    expect(verifyHmac(input(over))).toEqual({ ok: false, reason: 'malformed' });
  });

  test('stale: outside the window either way; inside at the edge', () => {
    const at = (offset: number) => {
      const t = String(Number(ts) + offset);
      return verifyHmac(input({ timestamp: t, signature: sign(t) }));
    };
    expect(at(-301)).toEqual({ ok: false, reason: 'stale' });
    expect(at(301)).toEqual({ ok: false, reason: 'stale' });
    expect(at(-300).ok).toBe(true);
    expect(at(300).ok).toBe(true);
    const t = String(Number(ts) - 60);
    expect(verifyHmac(input({ timestamp: t, signature: sign(t), windowSeconds: 30 }))).toEqual({ ok: false, reason: 'stale' });
  });

  test.each<[string, Partial<HmacVerifyInput>]>([
    ['other secret', { secret: 'not-the-secret' }],
    ['body changed', { rawBody: body.replace('high', 'low') }],
    ['timestamp changed (signature from another second)', { timestamp: String(Number(ts) - 1) }],
    ['signature of the body alone', { signature: `sha256=${createHmac('sha256', secret).update(body).digest('hex')}` }],
    ['legacy body-only signature without the switch', { signature: legacy(ts) }],
  ])('bad signature: %s', (_name, over) => {
    expect(verifyHmac(input(over))).toEqual({ ok: false, reason: 'bad-signature' });
  });

  test('upper-case hex is accepted (hex is case-insensitive)', () => {
    expect(verifyHmac(input({ signature: sign(ts).toUpperCase().replace('SHA256=', 'sha256=') })).ok).toBe(true);
  });

  test('any of several secrets (rotation)', () => {
    expect(verifyHmac(input({ secret: ['new-secret', secret] })).ok).toBe(true);
    expect(verifyHmac(input({ secret: ['new-secret', 'older'] }))).toEqual({ ok: false, reason: 'bad-signature' });
  });

  test('replayed: the same signed request twice is refused, other requests pass', () => {
    const replayCache = new ReplayCache();
    expect(verifyHmac(input({ replayCache })).ok).toBe(true);
    expect(verifyHmac(input({ replayCache }))).toEqual({ ok: false, reason: 'replayed' });
    const other = body.replace('"x"', '"y"');
    expect(verifyHmac(input({ replayCache, rawBody: other, signature: sign(ts, other) })).ok).toBe(true);
  });

  test('a forged request does not enter the replay cache', () => {
    const replayCache = new ReplayCache();
    expect(verifyHmac(input({ replayCache, rawBody: 'forged' })).ok).toBe(false);
    expect(replayCache.size).toBe(0);
  });

  test('once the window has passed, the replay is refused as stale', () => {
    const replayCache = new ReplayCache();
    expect(verifyHmac(input({ replayCache })).ok).toBe(true);
    expect(verifyHmac(input({ replayCache, now: new Date(now.getTime() + 301_000) }))).toEqual({ ok: false, reason: 'stale' });
  });
});

describe('ReplayCache', () => {
  test('is bounded: expired entries go first, then the oldest', () => {
    const cache = new ReplayCache({ maxEntries: 3 });
    expect(cache.remember('a', 100, 0)).toBe(true);
    expect(cache.remember('b', 500, 0)).toBe(true);
    expect(cache.remember('c', 500, 0)).toBe(true);
    // At t=200 'a' has expired: it makes room and b, c stay remembered.
    expect(cache.remember('d', 600, 200)).toBe(true);
    expect(cache.size).toBe(3);
    expect(cache.remember('b', 500, 200)).toBe(false);
    // Full of live entries: the oldest (b) is dropped.
    expect(cache.remember('e', 700, 200)).toBe(true);
    expect(cache.size).toBe(3);
    expect(cache.remember('c', 500, 200)).toBe(false);
    expect(cache.remember('b', 500, 200)).toBe(true);
  });

  test('an expired key may be seen again', () => {
    const cache = new ReplayCache();
    expect(cache.remember('k', 10, 0)).toBe(true);
    expect(cache.remember('k', 10, 5)).toBe(false);
    expect(cache.remember('k', 30, 11)).toBe(true);
  });
});
