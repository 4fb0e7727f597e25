/**
 * GET /v1/plans/:id — what a plan-mode alert would have done: the plan workflow's result (every
 * AWS call with its arguments, every gate with who it would wait for). Read-only; plans live in
 * their own `plan-<uuid>` workflows, apart from incidents. `?waitSeconds=` (≤ 30) waits for a
 * plan still running.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { IncidentService } from '../../temporal/incident-service';
import { notFound } from '../errors';

const params = z.object({ id: z.string().regex(/^plan-[0-9a-f-]{36}$/, 'not a plan id (plan-<uuid>)') });
const querystring = z.object({ waitSeconds: z.coerce.number().min(0).max(30).optional() }).strict();

export const planRoutes: FastifyPluginAsyncZod<{ incidents: IncidentService }> = async (app, { incidents }) => {
  app.get(
    '/plans/:id',
    {
      config: { roles: ['responder', 'approver', 'dpo', 'auditor'], refusal: 'may not read plans' },
      schema: { params, querystring },
    },
    async (request) => {
      const plan = await incidents.getPlan(request.params.id, (request.query.waitSeconds ?? 0) * 1000);
      if (!plan) throw notFound(`no plan ${request.params.id}`);
      return plan;
    },
  );
};
