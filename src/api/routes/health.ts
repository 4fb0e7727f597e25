/**
 * Liveness, readiness (checks Temporal) and Prometheus metrics: unauthenticated for
 * orchestrators and scrapers; they carry counts only, never incident content or secrets.
 */
import type { FastifyInstance } from 'fastify';
import type { ApiMetrics } from '../../observability/metrics';

export function registerHealthRoutes(app: FastifyInstance, ready: () => Promise<boolean>, metrics?: ApiMetrics): void {
  app.get('/healthz', async () => ({ ok: true }));
  app.get('/readyz', async (_req, reply) => {
    const ok = await ready().catch(() => false);
    return reply.status(ok ? 200 : 503).send({ ok });
  });
  if (metrics) {
    app.get('/metrics', async (_req, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
  }
}
