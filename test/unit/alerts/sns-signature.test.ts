import { isTrustedSnsUrl, SnsSignatureVerifier, snsStringToSign } from '../../../src/alerts/sns-signature';
import { fixture } from './load-fixture';
import { fresh, makeSnsSigner, SNS_CERT_URL as CERT_URL, snsSign, type SnsSigner } from './sns-test-signer';

let signer: SnsSigner;
let other: SnsSigner;
beforeAll(() => {
  signer = makeSnsSigner();
  other = makeSnsSigner();
});

const signed = (message: any, version: '1' | '2', key = signer.key): any => snsSign(message, version, key);
/** Fixtures as SNS would deliver them now (their recorded Timestamp is long past the age window). */
const alarm = () => fresh(fixture('cloudwatch-sns-alarm.json'));
const confirmation = () => fresh(fixture('cloudwatch-sns-subscription-confirmation.json'));

function verifier(pem = () => signer.pem) {
  const fetched: string[] = [];
  const v = new SnsSignatureVerifier({
    fetchCert: async (url) => {
      fetched.push(url);
      return pem();
    },
  });
  return { v, fetched };
}

describe('string to sign', () => {
  test('Notification: Message, MessageId, Subject, Timestamp, TopicArn, Type', () => {
    const n = fixture('cloudwatch-sns-alarm.json');
    expect(snsStringToSign(n)).toBe(
      `Message\n${n.Message}\nMessageId\n${n.MessageId}\nSubject\n${n.Subject}\nTimestamp\n${n.Timestamp}\n` +
        `TopicArn\n${n.TopicArn}\nType\nNotification\n`,
    );
    delete n.Subject;
    expect(snsStringToSign(n)).not.toContain('Subject');
  });

  test('SubscriptionConfirmation: Message, MessageId, SubscribeURL, Timestamp, Token, TopicArn, Type', () => {
    const s = fixture('cloudwatch-sns-subscription-confirmation.json');
    expect(snsStringToSign(s)).toBe(
      `Message\n${s.Message}\nMessageId\n${s.MessageId}\nSubscribeURL\n${s.SubscribeURL}\nTimestamp\n${s.Timestamp}\n` +
        `Token\n${s.Token}\nTopicArn\n${s.TopicArn}\nType\nSubscriptionConfirmation\n`,
    );
  });
});

describe('SnsSignatureVerifier', () => {
  test.each(['1', '2'] as const)('a notification signed with SignatureVersion %s verifies', async (version) => {
    const { v, fetched } = verifier();
    const result = await v.verify(signed(alarm(), version));
    expect(result).toMatchObject({ ok: true, message: { Type: 'Notification' } });
    expect(fetched).toEqual([CERT_URL]);
  });

  test('a subscription confirmation verifies (Token and SubscribeURL are signed)', async () => {
    const { v } = verifier();
    const message = signed(confirmation(), '2');
    expect((await v.verify(message)).ok).toBe(true);
    expect(await v.verify({ ...message, Token: 'attacker-token' })).toEqual({ ok: false, reason: 'bad-signature' });
  });

  test('a signature made with SHA256 does not pass as version 1', async () => {
    const { v } = verifier();
    const message = signed(alarm(), '2');
    expect(await v.verify({ ...message, SignatureVersion: '1' })).toEqual({ ok: false, reason: 'bad-signature' });
  });

  test.each<[string, (m: any) => void]>([
    [
      'Message changed',
      (m) => {
        m.Message = m.Message.replace('ALARM', 'OK');
      },
    ],
    [
      'Subject removed',
      (m) => {
        delete m.Subject;
      },
    ],
    [
      'TopicArn changed',
      (m) => {
        m.TopicArn = 'arn:aws:sns:eu-west-1:123456789012:other';
      },
    ],
    [
      'Timestamp changed',
      (m) => {
        m.Timestamp = new Date(Date.parse(m.Timestamp) - 1000).toISOString();
      },
    ],
    [
      'Signature garbage',
      (m) => {
        m.Signature = 'bm90IGEgc2lnbmF0dXJl';
      },
    ],
  ])('tampered: %s → bad-signature', async (_name, tamper) => {
    const { v } = verifier();
    const message = signed(alarm(), '1');
    tamper(message);
    expect(await v.verify(message)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  test("signed by a key other than the certificate's → bad-signature", async () => {
    const { v } = verifier();
    expect(await v.verify(signed(alarm(), '2', other.key))).toEqual({ ok: false, reason: 'bad-signature' });
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
    const message = signed({ ...alarm(), SigningCertURL: url }, '1', signer.key);
    expect(await v.verify(message)).toMatchObject({ ok: false, reason: 'untrusted-cert-url' });
    expect(fetched).toEqual([]);
  });

  test('China partition hosts are trusted by default; the pattern is configurable', async () => {
    expect(isTrustedSnsUrl('https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-1.pem')).toBe(true);
    const v = new SnsSignatureVerifier({ fetchCert: async () => signer.pem, certHostPattern: /^sns\.internal\.example$/ });
    const local = signed({ ...alarm(), SigningCertURL: 'https://sns.internal.example/c.pem' }, '2');
    expect((await v.verify(local)).ok).toBe(true);
    expect(await v.verify(signed(alarm(), '2'))).toMatchObject({ ok: false, reason: 'untrusted-cert-url' });
  });

  test('a SubscribeURL off the SNS host is refused (the route would visit it)', async () => {
    const { v } = verifier();
    const message = signed({ ...confirmation(), SubscribeURL: 'https://169.254.169.254/latest/meta-data/' }, '1');
    expect(await v.verify(message)).toMatchObject({ ok: false, reason: 'untrusted-subscribe-url' });
  });

  test('the certificate is fetched once per URL and cached; a failed fetch is retried', async () => {
    let calls = 0;
    const v = new SnsSignatureVerifier({
      fetchCert: async () => {
        calls += 1;
        if (calls === 1) throw new Error('ECONNRESET');
        return signer.pem;
      },
    });
    const message = signed(alarm(), '1');
    expect(await v.verify(message)).toEqual({ ok: false, reason: 'cert-unavailable', detail: 'ECONNRESET' });
    expect((await v.verify(message)).ok).toBe(true);
    expect((await v.verify(message)).ok).toBe(true);
    expect(calls).toBe(2);
  });

  test('something that is not a certificate → cert-unavailable', async () => {
    const { v } = verifier(() => '<html>nope</html>');
    expect(await v.verify(signed(alarm(), '1'))).toMatchObject({ ok: false, reason: 'cert-unavailable' });
  });

  test('an expired certificate is refused', async () => {
    const v = new SnsSignatureVerifier({ fetchCert: async () => signer.pem, now: () => new Date(Date.now() + 3 * 86_400_000) });
    expect(await v.verify(signed(alarm(), '1'))).toMatchObject({ ok: false, reason: 'untrusted-cert' });
  });

  test('a body that is not an SNS message → malformed', async () => {
    const { v } = verifier();
    expect(await v.verify({ hello: 'world' })).toMatchObject({ ok: false, reason: 'malformed' });
  });
});

describe('message age: the signed Timestamp must be inside the window', () => {
  // After the outer beforeAll: the certificate is valid only from the second it was made.
  let NOW: Date;
  beforeAll(() => {
    NOW = new Date();
  });
  const aged = (seconds: number, key = signer.key) =>
    signed(fresh(fixture('cloudwatch-sns-alarm.json'), new Date(NOW.getTime() - seconds * 1000)), '2', key);
  const check = (message: any, opts: { maxAgeSeconds?: number } = {}) =>
    new SnsSignatureVerifier({ fetchCert: async () => signer.pem, now: () => NOW, ...opts }).verify(message);

  test.each([
    ['59 minutes old', 59 * 60],
    ['4 minutes ahead (clock skew)', -4 * 60],
  ])('%s → accepted', async (_name, seconds) => {
    expect((await check(aged(seconds))).ok).toBe(true);
  });

  test('61 minutes old → stale, saying how old and the limit', async () => {
    const result = await check(aged(61 * 60));
    expect(result).toMatchObject({ ok: false, reason: 'stale' });
    expect((result as { detail: string }).detail).toMatch(/3660 s old; the limit is 3600 s/);
  });

  test('6 minutes ahead → future-timestamp', async () => {
    expect(await check(aged(-6 * 60))).toMatchObject({ ok: false, reason: 'future-timestamp' });
  });

  test('the window is configurable', async () => {
    expect(await check(aged(11 * 60), { maxAgeSeconds: 600 })).toMatchObject({ ok: false, reason: 'stale' });
    expect((await check(aged(9 * 60), { maxAgeSeconds: 600 })).ok).toBe(true);
  });

  test('a message as recorded months ago, validly signed, is refused as stale', async () => {
    expect(await check(signed(fixture('cloudwatch-sns-alarm.json'), '1'))).toMatchObject({ ok: false, reason: 'stale' });
  });

  test('age is judged only once the signature verifies: a forged old message is a bad signature', async () => {
    expect(await check(aged(2 * 3600, other.key))).toEqual({ ok: false, reason: 'bad-signature' });
  });
});
