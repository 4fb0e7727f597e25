/**
 * Verifies that an SNS HTTP(S) delivery was signed by Amazon SNS, per the SNS developer guide
 * ("Verifying the signatures of Amazon SNS messages"):
 *   - SignatureVersion 1 is SHA1withRSA, 2 is SHA256withRSA, over the string to sign: each
 *     field as `Name\nvalue\n`, in this order —
 *       Notification:                 Message, MessageId, Subject (only if present), Timestamp, TopicArn, Type
 *       Subscription/Unsubscribe:     Message, MessageId, SubscribeURL, Timestamp, Token, TopicArn, Type
 *   - the certificate comes from SigningCertURL, which must be https on a host matching
 *     `certHostPattern` (default: sns.<region>.amazonaws.com[.cn]) — otherwise anyone could
 *     sign with their own certificate; SubscribeURL must pass the same check, since the route
 *     visits it.
 * Invariants: no network here — certificates come through the injected `fetchCert`, and
 * are cached per URL (a failed fetch is not cached); a certificate outside its validity
 * period is refused; a message whose signed `Timestamp` (the publish time, which SNS keeps
 * across redeliveries) is more than `maxAgeSeconds` old (default 1 h) or more than
 * `maxFutureSkewSeconds` ahead (default 5 min) is refused once its signature has verified, so
 * a captured message cannot be replayed after the window that the route's MessageId memory covers.
 */
import { verify, X509Certificate, type KeyObject } from 'node:crypto';
import { snsMessageSchema, type SnsMessage } from './normalise-cloudwatch-sns';

export const DEFAULT_SNS_CERT_HOST = /^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/;
export const DEFAULT_SNS_MAX_AGE_SECONDS = 3600;
export const DEFAULT_SNS_FUTURE_SKEW_SECONDS = 300;

export type SnsSignatureFailure =
  | 'malformed'
  | 'untrusted-cert-url'
  | 'untrusted-subscribe-url'
  | 'cert-unavailable'
  | 'untrusted-cert'
  | 'bad-signature'
  | 'stale'
  | 'future-timestamp';
export type SnsSignatureResult = { ok: true; message: SnsMessage } | { ok: false; reason: SnsSignatureFailure; detail?: string };

export interface SnsVerifierOptions {
  /** Fetches the PEM at a (trusted) SigningCertURL. */
  fetchCert: (url: string) => Promise<string>;
  certHostPattern?: RegExp;
  /** For the certificate's validity period; defaults to the current time. */
  now?: () => Date;
  /** Most certificates cached (SNS rotates them rarely; default 32). */
  maxCachedCerts?: number;
  /** Oldest signed Timestamp accepted, in seconds before now (default 3600). */
  maxAgeSeconds?: number;
  /** Furthest signed Timestamp accepted ahead of now, for clock skew (default 300). */
  maxFutureSkewSeconds?: number;
}

const NOTIFICATION_FIELDS = ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'] as const;
const SUBSCRIPTION_FIELDS = ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'] as const;

/** The string SNS signed. Absent (or null) fields are left out, which only Subject may be. */
export function snsStringToSign(message: SnsMessage): string {
  const fields = message.Type === 'Notification' ? NOTIFICATION_FIELDS : SUBSCRIPTION_FIELDS;
  let out = '';
  for (const field of fields) {
    const value = message[field];
    if (value !== undefined && value !== null) out += `${field}\n${value}\n`;
  }
  return out;
}

/** https, default port, on a host the pattern allows. */
export function isTrustedSnsUrl(url: string, hostPattern: RegExp = DEFAULT_SNS_CERT_HOST): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.protocol === 'https:' &&
    parsed.port === '' &&
    parsed.username === '' &&
    parsed.password === '' &&
    hostPattern.test(parsed.hostname)
  );
}

export class SnsSignatureVerifier {
  private readonly certs = new Map<string, Promise<{ key: KeyObject; cert: X509Certificate }>>();
  private readonly hostPattern: RegExp;
  private readonly now: () => Date;
  private readonly maxCached: number;
  readonly maxAgeSeconds: number;
  private readonly maxSkewSeconds: number;

  constructor(private readonly opts: SnsVerifierOptions) {
    this.hostPattern = opts.certHostPattern ?? DEFAULT_SNS_CERT_HOST;
    this.now = opts.now ?? (() => new Date());
    this.maxCached = opts.maxCachedCerts ?? 32;
    this.maxAgeSeconds = opts.maxAgeSeconds ?? DEFAULT_SNS_MAX_AGE_SECONDS;
    this.maxSkewSeconds = opts.maxFutureSkewSeconds ?? DEFAULT_SNS_FUTURE_SKEW_SECONDS;
  }

  /** Verifies a parsed SNS body (the JSON SNS POSTed). */
  async verify(body: unknown): Promise<SnsSignatureResult> {
    const parsed = snsMessageSchema.safeParse(body);
    if (!parsed.success)
      return { ok: false, reason: 'malformed', detail: parsed.error.issues.map((i) => i.path.join('.') || '(root)').join(', ') };
    const message = parsed.data;
    if (!isTrustedSnsUrl(message.SigningCertURL, this.hostPattern) || !new URL(message.SigningCertURL).pathname.endsWith('.pem')) {
      return { ok: false, reason: 'untrusted-cert-url', detail: message.SigningCertURL };
    }
    if (message.Type !== 'Notification' && !isTrustedSnsUrl(message.SubscribeURL ?? '', this.hostPattern)) {
      return { ok: false, reason: 'untrusted-subscribe-url', detail: message.SubscribeURL };
    }
    let loaded: { key: KeyObject; cert: X509Certificate };
    try {
      loaded = await this.certificate(message.SigningCertURL);
    } catch (err) {
      return { ok: false, reason: 'cert-unavailable', detail: (err as Error).message };
    }
    const now = this.now().getTime();
    if (now < Date.parse(loaded.cert.validFrom) || now > Date.parse(loaded.cert.validTo)) {
      return { ok: false, reason: 'untrusted-cert', detail: `valid ${loaded.cert.validFrom} to ${loaded.cert.validTo}` };
    }
    const algorithm = message.SignatureVersion === '1' ? 'sha1' : 'sha256';
    const signature = Buffer.from(message.Signature, 'base64');
    let valid = false;
    try {
      valid = verify(algorithm, Buffer.from(snsStringToSign(message), 'utf8'), loaded.key, signature);
    } catch {
      valid = false;
    }
    if (!valid) return { ok: false, reason: 'bad-signature' };
    // Only a verified Timestamp is worth judging: SNS signed it, so its age is the message's.
    const ageSeconds = (now - Date.parse(message.Timestamp)) / 1000;
    if (ageSeconds > this.maxAgeSeconds) {
      return {
        ok: false,
        reason: 'stale',
        detail: `Timestamp ${message.Timestamp} is ${Math.round(ageSeconds)} s old; the limit is ${this.maxAgeSeconds} s`,
      };
    }
    if (-ageSeconds > this.maxSkewSeconds) {
      return {
        ok: false,
        reason: 'future-timestamp',
        detail: `Timestamp ${message.Timestamp} is ${Math.round(-ageSeconds)} s ahead of this server's clock; the limit is ${this.maxSkewSeconds} s`,
      };
    }
    return { ok: true, message };
  }

  private certificate(url: string): Promise<{ key: KeyObject; cert: X509Certificate }> {
    const cached = this.certs.get(url);
    if (cached) return cached;
    const loading = this.opts.fetchCert(url).then((pem) => {
      const cert = new X509Certificate(pem);
      return { cert, key: cert.publicKey };
    });
    void loading.catch(() => this.certs.delete(url));
    if (this.certs.size >= this.maxCached) this.certs.delete(this.certs.keys().next().value!);
    this.certs.set(url, loading);
    return loading;
  }
}
