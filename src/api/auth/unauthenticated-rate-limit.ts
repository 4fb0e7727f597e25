/**
 * Per-address limit on failed authentication (@fastify/rate-limit, in-memory store): each 401
 * on /v1/* counts against the client's address, and once an address has used up its budget in
 * the window, its requests that carry no valid bearer token are refused 429 (error envelope,
 * Retry-After) in onRequest — before any HMAC or SNS signature work — until the window ends.
 * So a client guessing tokens or signatures is slowed to `max` guesses per window.
 * Invariants: a request with a valid bearer token is never counted or refused here, and a
 * correctly signed HMAC or SNS request is never counted (it does not fail), so authenticated
 * senders meet only the per-source limiter (alert-rate-limit.ts); from an address that is over
 * budget, signed requests are refused with the rest, since telling them apart would cost the
 * crypto this limiter exists to save. The key is the peer address Fastify sees (IPv6 by /64
 * prefix): behind a reverse proxy every client shares the proxy's address.
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { rateLimited } from '../errors';

export interface UnauthenticatedRateLimit {
  /** Failed authentications per address per window. */
  max: number;
  windowMs?: number;
}

export interface UnauthenticatedLimiter {
  /** Throws the 429 when this address has no failed attempts left in the window. */
  refuseIfExhausted(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  /** Counts one failed authentication against the request's address. */
  countFailure(request: FastifyRequest): Promise<void>;
}

export async function unauthenticatedLimiter(app: FastifyInstance, limit: UnauthenticatedRateLimit): Promise<UnauthenticatedLimiter> {
  let check: ReturnType<FastifyInstance['createRateLimit']> | undefined;
  // Its own scope, so this store and its decorators stay apart from the per-source limiter's.
  await app.register(async (scope) => {
    await scope.register(rateLimit, { global: false });
    check = scope.createRateLimit({ max: limit.max, timeWindow: limit.windowMs ?? 60_000 });
  });
  const limiter = check!;
  return {
    async refuseIfExhausted(request, reply) {
      const state = await limiter(request, { increment: false });
      if (state.isAllowed || state.remaining > 0) return;
      void reply.header('retry-after', String(Math.max(1, state.ttlInSeconds)));
      throw rateLimited(
        `more than ${state.max} failed authentications from this address in the window; retry after ${Math.max(1, state.ttlInSeconds)} s`,
      );
    },
    async countFailure(request) {
      await limiter(request);
    },
  };
}
