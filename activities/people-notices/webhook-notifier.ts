/**
 * Generic webhook delivery for notifications to people: one POST of a JSON body to one target,
 * with an `Idempotency-Key` header (stable per event, so a receiver drops retried duplicates)
 * and, when the target has a secret, an HMAC-SHA256 signature of the body.
 * Invariants: `fetch` is injected (tests hand in a local receiver or a fake); 2xx is delivered;
 * 408/425/429 and 5xx or network errors are transient (plain Error: Temporal retries); any
 * other 4xx is permanent (non-retryable ApplicationFailure: retrying a bad URL pages nobody).
 */
import { ApplicationFailure } from '@temporalio/common';
import crypto from 'node:crypto';
import { ErrorType } from '../../src/domain/errors';

export interface FetchResponseLike {
  status: number;
  text(): Promise<string>;
}
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string; signal?: AbortSignal },
) => Promise<FetchResponseLike>;

export interface WebhookTarget {
  /** Shown in the timeline and logs; never the URL (it often embeds a secret). */
  name: string;
  url: string;
  /** `json`: Cordon's generic body; `slack`: a Slack-compatible incoming-webhook body. */
  format: 'json' | 'slack';
  /** Signs the body: `X-Cordon-Signature: sha256=<hex>`. */
  secret?: string;
}

export interface WebhookDeliveryDeps {
  fetch?: FetchLike;
  timeoutMs?: number;
}

const transientStatuses = new Set([408, 425, 429]);

export function signBody(secret: string, body: string): string {
  return `sha256=${crypto.createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Posts one body to one target; resolves with the HTTP status on 2xx. */
export async function postWebhook(
  deps: WebhookDeliveryDeps,
  target: WebhookTarget,
  body: unknown,
  idempotencyKey: string,
): Promise<number> {
  const doFetch: FetchLike = deps.fetch ?? ((url, init) => fetch(url, init));
  const text = JSON.stringify(body);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'idempotency-key': idempotencyKey,
    'user-agent': 'cordon-notifier',
  };
  if (target.secret) headers['x-cordon-signature'] = signBody(target.secret, text);
  let res: FetchResponseLike;
  try {
    res = await doFetch(target.url, { method: 'POST', headers, body: text, signal: AbortSignal.timeout(deps.timeoutMs ?? 10_000) });
  } catch (err) {
    // fetch says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND, a timeout) is its cause.
    const cause = (err as Error & { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message;
    throw new Error(`webhook ${target.name} unreachable: ${(err as Error).message}${why ? ` (${why})` : ''}`);
  }
  if (res.status >= 200 && res.status < 300) return res.status;
  const detail = (await res.text().catch(() => '')).slice(0, 200);
  if (res.status >= 500 || transientStatuses.has(res.status)) throw new Error(`webhook ${target.name} answered ${res.status}: ${detail}`);
  throw ApplicationFailure.create({
    type: ErrorType.WebhookRejected,
    nonRetryable: true,
    message: `webhook ${target.name} refused the notice (${res.status}): ${detail}`,
  });
}
