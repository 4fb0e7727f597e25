/** Incidents: list, read, decide a gated step, close. Decisions go to the workflow as updates. */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { IncidentService } from '../../temporal/incident-service';
import { isIncidentId } from '../../temporal/incident-id';
import { hasRole } from '../auth/operators';
import { badRequest, forbidden, fromFailureType, notFound, zodIssues } from '../errors';
import { requireIdentity } from '../server';

const idParams = z.object({ id: z.string().refine(isIncidentId, 'not an incident id (inc-<account>-<region>-<instance>)') });
const decisionBody = z.object({ step: z.string().min(1), decision: z.enum(['approve', 'reject']), reason: z.string().trim().min(1) }).strict();
const closeBody = z.object({ reason: z.string().trim().min(1) }).strict();

function parse<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw badRequest(`invalid ${where}`, zodIssues(parsed.error));
  return parsed.data;
}

/** Turns an update's validator refusal into the matching HTTP error. */
async function viaUpdate<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const cause = err instanceof WorkflowUpdateFailedError ? err.cause : undefined;
    if (cause instanceof ApplicationFailure) throw fromFailureType(cause.type, cause.message) ?? err;
    throw err;
  }
}

export function registerIncidentRoutes(app: FastifyInstance, incidents: IncidentService): void {
  app.get('/v1/incidents', async (request) => {
    requireIdentity(request);
    return { incidents: await incidents.list() };
  });

  app.get('/v1/incidents/:id', async (request) => {
    requireIdentity(request);
    const { id } = parse(idParams, request.params, 'path');
    const snapshot = await incidents.get(id);
    if (!snapshot) throw notFound(`no incident ${id}`);
    return snapshot;
  });

  app.post('/v1/incidents/:id/decisions', async (request) => {
    const identity = requireIdentity(request);
    if (!hasRole(identity, 'approver', 'dpo')) throw forbidden(`${identity.name} has no approver role`);
    const { id } = parse(idParams, request.params, 'path');
    const body = parse(decisionBody, request.body, 'body');
    if (!(await incidents.get(id))) throw notFound(`no incident ${id}`);
    return viaUpdate(() => incidents.decide(id, { ...body, operator: identity }));
  });

  app.post('/v1/incidents/:id/close', async (request) => {
    const identity = requireIdentity(request);
    const { id } = parse(idParams, request.params, 'path');
    const body = parse(closeBody, request.body, 'body');
    if (!(await incidents.get(id))) throw notFound(`no incident ${id}`);
    return viaUpdate(() => incidents.close(id, identity, body.reason));
  });
}
