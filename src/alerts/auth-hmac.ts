/**
 * HMAC request signing for alert sources that cannot hold a bearer token (webhooks):
 *   X-Cordon-Timestamp: <unix seconds>
 *   X-Cordon-Signature: sha256=<hex of HMAC-SHA256(secret, `${timestamp}.${rawBody}`)>
 * Invariants: the signature covers the exact raw bytes of the body and the timestamp, so
 * neither can be changed; a timestamp more than `windowSeconds` from `now` (either way) is
 * stale; comparison is constant-time; a request is remembered in the ReplayCache only once its
 * signature has verified (forged requests cannot fill the cache), and a remembered signature
 * is refused until its timestamp leaves the window. Checks run in a fixed order: missing →
 * malformed → stale → bad-signature → replayed. Several secrets may be given (rotation).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const TIMESTAMP_HEADER = 'x-cordon-timestamp';
export const SIGNATURE_HEADER = 'x-cordon-signature';
export const DEFAULT_WINDOW_SECONDS = 300;

export type HmacFailure = 'missing' | 'malformed' | 'stale' | 'bad-signature' | 'replayed';
export type HmacResult = { ok: true; timestamp: number } | { ok: false; reason: HmacFailure };

type HeaderValue = string | string[] | undefined;

export interface HmacVerifyInput {
  /** One secret, or several while rotating (any one may have signed). */
  secret: string | Buffer | readonly (string | Buffer)[];
  timestamp: HeaderValue;
  signature: HeaderValue;
  rawBody: string | Buffer;
  now: Date;
  windowSeconds?: number;
  /** Without a cache, replays inside the window are not detected. */
  replayCache?: ReplayCache;
}

function mac(secret: string | Buffer, timestamp: string, body: string | Buffer): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest();
}

/** The X-Cordon-Signature value for a body, for clients and tests. */
export function signHmac(secret: string | Buffer, timestamp: number | string, body: string | Buffer): string {
  return `sha256=${mac(secret, String(timestamp), body).toString('hex')}`;
}

/** Both X-Cordon headers, ready to send. */
export function signedHeaders(secret: string | Buffer, body: string | Buffer, now: Date): Record<string, string> {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  return { [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: signHmac(secret, timestamp, body) };
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
  // Compare against every secret, so timing does not reveal which one matched.
  let matched = false;
  for (const secret of secrets) {
    const expected = mac(secret, timestamp, input.rawBody);
    if (expected.length === given.length && timingSafeEqual(expected, given)) matched = true;
  }
  if (!matched) return { ok: false, reason: 'bad-signature' };

  if (input.replayCache && !input.replayCache.remember(sig[1]!.toLowerCase(), seconds + window, nowSeconds)) {
    return { ok: false, reason: 'replayed' };
  }
  return { ok: true, timestamp: seconds };
}

export interface ReplayCacheOptions {
  /** Most signatures kept at once (default 10 000). */
  maxEntries?: number;
}

/**
 * Signatures seen inside the replay window. Bounded: when full it first drops expired entries,
 * then the oldest. Dropping a live entry reopens a replay of that one request; we accept that
 * over refusing all alerts during a burst, since a replayed alert carries the same dedup key
 * and joins its incident rather than starting another.
 */
export class ReplayCache {
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
    this.expiries.delete(key);
    if (this.expiries.size >= this.maxEntries) this.evict(now);
    this.expiries.set(key, expiresAt);
    return true;
  }

  /** Drops a key, so the same request is accepted again (its processing failed on our side). */
  forget(key: string): void {
    this.expiries.delete(key);
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
