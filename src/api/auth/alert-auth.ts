/**
 * Who sent an alert. Three ways in, tried in this order:
 *   1. HMAC (X-Cordon-Timestamp + X-Cordon-Signature over
 *      `${timestamp}.${METHOD}.${pathWithQuery}.${rawBody}`, auth-hmac.ts) when the request
 *      carries either header — for webhooks that cannot hold a bearer token;
 *   2. a bearer token whose identity has the `alert-source` role (or responder/admin);
 *   3. for `cloudwatch-sns` only, with neither of the above: Amazon SNS's own message signature,
 *      whose signed Timestamp must be inside the age window (sns-signature.ts).
 * Invariants: 401 for no or invalid credentials (bad, stale or replayed HMAC, unknown token,
 * bad or stale SNS signature), 403 only for a known identity without the role; HMAC secrets are
 * per source, so a secret leaked from one sender cannot forge another's alerts; an HMAC signature
 * or SNS MessageId is remembered only after it verified, and `forget` lets the route release it
 * when Cordon itself failed (5xx) so the sender's identical retry is not refused as a replay.
 * An SNS MessageId is remembered until its message's Timestamp leaves the age window, after which
 * the verifier refuses the message as stale, so no redelivery is counted twice.
 * With `replayStoreDir`, both memories are files there (replay-store.ts) and survive a restart;
 * API replicas that should share dedup must share that folder. Without it they are in memory.
 */
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import path from 'node:path';
import { ReplayCache, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyHmac, type ReplayMemory } from '../../alerts/auth-hmac';
import type { AlertSource } from '../../alerts';
import { FileReplayStore } from '../../alerts/replay-store';
import type { SnsSignatureVerifier } from '../../alerts/sns-signature';
import type { SnsMessage } from '../../alerts/normalise-cloudwatch-sns';
import { badRequest, forbidden, unauthorized, unavailable } from '../errors';
import { hasRole } from './operators';

export type AlertSender =
  | { kind: 'hmac'; name: string; replayKey: string }
  | { kind: 'bearer'; name: string }
  | { kind: 'sns'; name: string; message: SnsMessage; replayKey: string };

export interface AlertAuthOptions {
  /** Secrets per source; several while rotating. A source without one refuses HMAC. */
  hmacSecrets: Partial<Record<AlertSource, readonly string[]>>;
  replayWindowSeconds: number;
  /** Also accept the legacy body-only HMAC form (CORDON_ALERT_HMAC_LEGACY_BODY_ONLY); warned about once. */
  hmacLegacyBodyOnly?: boolean;
  now: () => Date;
  sns: SnsSignatureVerifier;
  /** Folder of the persistent replay memories (`<CORDON_DATA_DIR>/replay`); none: in memory. */
  replayStoreDir?: string;
  log?: Pick<FastifyBaseLogger, 'warn'>;
}

const HMAC_REASONS = {
  missing: 'both X-Cordon-Timestamp and X-Cordon-Signature are required',
  malformed: 'X-Cordon-Timestamp must be unix seconds and X-Cordon-Signature sha256=<64 hex digits>',
  stale: 'X-Cordon-Timestamp is outside the replay window',
  'bad-signature':
    'the signature does not match the timestamp, method, path with query and body (`${timestamp}.${METHOD}.${pathWithQuery}.${rawBody}`)',
  replayed: 'this signed request was already received',
} as const;

export class AlertAuthenticator {
  private readonly replay: ReplayMemory;
  private readonly snsSeen: ReplayMemory;

  constructor(private readonly opts: AlertAuthOptions) {
    const nowSeconds = () => opts.now().getTime() / 1000;
    const memory = (file: string): ReplayMemory =>
      opts.replayStoreDir
        ? FileReplayStore.open(path.join(opts.replayStoreDir, file), { maxEntries: 100_000, now: nowSeconds })
        : new ReplayCache({ maxEntries: 100_000 });
    this.replay = memory('hmac-signatures.jsonl');
    this.snsSeen = memory('sns-message-ids.jsonl');
    if (opts.hmacLegacyBodyOnly) {
      opts.log?.warn(
        'CORDON_ALERT_HMAC_LEGACY_BODY_ONLY is on: HMAC signatures over `${timestamp}.${rawBody}` are accepted, so a captured signed request can be replayed to another path or query string inside the replay window; move senders to `${timestamp}.${METHOD}.${pathWithQuery}.${rawBody}` and turn it off',
      );
    }
  }

  /**
   * Authenticates one request; throws the 401/403 HttpError otherwise. `body` parses the raw
   * body lazily (only SNS needs it before authentication) and throws a 400 when it cannot.
   */
  async authenticate(source: AlertSource, request: FastifyRequest, rawBody: Buffer, body: () => unknown): Promise<AlertSender> {
    const headers = request.headers;
    if (headers[TIMESTAMP_HEADER] !== undefined || headers[SIGNATURE_HEADER] !== undefined) return this.hmac(source, request, rawBody);
    if (headers.authorization !== undefined) {
      const identity = request.identity;
      if (!identity) throw unauthorized('unknown or malformed bearer token');
      if (!hasRole(identity, 'alert-source', 'responder'))
        throw forbidden(`${identity.name} may not submit alerts (needs the alert-source role)`);
      return { kind: 'bearer', name: identity.name };
    }
    if (source === 'cloudwatch-sns') return this.sns(body());
    throw unauthorized(
      `send a bearer token with the alert-source role${this.opts.hmacSecrets[source]?.length ? ', or sign the request (X-Cordon-Timestamp, X-Cordon-Signature)' : ''}`,
    );
  }

  /** Releases a sender's replay entry (Cordon failed to record the alert; the sender will retry). */
  forget(sender: AlertSender): void {
    if (sender.kind === 'hmac') this.replay.forget(sender.replayKey);
    if (sender.kind === 'sns') this.snsSeen.forget(sender.replayKey);
  }

  /** False when this SNS message was already accepted (SNS delivers at least once). */
  firstDelivery(sender: AlertSender): boolean {
    if (sender.kind !== 'sns') return true;
    const now = this.opts.now().getTime() / 1000;
    const leavesWindow = Date.parse(sender.message.Timestamp) / 1000 + this.opts.sns.maxAgeSeconds;
    return this.snsSeen.remember(sender.replayKey, Math.max(leavesWindow, now), now);
  }

  private hmac(source: AlertSource, request: FastifyRequest, rawBody: Buffer): AlertSender {
    const secrets = this.opts.hmacSecrets[source];
    if (!secrets?.length) throw unauthorized(`HMAC signing is not configured for ${source}; use a bearer token`);
    const result = verifyHmac({
      secret: secrets,
      timestamp: request.headers[TIMESTAMP_HEADER],
      signature: request.headers[SIGNATURE_HEADER],
      method: request.method,
      url: request.url,
      rawBody,
      legacyBodyOnly: this.opts.hmacLegacyBodyOnly,
      now: this.opts.now(),
      windowSeconds: this.opts.replayWindowSeconds,
      replayCache: this.replay,
    });
    if (!result.ok) throw unauthorized(`HMAC ${result.reason}: ${HMAC_REASONS[result.reason]}`);
    const signature = String(request.headers[SIGNATURE_HEADER]).trim().slice('sha256='.length).toLowerCase();
    return { kind: 'hmac', name: `${source} (signed${result.form === 'body-only' ? ', legacy body-only' : ''})`, replayKey: signature };
  }

  private async sns(body: unknown): Promise<AlertSender> {
    const verified = await this.opts.sns.verify(body);
    if (verified.ok)
      return {
        kind: 'sns',
        name: `SNS ${verified.message.TopicArn}`,
        message: verified.message,
        replayKey: `sns:${verified.message.MessageId}`,
      };
    if (verified.reason === 'malformed') {
      const paths = (verified.detail ?? '(body)').split(', ');
      throw badRequest(
        'not a valid SNS message',
        paths.map((path) => ({ path, message: 'missing or invalid SNS field' })),
      );
    }
    // The certificate could not be fetched: transient, so ask SNS to retry (it retries 5xx).
    if (verified.reason === 'cert-unavailable') throw unavailable(`SNS signing certificate unavailable: ${verified.detail ?? ''}`);
    if (verified.reason === 'stale' || verified.reason === 'future-timestamp') {
      throw unauthorized(`SNS message refused: ${verified.reason} (${verified.detail ?? ''})`);
    }
    throw unauthorized(`SNS signature refused: ${verified.reason}${verified.detail ? ` (${verified.detail})` : ''}`);
  }
}
