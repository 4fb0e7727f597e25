/**
 * The HTTP API (Fastify): every /v1 route authenticated by bearer token, errors in one
 * envelope, bodies limited in size. Routes live one resource per file in ./routes.
 */
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { ApiMetrics } from '../observability/metrics';
import type { IncidentService } from '../temporal/incident-service';
import type { Identity, OperatorDirectory } from './auth/operators';
import { fromFastifyError, HttpError, sendError, unauthorized } from './errors';
import { registerAlertRoutes, type AlertRouteOptions } from './routes/alerts';
import { registerConsoleRoutes } from './routes/console';
import { registerEvidenceRoutes } from './routes/evidence';
import type { EvidenceStore } from '../evidence/store';
import { registerHealthRoutes } from './routes/health';
import { registerIncidentRoutes } from './routes/incidents';
import { registerNotificationRoutes } from './routes/notifications';
import type { NotificationService } from '../temporal/notification-service';

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
}

declare module 'fastify' {
  interface FastifyRequest { identity?: Identity }
}

export async function buildApi(deps: ApiDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logLevel && deps.logLevel !== 'silent'
      ? { level: deps.logLevel, redact: ['req.headers.authorization', 'req.headers["x-cordon-signature"]'] }
      : false,
    bodyLimit: deps.bodyLimitBytes ?? 256 * 1024,
    genReqId: () => `req_${Math.random().toString(36).slice(2, 12)}`,
  });

  app.setErrorHandler((err, request, reply) => {
    const mapped = err instanceof HttpError ? err : fromFastifyError(err as never);
    if (mapped.status >= 500) request.log.error({ err }, 'request failed');
    return sendError(reply, request, mapped);
  });
  app.setNotFoundHandler((request, reply) => sendError(reply, request, new HttpError(404, 'not_found', `no route ${request.method} ${request.url}`)));

  // Authenticate every /v1 call before its handler runs.
  app.addHook('onRequest', async (request: FastifyRequest) => {
    if (!request.url.startsWith('/v1/')) return;
    const header = request.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    const identity = token ? deps.operators.identify(token) : undefined;
    if (identity) request.identity = identity;
    else if (!request.url.startsWith('/v1/alerts/')) throw unauthorized();
  });

  registerHealthRoutes(app, deps.ready, deps.metrics);
  registerConsoleRoutes(app);
  registerIncidentRoutes(app, deps.incidents);
  if (deps.notifications) registerNotificationRoutes(app, deps.notifications);
  if (deps.evidence) registerEvidenceRoutes(app, deps.evidence);
  registerAlertRoutes(app, deps.incidents, { evidence: deps.evidence, ...deps.alerts, metrics: deps.metrics });
  return app;
}

export function requireIdentity(request: FastifyRequest): Identity {
  if (!request.identity) throw unauthorized();
  return request.identity;
}
