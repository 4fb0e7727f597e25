/**
 * Per-source rate limit for POST /v1/alerts/:source (@fastify/rate-limit, in-memory store).
 * Invariants: the counter key is the source, not the client address (EventBridge and SNS send
 * from many addresses); the limiter runs as a preHandler, after authentication, so forged
 * requests cannot use up a real source's budget; a refusal is the 429 of the error envelope
 * with Retry-After. Failed authentication is limited separately, per client address and
 * before any signature work (unauthenticated-rate-limit.ts).
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import { rateLimited } from '../errors';

export interface AlertRateLimit {
  /** Requests per source per window. */
  max: number;
  windowMs?: number;
}

export async function alertRateLimiter(scope: FastifyInstance, limit: AlertRateLimit): Promise<preHandlerAsyncHookHandler> {
  await scope.register(rateLimit, { global: false });
  return scope.rateLimit({
    max: limit.max,
    timeWindow: limit.windowMs ?? 60_000,
    keyGenerator: (request) => `alerts:${(request.params as { source?: string }).source ?? ''}`,
    errorResponseBuilder: (_request, ctx) =>
      rateLimited(`more than ${ctx.max} alerts from this source in the window; retry after ${ctx.after}`),
  }) as preHandlerAsyncHookHandler;
}
