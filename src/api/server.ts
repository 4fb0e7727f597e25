/**
 * The HTTP API (Fastify): every /v1 route authenticated by bearer token, errors in one
 * envelope, bodies limited in size. Routes live one resource per file in ./routes, each an
 * encapsulated plugin under /v1 whose params, query and body are zod schemas (the type
 * provider validates them; a bad value is a 400 naming its path), and each route declares who
 * may call it (auth/role-guard.ts: an undeclared route stops the API from starting).
 * Invariants: every answer that is not a route's own is the envelope too — Node's HTTP parser
 * refusals through `clientErrorHandler`, Fastify's router errors (bad %-escape, over-long path
 * segment) through `frameworkErrors`, the rest through the error and not-found handlers — and
 * a 5xx means Cordon failed, never that the request was bad. An address that keeps failing
 * authentication is throttled before any credential work (auth/unauthenticated-rate-limit.ts).
 */
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import type { EvidenceStore } from '../evidence/store';
import type { ApiMetrics } from '../observability/metrics';
import type { IncidentService } from '../temporal/incident-service';
import type { NotificationService } from '../temporal/regulator-notification-service';
import type { OperatorDirectory } from './auth/operators';
import { installRoleGuard } from './auth/role-guard';
import { unauthenticatedLimiter } from './auth/unauthenticated-rate-limit';
import { isTemporalUnreachable } from '../temporal/call-deadline';
import { fromFastifyError, HttpError, notFound, sendError, unauthorized, unavailable, writeClientError } from './errors';
import { alertRoutes, ingestDefaults, type AlertRouteOptions } from './routes/alerts';
import { registerConditionalGet } from './routes/conditional-get';
import { consoleRoutes } from './routes/console';
import { evidenceRoutes } from './routes/evidence';
import { healthRoutes } from './routes/health';
import { incidentRoutes } from './routes/incidents';
import { meRoutes } from './routes/me';
import { planRoutes } from './routes/plans';
import { notificationRoutes } from './routes/regulator-notifications';
import { runbookRoutes } from './routes/runbooks';
import { runbookRunRoutes } from './routes/runbook-runs';
import type { RunbookLibrary } from '../runbooks/runbook-library';

export interface ApiDeps {
  incidents: IncidentService;
  /** Breach-notification clocks and decisions; its routes exist only when given. */
  notifications?: NotificationService;
  /** The runbooks read at start; their routes exist only when given. */
  runbooks?: RunbookLibrary;
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

const newRequestId = (): string => `req_${Math.random().toString(36).slice(2, 12)}`;

/** The API with every route registered; throws when a route declares no roles (auth/role-guard.ts). */
export async function buildApi(deps: ApiDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger:
      deps.logLevel && deps.logLevel !== 'silent'
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
    const mapped = err instanceof HttpError ? err : isTemporalUnreachable(err) ? unavailable() : fromFastifyError(err as never);
    if (mapped.status >= 500) request.log.error({ err }, 'request failed');
    if (mapped.status === 401 && request.url.startsWith('/v1/')) await failedAuth.countFailure(request);
    return sendError(reply, request, mapped);
  });
  app.setNotFoundHandler((request, reply) => sendError(reply, request, notFound(`no route ${request.method} ${request.url}`)));

  // Authenticate every /v1 call before its handler runs; without a valid token, an address out
  // of failed attempts is refused before the alert route's HMAC/SNS checks. Only a route
  // declared public (alert ingestion) is reached without one.
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
    if (!request.routeOptions.config.public) throw unauthorized();
  });
  installRoleGuard(app);
  app.setValidatorCompiler(validatorCompiler);

  registerConditionalGet(app);
  await app.register(healthRoutes, { ready: deps.ready, metrics: deps.metrics });
  await app.register(consoleRoutes);
  const v1 = { prefix: '/v1' };
  await app.register(meRoutes, v1);
  await app.register(incidentRoutes, { ...v1, incidents: deps.incidents });
  await app.register(planRoutes, {
    ...v1,
    incidents: deps.incidents,
    request: {
      library: deps.runbooks,
      defaults: deps.alerts.defaults,
      alertmanagerInstanceLabel: deps.alerts.alertmanagerInstanceLabel,
      trust: deps.alerts.trust ?? ingestDefaults.trust,
      maxInstancesPerPayload: deps.alerts.maxInstancesPerPayload ?? ingestDefaults.maxInstancesPerPayload,
    },
  });
  if (deps.runbooks) {
    await app.register(runbookRoutes, { ...v1, library: deps.runbooks });
    await app.register(runbookRunRoutes, { ...v1, library: deps.runbooks, incidents: deps.incidents, defaults: deps.alerts.defaults });
  }
  if (deps.notifications) await app.register(notificationRoutes, { ...v1, notifications: deps.notifications });
  if (deps.evidence) await app.register(evidenceRoutes, { ...v1, store: deps.evidence, incidents: deps.incidents });
  await app.register(alertRoutes, {
    ...v1,
    incidents: deps.incidents,
    options: { evidence: deps.evidence, ...deps.alerts, metrics: deps.metrics },
  });
  return app;
}
