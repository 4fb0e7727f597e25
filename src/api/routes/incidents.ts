/**
 * Incidents: list, read, read the runbook it pinned (the definition its first run was started
 * with, and who started it), decide a gated step, close. Decisions go to the workflow as updates.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { IncidentService } from '../../temporal/incident-service';
import { anyOperator, operator } from '../auth/role-guard';
import { notFound } from '../errors';
import { viaUpdate } from '../update-errors';
import { incidentParams } from './params';

const decisionBody = z
  .object({ step: z.string().min(1), decision: z.enum(['approve', 'reject']), reason: z.string().trim().min(1) })
  .strict();
const closeBody = z.object({ reason: z.string().trim().min(1) }).strict();

export const incidentRoutes: FastifyPluginAsyncZod<{ incidents: IncidentService }> = async (app, { incidents }) => {
  const exists = async (id: string) => {
    if (!(await incidents.get(id))) throw notFound(`no incident ${id}`);
  };

  app.get('/incidents', { config: { roles: anyOperator } }, async () => ({ incidents: await incidents.list() }));

  app.get('/incidents/:id', { config: { roles: anyOperator }, schema: { params: incidentParams } }, async (request) => {
    const snapshot = await incidents.get(request.params.id);
    if (!snapshot) throw notFound(`no incident ${request.params.id}`);
    return snapshot;
  });

  app.get('/incidents/:id/runbook', { config: { roles: anyOperator }, schema: { params: incidentParams } }, async (request) => {
    const pinned = await incidents.pinned(request.params.id);
    if (!pinned) throw notFound(`no incident ${request.params.id}`);
    return pinned;
  });

  app.post(
    '/incidents/:id/decisions',
    {
      config: { roles: ['approver', 'dpo'], refusal: 'has no approver role' },
      schema: { params: incidentParams, body: decisionBody },
    },
    async (request) => {
      const { id } = request.params;
      await exists(id);
      return viaUpdate(() => incidents.decide(id, { ...request.body, operator: operator(request) }));
    },
  );

  // The workflow's close validator holds the same roles.
  app.post(
    '/incidents/:id/close',
    {
      config: { roles: ['responder', 'approver'], refusal: 'may not close incidents' },
      schema: { params: incidentParams, body: closeBody },
    },
    async (request) => {
      const { id } = request.params;
      await exists(id);
      return viaUpdate(() => incidents.close(id, operator(request), request.body.reason));
    },
  );
};
