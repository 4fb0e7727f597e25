/**
 * POST /v1/alerts/:source — authenticate, normalise (zod, per source), then open or join the
 * incident of each accused instance. Answers 202 without waiting for the runbook.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { alertSources, normaliseAlert, type AlertSource } from '../../alerts';
import type { Alert } from '../../alerts/alert';
import type { IncidentAlert } from '../../domain/incident';
import type { ApiMetrics } from '../../observability/metrics';
import type { IncidentService } from '../../temporal/incident-service';
import { hasRole } from '../auth/operators';
import { badRequest, forbidden, notFound, unauthorized, unprocessable } from '../errors';

export interface AlertRouteOptions {
  defaults: { account: string; region: string };
  /** Label that carries the instance id in Alertmanager alerts. */
  alertmanagerInstanceLabel?: string;
  now?: () => Date;
  metrics?: ApiMetrics;
}

const query = z.object({ dryRun: z.enum(['true', 'false']).optional() }).strict();

export function toIncidentAlert(alert: Alert, receivedAt: string): IncidentAlert {
  return {
    source: alert.source, sourceId: alert.sourceId, dedupKey: alert.dedupKey, severity: alert.severity, title: alert.title,
    status: alert.status, firstSeen: alert.firstSeen, lastSeen: alert.lastSeen, receivedAt, indicators: alert.indicators,
  };
}

export function registerAlertRoutes(app: FastifyInstance, incidents: IncidentService, opts: AlertRouteOptions): void {
  const now = opts.now ?? (() => new Date());
  if (opts.metrics) {
    const counter = opts.metrics.alerts;
    app.addHook('onResponse', async (request, reply) => {
      const match = /^\/v1\/alerts\/([\w-]+)/.exec(request.url);
      if (!match || request.method !== 'POST') return;
      counter.inc({ source: match[1], outcome: reply.statusCode < 300 ? 'accepted' : `refused:${reply.statusCode}` });
    });
  }
  app.post<{ Params: { source: string } }>('/v1/alerts/:source', async (request, reply) => {
    const source = request.params.source;
    if (!(alertSources as readonly string[]).includes(source)) throw notFound(`unknown alert source "${source}"; known: ${alertSources.join(', ')}`);
    const identity = request.identity;
    if (!identity) throw unauthorized();
    if (!hasRole(identity, 'alert-source', 'responder')) throw forbidden(`${identity.name} may not submit alerts (needs alert-source)`);
    const q = query.safeParse(request.query);
    if (!q.success) throw badRequest('invalid query string', q.error.issues.map((i) => ({ path: `query.${i.path.join('.')}`, message: i.message })));

    const result = normaliseAlert(source as AlertSource, request.body, { defaults: opts.defaults, instanceLabel: opts.alertmanagerInstanceLabel });
    if (!result.ok) {
      if (result.kind === 'invalid') throw badRequest(`invalid ${source} alert`, result.issues);
      throw unprocessable(result.reason);
    }
    const receivedAt = now().toISOString();
    const accepted = [];
    for (const alert of result.alerts) {
      const incidentId = await incidents.openOrJoin(alert.resource, toIncidentAlert(alert, receivedAt), {
        dryRun: q.data.dryRun === 'true', openedBy: `${identity.name} (${source})`,
      });
      accepted.push({ incidentId, dedupKey: alert.dedupKey, instanceId: alert.resource.instanceId });
    }
    return reply.status(202).send({ accepted });
  });
}
