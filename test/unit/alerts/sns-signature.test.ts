import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isTrustedSnsUrl, SnsSignatureVerifier, snsStringToSign } from '../../../src/alerts/sns-signature';
import { fixture } from './load-fixture';

/** An RSA key and a self-signed certificate made now (node cannot issue certificates; openssl can). */
function makeSigner(days = 2): { key: KeyObject; pem: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cordon-sns-'));
  try {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(join(dir, 'key.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    execFileSync('openssl', ['req', '-x509', '-new', '-key', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
      '-days', String(days), '-subj', '/CN=sns.eu-west-1.amazonaws.com'], { stdio: 'pipe' });
    return { key: privateKey, pem: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const CERT_URL = 'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-9c6465fa7f48f5cacd23014631ec1136.pem';
let signer: { key: KeyObject; pem: string };
let other: { key: KeyObject; pem: string };
beforeAll(() => { signer = makeSigner(); other = makeSigner(); });

function signed(message: any, version: '1' | '2', key = signer.key): any {
  const m = { ...message, SignatureVersion: version, SigningCertURL: message.SigningCertURL ?? CERT_URL };
  m.Signature = sign(version === '1' ? 'sha1' : 'sha256', Buffer.from(snsStringToSign(m), 'utf8'), key).toString('base64');
  return m;
}

function verifier(pem = () => signer.pem) {
  const fetched: string[] = [];
  const v = new SnsSignatureVerifier({ fetchCert: async (url) => { fetched.push(url); return pem(); } });
  return { v, fetched };
}

describe('string to sign', () => {
  test('Notification: Message, MessageId, Subject, Timestamp, TopicArn, Type', () => {
    const n = fixture('cloudwatch-sns-alarm.json');
    expect(snsStringToSign(n)).toBe(
      `Message\n${n.Message}\nMessageId\n${n.MessageId}\nSubject\n${n.Subject}\nTimestamp\n${n.Timestamp}\n`
      + `TopicArn\n${n.TopicArn}\nType\nNotification\n`);
    delete n.Subject;
    expect(snsStringToSign(n)).not.toContain('Subject');
  });

  test('SubscriptionConfirmation: Message, MessageId, SubscribeURL, Timestamp, Token, TopicArn, Type', () => {
    const s = fixture('cloudwatch-sns-subscription-confirmation.json');
    expect(snsStringToSign(s)).toBe(
      `Message\n${s.Message}\nMessageId\n${s.MessageId}\nSubscribeURL\n${s.SubscribeURL}\nTimestamp\n${s.Timestamp}\n`
      + `Token\n${s.Token}\nTopicArn\n${s.TopicArn}\nType\nSubscriptionConfirmation\n`);
  });
});

describe('SnsSignatureVerifier', () => {
  test.each(['1', '2'] as const)('a notification signed with SignatureVersion %s verifies', async (version) => {
    const { v, fetched } = verifier();
    const result = await v.verify(signed(fixture('cloudwatch-sns-alarm.json'), version));
    expect(result).toMatchObject({ ok: true, message: { Type: 'Notification' } });
    expect(fetched).toEqual([CERT_URL]);
  });

  test('a subscription confirmation verifies (Token and SubscribeURL are signed)', async () => {
    const { v } = verifier();
    const message = signed(fixture('cloudwatch-sns-subscription-confirmation.json'), '2');
    expect((await v.verify(message)).ok).toBe(true);
    expect(await v.verify({ ...message, Token: 'attacker-token' })).toEqual({ ok: false, reason: 'bad-signature' });
  });

  test('a signature made with SHA256 does not pass as version 1', async () => {
    const { v } = verifier();
    const message = signed(fixture('cloudwatch-sns-alarm.json'), '2');
    expect(await v.verify({ ...message, SignatureVersion: '1' })).toEqual({ ok: false, reason: 'bad-signature' });
  });

  test.each<[string, (m: any) => void]>([
    ['Message changed', (m) => { m.Message = m.Message.replace('ALARM', 'OK'); }],
    ['Subject removed', (m) => { delete m.Subject; }],
    ['TopicArn changed', (m) => { m.TopicArn = 'arn:aws:sns:eu-west-1:123456789012:other'; }],
    ['Timestamp changed', (m) => { m.Timestamp = '2026-03-06T08:00:42.735Z'; }],
    ['Signature garbage', (m) => { m.Signature = 'bm90IGEgc2lnbmF0dXJl'; }],
  ])('tampered: %s → bad-signature', async (_name, tamper) => {
    const { v } = verifier();
    const message = signed(fixture('cloudwatch-sns-alarm.json'), '1');
    tamper(message);
    expect(await v.verify(message)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  test('signed by a key other than the certificate\'s → bad-signature', async () => {
    const { v } = verifier();
    expect(await v.verify(signed(fixture('cloudwatch-sns-alarm.json'), '2', other.key))).toEqual({ ok: false, reason: 'bad-signature' });
  });

  test.each([
    ['a foreign host', 'https://sns.eu-west-1.amazonaws.com.evil.example/cert.pem'],
    ['a look-alike host', 'https://sns-eu-west-1.amazonaws.com/cert.pem'],
    ['an S3 host', 'https://s3.amazonaws.com/sns/cert.pem'],
    ['http', 'http://sns.eu-west-1.amazonaws.com/SimpleNotificationService-1.pem'],
    ['another port', 'https://sns.eu-west-1.amazonaws.com:8443/SimpleNotificationService-1.pem'],
    ['user info', 'https://sns.eu-west-1.amazonaws.com@evil.example/x.pem'],
    ['not a .pem', 'https://sns.eu-west-1.amazonaws.com/?Action=Get'],
    ['not a URL', 'sns.eu-west-1.amazonaws.com/cert.pem'],
  ])('SigningCertURL on %s is refused before any fetch', async (_name, url) => {
    const { v, fetched } = verifier();
    const message = signed({ ...fixture('cloudwatch-sns-alarm.json'), SigningCertURL: url }, '1', signer.key);
    expect(await v.verify(message)).toMatchObject({ ok: false, reason: 'untrusted-cert-url' });
    expect(fetched).toEqual([]);
  });

  test('China partition hosts are trusted by default; the pattern is configurable', async () => {
    expect(isTrustedSnsUrl('https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-1.pem')).toBe(true);
    const v = new SnsSignatureVerifier({ fetchCert: async () => signer.pem, certHostPattern: /^sns\.internal\.example$/ });
    const local = signed({ ...fixture('cloudwatch-sns-alarm.json'), SigningCertURL: 'https://sns.internal.example/c.pem' }, '2');
    expect((await v.verify(local)).ok).toBe(true);
    expect(await v.verify(signed(fixture('cloudwatch-sns-alarm.json'), '2'))).toMatchObject({ ok: false, reason: 'untrusted-cert-url' });
  });

  test('a SubscribeURL off the SNS host is refused (the route would visit it)', async () => {
    const { v } = verifier();
    const message = signed({ ...fixture('cloudwatch-sns-subscription-confirmation.json'), SubscribeURL: 'https://169.254.169.254/latest/meta-data/' }, '1');
    expect(await v.verify(message)).toMatchObject({ ok: false, reason: 'untrusted-subscribe-url' });
  });

  test('the certificate is fetched once per URL and cached; a failed fetch is retried', async () => {
    let calls = 0;
    const v = new SnsSignatureVerifier({ fetchCert: async () => { calls += 1; if (calls === 1) throw new Error('ECONNRESET'); return signer.pem; } });
    const message = signed(fixture('cloudwatch-sns-alarm.json'), '1');
    expect(await v.verify(message)).toEqual({ ok: false, reason: 'cert-unavailable', detail: 'ECONNRESET' });
    expect((await v.verify(message)).ok).toBe(true);
    expect((await v.verify(message)).ok).toBe(true);
    expect(calls).toBe(2);
  });

  test('something that is not a certificate → cert-unavailable', async () => {
    const { v } = verifier(() => '<html>nope</html>');
    expect(await v.verify(signed(fixture('cloudwatch-sns-alarm.json'), '1'))).toMatchObject({ ok: false, reason: 'cert-unavailable' });
  });

  test('an expired certificate is refused', async () => {
    const v = new SnsSignatureVerifier({ fetchCert: async () => signer.pem, now: () => new Date(Date.now() + 3 * 86_400_000) });
    expect(await v.verify(signed(fixture('cloudwatch-sns-alarm.json'), '1'))).toMatchObject({ ok: false, reason: 'untrusted-cert' });
  });

  test('a body that is not an SNS message → malformed', async () => {
    const { v } = verifier();
    expect(await v.verify({ hello: 'world' })).toMatchObject({ ok: false, reason: 'malformed' });
  });
});
