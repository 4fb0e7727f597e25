/**
 * GET /v1/plans/:id — what a plan-mode alert would have done: the plan workflow's result (every
 * AWS call with its arguments, every gate with who it would wait for). Read-only; plans live in
 * their own `plan-<uuid>` workflows, apart from incidents. `?waitSeconds=` (≤ 30) waits for a
 * plan still running.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { IncidentService } from '../../temporal/incident-service';
import { hasRole } from '../auth/operators';
import { badRequest, forbidden, notFound, zodIssues } from '../errors';
import { requireIdentity } from '../server';

const params = z.object({ id: z.string().regex(/^plan-[0-9a-f-]{36}$/, 'not a plan id (plan-<uuid>)') });
const query = z.object({ waitSeconds: z.coerce.number().min(0).max(30).optional() }).strict();

export function registerPlanRoutes(app: FastifyInstance, incidents: IncidentService): void {
  app.get('/v1/plans/:id', async (request) => {
    const identity = requireIdentity(request);
    if (!hasRole(identity, 'responder', 'approver', 'dpo', 'auditor')) throw forbidden(`${identity.name} may not read plans`);
    const p = params.safeParse(request.params);
    if (!p.success) throw badRequest('invalid path', zodIssues(p.error));
    const q = query.safeParse(request.query);
    if (!q.success) throw badRequest('invalid query string', zodIssues(q.error));
    const plan = await incidents.getPlan(p.data.id, (q.data.waitSeconds ?? 0) * 1000);
    if (!plan) throw notFound(`no plan ${p.data.id}`);
    return plan;
  });
}
