/**
 * The HTTP API (Fastify): every /v1 route authenticated by bearer token, errors in one
 * envelope, bodies limited in size. Routes live one resource per file in ./routes.
 * Invariants: every answer that is not a route's own is the envelope too — Node's HTTP parser
 * refusals through `clientErrorHandler`, Fastify's router errors (bad %-escape, over-long path
 * segment) through `frameworkErrors`, the rest through the error and not-found handlers — and
 * a 5xx means Cordon failed, never that the request was bad. An address that keeps failing
 * authentication is throttled before any credential work (auth/unauthenticated-rate-limit.ts).
 */
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { ApiMetrics } from '../observability/metrics';
import type { IncidentService } from '../temporal/incident-service';
import type { Identity, OperatorDirectory } from './auth/operators';
import { unauthenticatedLimiter } from './auth/unauthenticated-rate-limit';
import { fromFastifyError, HttpError, sendError, unauthorized, writeClientError } from './errors';
import { registerAlertRoutes, type AlertRouteOptions } from './routes/alerts';
import { registerConditionalGet } from './routes/conditional-get';
import { registerConsoleRoutes } from './routes/console';
import { registerEvidenceRoutes } from './routes/evidence';
import type { EvidenceStore } from '../evidence/store';
import { registerHealthRoutes } from './routes/health';
import { registerIncidentRoutes } from './routes/incidents';
import { registerNotificationRoutes } from './routes/regulator-notifications';
import { registerPlanRoutes } from './routes/plans';
import type { NotificationService } from '../temporal/regulator-notification-service';

export interface ApiDeps {
  incidents: IncidentService;
  /** Breach-notification clocks and decisions; its routes exist only when given. */
  notifications?: NotificationService;
  /** The evidence store; its routes exist only when given. */
  evidence?: EvidenceStore;
  operators: OperatorDirectory;
  alerts: AlertRouteOptions;
  /** Readiness: can we reach Temporal? */
  ready: () => Promise<boolean>;
  metrics?: ApiMetrics;
  logLevel?: string;
  bodyLimitBytes?: number;
  /** Failed authentications per client address per minute before its unauthenticated requests get 429 (default 120). */
  unauthenticatedRateLimitPerMinute?: number;
}

declare module 'fastify' {
  interface FastifyRequest { identity?: Identity }
}

const newRequestId = (): string => `req_${Math.random().toString(36).slice(2, 12)}`;

export async function buildApi(deps: ApiDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logLevel && deps.logLevel !== 'silent'
      ? { level: deps.logLevel, redact: ['req.headers.authorization', 'req.headers["x-cordon-signature"]'] }
      : false,
    bodyLimit: deps.bodyLimitBytes ?? 256 * 1024,
    genReqId: newRequestId,
    // Router errors (FST_ERR_BAD_URL, FST_ERR_MAX_PARAM_LENGTH) skip the error handler: map them here.
    frameworkErrors: (err, request, reply) => sendError(reply, request, fromFastifyError(err)),
    clientErrorHandler: (err, socket) => writeClientError(err, socket, newRequestId()),
  });
  const failedAuth = await unauthenticatedLimiter(app, { max: deps.unauthenticatedRateLimitPerMinute ?? 120 });

  app.setErrorHandler(async (err, request, reply) => {
    const mapped = err instanceof HttpError ? err : fromFastifyError(err as never);
    if (mapped.status >= 500) request.log.error({ err }, 'request failed');
    if (mapped.status === 401 && request.url.startsWith('/v1/')) await failedAuth.countFailure(request);
    return sendError(reply, request, mapped);
  });
  app.setNotFoundHandler((request, reply) => sendError(reply, request, new HttpError(404, 'not_found', `no route ${request.method} ${request.url}`)));

  // Authenticate every /v1 call before its handler runs; without a valid token, an address out
  // of failed attempts is refused before the alert route's HMAC/SNS checks.
  app.addHook('onRequest', async (request: FastifyRequest, reply) => {
    if (!request.url.startsWith('/v1/')) return;
    const header = request.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    const identity = token ? deps.operators.identify(token) : undefined;
    if (identity) {
      request.identity = identity;
      return;
    }
    await failedAuth.refuseIfExhausted(request, reply);
    if (!request.url.startsWith('/v1/alerts/')) throw unauthorized();
  });

  registerConditionalGet(app);
  registerHealthRoutes(app, deps.ready, deps.metrics);
  registerConsoleRoutes(app);
  registerIncidentRoutes(app, deps.incidents);
  registerPlanRoutes(app, deps.incidents);
  if (deps.notifications) registerNotificationRoutes(app, deps.notifications);
  if (deps.evidence) registerEvidenceRoutes(app, deps.evidence, deps.incidents);
  registerAlertRoutes(app, deps.incidents, { evidence: deps.evidence, ...deps.alerts, metrics: deps.metrics });
  return app;
}

export function requireIdentity(request: FastifyRequest): Identity {
  if (!request.identity) throw unauthorized();
  return request.identity;
}
