/**
 * HMAC request signing for alert sources that cannot hold a bearer token (webhooks):
 *   X-Cordon-Timestamp: <unix seconds>
 *   X-Cordon-Signature: sha256=<hex of HMAC-SHA256(secret, `${timestamp}.${METHOD}.${pathWithQuery}.${rawBody}`)>
 * where METHOD is the upper-case HTTP method and pathWithQuery the request target exactly as
 * sent (`/v1/alerts/generic?dryRun=true`), so a captured request cannot be replayed to another
 * source or with another query string (`?dryRun=true`). The route accepts only a known source
 * and `dryRun=true|false`, so no two requests it would act on share a signed string.
 * Invariants: the signature covers the method, path, query, timestamp and exact raw bytes of the
 * body, so none can be changed; a timestamp more than `windowSeconds` from `now` (either way) is
 * stale; comparison is constant-time; a request is remembered in the replay memory only once
 * its signature has verified (forged requests cannot fill it), and a remembered signature is
 * refused until its timestamp leaves the window. Checks run in a fixed order: missing →
 * malformed → stale → bad-signature → replayed. Several secrets may be given (rotation).
 * `legacyBodyOnly` also accepts the older `${timestamp}.${rawBody}` form (a compatibility
 * switch while senders migrate; it reopens cross-path replay for those senders).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const TIMESTAMP_HEADER = 'x-cordon-timestamp';
export const SIGNATURE_HEADER = 'x-cordon-signature';
export const DEFAULT_WINDOW_SECONDS = 300;

export type HmacFailure = 'missing' | 'malformed' | 'stale' | 'bad-signature' | 'replayed';
/** `form` says which signed string matched: the request form, or the legacy body-only one. */
export type HmacResult = { ok: true; timestamp: number; form: 'request' | 'body-only' } | { ok: false; reason: HmacFailure };

type HeaderValue = string | string[] | undefined;

/** What a signature is bound to besides the body: the method and the path with its query string, as sent. */
export interface SignedTarget {
  method: string;
  /** Path and query string exactly as on the request line, e.g. `/v1/alerts/generic?dryRun=true`. */
  url: string;
}

/** Remembers verified keys until they expire; `remember` is false for a key already held. */
export interface ReplayMemory {
  remember(key: string, expiresAt: number, now: number): boolean;
  forget(key: string): void;
}

export interface HmacVerifyInput extends SignedTarget {
  /** One secret, or several while rotating (any one may have signed). */
  secret: string | Buffer | readonly (string | Buffer)[];
  timestamp: HeaderValue;
  signature: HeaderValue;
  rawBody: string | Buffer;
  now: Date;
  windowSeconds?: number;
  /** Without one, replays inside the window are not detected. */
  replayCache?: ReplayMemory;
  /** Also accept `${timestamp}.${rawBody}` (compatibility; off unless configured). */
  legacyBodyOnly?: boolean;
}

function mac(secret: string | Buffer, timestamp: string, target: SignedTarget | undefined, body: string | Buffer): Buffer {
  const hmac = createHmac('sha256', secret).update(`${timestamp}.`);
  if (target) hmac.update(`${target.method.toUpperCase()}.${target.url}.`);
  return hmac.update(body).digest();
}

/** The X-Cordon-Signature value for a request, for clients and tests. */
export function signHmac(secret: string | Buffer, timestamp: number | string, target: SignedTarget, body: string | Buffer): string {
  return `sha256=${mac(secret, String(timestamp), target, body).toString('hex')}`;
}

/** Both X-Cordon headers for a request, ready to send. */
export function signedHeaders(secret: string | Buffer, target: SignedTarget, body: string | Buffer, now: Date): Record<string, string> {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  return { [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: signHmac(secret, timestamp, target, body) };
}

export function verifyHmac(input: HmacVerifyInput): HmacResult {
  const { timestamp, signature } = input;
  if (timestamp === undefined || signature === undefined || timestamp === '' || signature === '') return { ok: false, reason: 'missing' };
  // A repeated header is ambiguous: refuse rather than pick one.
  if (typeof timestamp !== 'string' || typeof signature !== 'string') return { ok: false, reason: 'malformed' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'malformed' };
  const sig = /^sha256=([0-9a-fA-F]{64})$/.exec(signature.trim());
  if (!sig) return { ok: false, reason: 'malformed' };

  const window = input.windowSeconds ?? DEFAULT_WINDOW_SECONDS;
  const seconds = Number(timestamp);
  const nowSeconds = input.now.getTime() / 1000;
  if (Math.abs(nowSeconds - seconds) > window) return { ok: false, reason: 'stale' };

  const given = Buffer.from(sig[1]!, 'hex');
  const secrets = Array.isArray(input.secret) ? input.secret : [input.secret as string | Buffer];
  const target = { method: input.method, url: input.url };
  // Compare against every secret and form, so timing does not reveal which one matched.
  let form: 'request' | 'body-only' | undefined;
  for (const secret of secrets) {
    if (matches(mac(secret, timestamp, target, input.rawBody), given)) form = 'request';
    if (input.legacyBodyOnly && matches(mac(secret, timestamp, undefined, input.rawBody), given)) form ??= 'body-only';
  }
  if (!form) return { ok: false, reason: 'bad-signature' };

  if (input.replayCache && !input.replayCache.remember(sig[1]!.toLowerCase(), seconds + window, nowSeconds)) {
    return { ok: false, reason: 'replayed' };
  }
  return { ok: true, timestamp: seconds, form };
}

function matches(expected: Buffer, given: Buffer): boolean {
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export interface ReplayCacheOptions {
  /** Most keys kept at once (default 10 000). */
  maxEntries?: number;
}

/**
 * Keys (signatures, SNS MessageIds) seen inside their window, in memory. Bounded: when full it
 * first drops expired entries, then the oldest. Dropping a live entry reopens a replay of that
 * one request; we accept that over refusing all alerts during a burst, since a replayed alert
 * carries the same dedup key and joins its incident rather than starting another.
 */
export class ReplayCache implements ReplayMemory {
  private readonly expiries = new Map<string, number>();
  private readonly maxEntries: number;

  constructor(opts: ReplayCacheOptions = {}) {
    this.maxEntries = opts.maxEntries ?? 10_000;
    if (!(this.maxEntries >= 1)) throw new RangeError('maxEntries must be at least 1');
  }

  get size(): number {
    return this.expiries.size;
  }

  /** False when the key was already seen and has not expired; otherwise remembers it until `expiresAt`. */
  remember(key: string, expiresAt: number, now: number): boolean {
    const seen = this.expiries.get(key);
    if (seen !== undefined && seen >= now) return false;
    this.set(key, expiresAt, now);
    return true;
  }

  /** Holds a key until `expiresAt` whether or not it was held (loading a persisted memory). */
  set(key: string, expiresAt: number, now: number): void {
    this.expiries.delete(key);
    if (this.expiries.size >= this.maxEntries) this.evict(now);
    this.expiries.set(key, expiresAt);
  }

  /** Drops a key, so the same request is accepted again (its processing failed on our side). */
  forget(key: string): void {
    this.expiries.delete(key);
  }

  /** The live entries, oldest first (for compacting a persisted memory). */
  *entries(now: number): IterableIterator<[string, number]> {
    for (const [key, expiresAt] of this.expiries) if (expiresAt >= now) yield [key, expiresAt];
  }

  private evict(now: number): void {
    for (const [key, expiresAt] of this.expiries) if (expiresAt < now) this.expiries.delete(key);
    // Map iterates in insertion order, so the first keys are the oldest.
    for (const key of this.expiries.keys()) {
      if (this.expiries.size < this.maxEntries) break;
      this.expiries.delete(key);
    }
  }
}
