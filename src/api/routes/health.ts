/**
 * Liveness, readiness (checks Temporal) and Prometheus metrics: public, for orchestrators and
 * scrapers; they carry counts only, never incident content or secrets.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ApiMetrics } from '../../observability/metrics';

export const healthRoutes: FastifyPluginAsyncZod<{ ready: () => Promise<boolean>; metrics?: ApiMetrics }> = async (
  app,
  { ready, metrics },
) => {
  app.get('/healthz', { config: { public: true } }, async () => ({ ok: true }));
  app.get('/readyz', { config: { public: true } }, async (_req, reply) => {
    const ok = await ready().catch(() => false);
    return reply.status(ok ? 200 : 503).send({ ok });
  });
  if (metrics) {
    app.get('/metrics', { config: { public: true } }, async (_req, reply) =>
      reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
    );
  }
};
