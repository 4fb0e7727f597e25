/**
 * Breach notification: the entity profile (any operator), an incident's clocks and draft, every
 * open deadline, and the decisions (submissions, awareness, anchor events, classifications,
 * law-enforcement delays, risk assessments, "not required"), which go to the breach workflow as
 * updates. Roles are checked here for a clear 403 and again by the update validators, which also
 * answer refusals the API cannot see (late without reasons or an instant in the future → 400; an
 * unknown or closed obligation, an anchor or classification this breach does not use or one
 * already recorded, a delay the law does not provide for → 409).
 */
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ANCHOR_EVENT_NAMES, ANCHOR_EVENTS } from '../../regulatory/anchors';
import type { AnchorEvent, ClassificationKind } from '../../regulatory/types';
import { isIncidentId } from '../../temporal/incident-id';
import { anchorRoles } from '../../../workflows/regulator-notification/anchors';
import { CLASSIFICATION_KINDS, CLASSIFICATIONS } from '../../../workflows/regulator-notification/classify';
import type { NotificationService } from '../../temporal/regulator-notification-service';
import { hasRole, type Role } from '../auth/operators';
import { badRequest, forbidden, fromFailureType, notFound, zodIssues } from '../errors';
import { requireIdentity } from '../server';

const idParams = z.object({ id: z.string().refine(isIncidentId, 'not an incident id (inc-<account>-<region>-<instance>)') });
const instant = z.iso.datetime({ offset: true });
const submissionBody = z.object({
  obligationId: z.string().trim().min(1),
  reference: z.string().trim().min(1).max(200),
  phase: z.enum(['initial', 'follow-up', 'final', 'progress']).default('initial'),
  submittedAt: instant.optional(),
  reasonsForDelay: z.string().trim().min(1).max(4000).optional(),
}).strict();
const awarenessBody = z.object({ awareAt: instant, reason: z.string().trim().min(1).max(4000) }).strict();
const notRequiredBody = z.object({
  reasoning: z.string().trim().min(20, 'give the risk-assessment reasoning (at least 20 characters)').max(8000),
  risk: z.enum(['unlikely', 'risk', 'high']).default('unlikely'),
  obligationIds: z.array(z.string().trim().min(1)).optional(),
}).strict();

const RECORDABLE = ANCHOR_EVENT_NAMES.filter((a) => ANCHOR_EVENTS[a].recordable) as [AnchorEvent, ...AnchorEvent[]];
const anchorBody = z.object({
  anchor: z.enum(RECORDABLE, { message: `one of ${RECORDABLE.join(', ')} (awareness has its own route)` }),
  at: instant,
  reason: z.string().trim().min(1).max(4000),
}).strict();
const riskBody = z.object({
  level: z.enum(['low', 'medium', 'high']),
  reasoning: z.string().trim().min(20, 'give the risk-assessment reasoning (at least 20 characters)').max(8000),
}).strict();

const classificationBody = z.object({
  kind: z.enum(CLASSIFICATION_KINDS as [ClassificationKind, ...ClassificationKind[]], { message: `one of ${CLASSIFICATION_KINDS.join(', ')}` }),
  outcome: z.enum(['yes', 'no']).default('yes'),
  at: instant,
  awareAt: instant.optional(),
  reason: z.string().trim().min(1).max(4000),
}).strict();
const delayBody = z.object({
  obligationIds: z.array(z.string().trim().min(1)).min(1),
  basis: z.enum(['written', 'oral']),
  agency: z.string().trim().min(1).max(200),
  official: z.string().trim().min(1).max(200),
  from: instant,
  until: instant,
  reason: z.string().trim().min(1).max(4000),
}).strict();
const endDelayParams = z.object({ id: idParams.shape.id, delayId: z.string().regex(/^delay-\d+$/, 'a delay id (delay-<n>)') });
const endDelayBody = z.object({ at: instant.optional(), reason: z.string().trim().min(1).max(4000) }).strict();

function parse<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw badRequest(`invalid ${where}`, zodIssues(parsed.error));
  return parsed.data;
}

async function viaUpdate<T>(id: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw notFound(`incident ${id} has no breach notification running`);
    const cause = err instanceof WorkflowUpdateFailedError ? err.cause : undefined;
    if (cause instanceof ApplicationFailure) throw fromFailureType(cause.type, cause.message) ?? err;
    throw err;
  }
}

export function registerNotificationRoutes(app: FastifyInstance, notifications: NotificationService): void {
  const allowed = (request: Parameters<typeof requireIdentity>[0], what: string, ...roles: Role[]) => {
    const identity = requireIdentity(request);
    if (!hasRole(identity, ...roles)) throw forbidden(`${identity.name} may not ${what} (${roles.join(' or ')} role)`);
    return identity;
  };

  app.get('/v1/profile', async (request) => {
    requireIdentity(request);
    return notifications.profile();
  });

  app.get('/v1/incidents/:id/notification', async (request) => {
    requireIdentity(request);
    const { id } = parse(idParams, request.params, 'path');
    const found = await notifications.get(id);
    if (!found) throw notFound(`incident ${id} has no breach notification`);
    return { incidentId: id, ...found.state, draft: found.draft };
  });

  app.get('/v1/deadlines', async (request) => {
    requireIdentity(request);
    return { now: new Date().toISOString(), deadlines: await notifications.deadlines() };
  });

  app.post('/v1/incidents/:id/notification/submissions', async (request) => {
    const operator = allowed(request, 'record submissions', 'dpo');
    const { id } = parse(idParams, request.params, 'path');
    const body = parse(submissionBody, request.body, 'body');
    return viaUpdate(id, () => notifications.submit(id, { ...body, submittedAt: body.submittedAt ?? new Date().toISOString(), operator }));
  });

  app.post('/v1/incidents/:id/notification/awareness', async (request) => {
    const operator = allowed(request, 'set awareness', 'dpo', 'approver');
    const { id } = parse(idParams, request.params, 'path');
    const body = parse(awarenessBody, request.body, 'body');
    return viaUpdate(id, () => notifications.setAwareness(id, { ...body, operator }));
  });

  app.post('/v1/incidents/:id/notification/events', async (request) => {
    const operator = allowed(request, 'record anchor events', 'dpo', 'approver');
    const { id } = parse(idParams, request.params, 'path');
    const body = parse(anchorBody, request.body, 'body');
    const roles = anchorRoles(body.anchor);
    if (!hasRole(operator, ...roles)) throw forbidden(`${operator.name} may not record ${body.anchor} (${roles.join(' or ')} role)`);
    return viaUpdate(id, () => notifications.recordAnchor(id, { ...body, operator }));
  });

  app.post('/v1/incidents/:id/notification/classifications', async (request) => {
    const operator = allowed(request, 'classify incidents', 'dpo', 'approver');
    const { id } = parse(idParams, request.params, 'path');
    const body = parse(classificationBody, request.body, 'body');
    const roles = CLASSIFICATIONS[body.kind].roles;
    if (!hasRole(operator, ...roles)) throw forbidden(`${operator.name} may not classify ${body.kind} (${roles.join(' or ')} role)`);
    return viaUpdate(id, () => notifications.classify(id, { ...body, operator }));
  });

  app.post('/v1/incidents/:id/notification/delays', async (request) => {
    const operator = allowed(request, 'record a law-enforcement delay', 'dpo');
    const { id } = parse(idParams, request.params, 'path');
    const body = parse(delayBody, request.body, 'body');
    return viaUpdate(id, () => notifications.startDelay(id, { ...body, operator }));
  });

  app.post('/v1/incidents/:id/notification/delays/:delayId/end', async (request) => {
    const operator = allowed(request, 'end a law-enforcement delay', 'dpo');
    const { id, delayId } = parse(endDelayParams, request.params, 'path');
    const body = parse(endDelayBody, request.body, 'body');
    return viaUpdate(id, () => notifications.endDelay(id, { delayId, at: body.at ?? new Date().toISOString(), reason: body.reason, operator }));
  });

  app.post('/v1/incidents/:id/notification/risk', async (request) => {
    const operator = allowed(request, 'assess the risk of a breach', 'dpo');
    const { id } = parse(idParams, request.params, 'path');
    const body = parse(riskBody, request.body, 'body');
    return viaUpdate(id, () => notifications.assessRisk(id, { ...body, operator }));
  });

  app.post('/v1/incidents/:id/notification/not-required', async (request) => {
    const operator = allowed(request, 'declare a notification not required', 'dpo');
    const { id } = parse(idParams, request.params, 'path');
    const body = parse(notRequiredBody, request.body, 'body');
    return viaUpdate(id, () => notifications.declareNotRequired(id, { ...body, operator }));
  });
}
