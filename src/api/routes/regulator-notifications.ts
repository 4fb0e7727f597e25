/**
 * Breach notification: the entity profile (any operator), an incident's clocks and draft, every
 * open deadline, and the decisions (submissions, awareness, anchor events, classifications,
 * law-enforcement delays, risk assessments, "not required"), which go to the breach workflow as
 * updates. Roles are checked at the door (each route's declaration) and, where they depend on
 * the body, here, for a clear 403; and again by the update validators, which also
 * answer refusals the API cannot see (late without reasons or an instant in the future → 400; an
 * unknown or closed obligation, an anchor or classification this breach does not use or one
 * already recorded, a delay the law does not provide for → 409).
 */
import type { FastifyContextConfig } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ANCHOR_EVENT_NAMES, ANCHOR_EVENTS } from '../../regulatory/anchors';
import type { AnchorEvent, ClassificationKind } from '../../regulatory/types';
import { anchorRoles } from '../../../workflows/regulator-notification/anchors';
import { CLASSIFICATION_KINDS, CLASSIFICATIONS } from '../../../workflows/regulator-notification/classify';
import type { NotificationService } from '../../temporal/regulator-notification-service';
import { hasRole, type Role } from '../auth/operators';
import { anyOperator, operator } from '../auth/role-guard';
import { forbidden, notFound } from '../errors';
import { viaUpdate } from '../update-errors';
import { incidentParams } from './params';

const instant = z.iso.datetime({ offset: true });
const submissionBody = z
  .object({
    obligationId: z.string().trim().min(1),
    reference: z.string().trim().min(1).max(200),
    phase: z.enum(['initial', 'follow-up', 'final', 'progress']).default('initial'),
    submittedAt: instant.optional(),
    reasonsForDelay: z.string().trim().min(1).max(4000).optional(),
  })
  .strict();
const awarenessBody = z.object({ awareAt: instant, reason: z.string().trim().min(1).max(4000) }).strict();
const notRequiredBody = z
  .object({
    reasoning: z.string().trim().min(20, 'give the risk-assessment reasoning (at least 20 characters)').max(8000),
    risk: z.enum(['unlikely', 'risk', 'high']).default('unlikely'),
    obligationIds: z.array(z.string().trim().min(1)).optional(),
  })
  .strict();

const RECORDABLE = ANCHOR_EVENT_NAMES.filter((a) => ANCHOR_EVENTS[a].recordable) as [AnchorEvent, ...AnchorEvent[]];
const anchorBody = z
  .object({
    anchor: z.enum(RECORDABLE, { message: `one of ${RECORDABLE.join(', ')} (awareness has its own route)` }),
    at: instant,
    reason: z.string().trim().min(1).max(4000),
  })
  .strict();
const riskBody = z
  .object({
    level: z.enum(['low', 'medium', 'high']),
    reasoning: z.string().trim().min(20, 'give the risk-assessment reasoning (at least 20 characters)').max(8000),
  })
  .strict();

const classificationBody = z
  .object({
    kind: z.enum(CLASSIFICATION_KINDS as [ClassificationKind, ...ClassificationKind[]], {
      message: `one of ${CLASSIFICATION_KINDS.join(', ')}`,
    }),
    outcome: z.enum(['yes', 'no']).default('yes'),
    at: instant,
    awareAt: instant.optional(),
    reason: z.string().trim().min(1).max(4000),
  })
  .strict();
const delayBody = z
  .object({
    obligationIds: z.array(z.string().trim().min(1)).min(1),
    basis: z.enum(['written', 'oral']),
    agency: z.string().trim().min(1).max(200),
    official: z.string().trim().min(1).max(200),
    from: instant,
    until: instant,
    reason: z.string().trim().min(1).max(4000),
  })
  .strict();
const endDelayParams = z.object({ id: incidentParams.shape.id, delayId: z.string().regex(/^delay-\d+$/, 'a delay id (delay-<n>)') });
const endDelayBody = z.object({ at: instant.optional(), reason: z.string().trim().min(1).max(4000) }).strict();

/** The door for a decision: its roles, and what a caller without them is told. */
const may = (what: string, ...roles: Role[]): FastifyContextConfig => ({ roles, refusal: `may not ${what} (${roles.join(' or ')} role)` });

export const notificationRoutes: FastifyPluginAsyncZod<{ notifications: NotificationService }> = async (app, { notifications }) => {
  const update = <T>(id: string, fn: () => Promise<T>) => viaUpdate(fn, { notFound: `incident ${id} has no breach notification running` });

  app.get('/profile', { config: { roles: anyOperator } }, async () => notifications.profile());

  app.get('/incidents/:id/notification', { config: { roles: anyOperator }, schema: { params: incidentParams } }, async (request) => {
    const { id } = request.params;
    const found = await notifications.get(id);
    if (!found) throw notFound(`incident ${id} has no breach notification`);
    return { incidentId: id, ...found.state, draft: found.draft };
  });

  app.get('/deadlines', { config: { roles: anyOperator } }, async () => ({
    now: new Date().toISOString(),
    deadlines: await notifications.deadlines(),
  }));

  app.post(
    '/incidents/:id/notification/submissions',
    {
      config: may('record submissions', 'dpo'),
      schema: { params: incidentParams, body: submissionBody },
    },
    async (request) => {
      const { id } = request.params;
      const body = request.body;
      return update(id, () =>
        notifications.submit(id, { ...body, submittedAt: body.submittedAt ?? new Date().toISOString(), operator: operator(request) }),
      );
    },
  );

  app.post(
    '/incidents/:id/notification/awareness',
    {
      config: may('set awareness', 'dpo', 'approver'),
      schema: { params: incidentParams, body: awarenessBody },
    },
    async (request) => {
      const { id } = request.params;
      return update(id, () => notifications.setAwareness(id, { ...request.body, operator: operator(request) }));
    },
  );

  app.post(
    '/incidents/:id/notification/events',
    {
      config: may('record anchor events', 'dpo', 'approver'),
      schema: { params: incidentParams, body: anchorBody },
    },
    async (request) => {
      const { id } = request.params;
      const who = operator(request);
      const roles = anchorRoles(request.body.anchor);
      if (!hasRole(who, ...roles)) throw forbidden(`${who.name} may not record ${request.body.anchor} (${roles.join(' or ')} role)`);
      return update(id, () => notifications.recordAnchor(id, { ...request.body, operator: who }));
    },
  );

  app.post(
    '/incidents/:id/notification/classifications',
    {
      config: may('classify incidents', 'dpo', 'approver'),
      schema: { params: incidentParams, body: classificationBody },
    },
    async (request) => {
      const { id } = request.params;
      const who = operator(request);
      const roles = CLASSIFICATIONS[request.body.kind].roles;
      if (!hasRole(who, ...roles)) throw forbidden(`${who.name} may not classify ${request.body.kind} (${roles.join(' or ')} role)`);
      return update(id, () => notifications.classify(id, { ...request.body, operator: who }));
    },
  );

  app.post(
    '/incidents/:id/notification/delays',
    {
      config: may('record a law-enforcement delay', 'dpo'),
      schema: { params: incidentParams, body: delayBody },
    },
    async (request) => {
      const { id } = request.params;
      return update(id, () => notifications.startDelay(id, { ...request.body, operator: operator(request) }));
    },
  );

  app.post(
    '/incidents/:id/notification/delays/:delayId/end',
    {
      config: may('end a law-enforcement delay', 'dpo'),
      schema: { params: endDelayParams, body: endDelayBody },
    },
    async (request) => {
      const { id, delayId } = request.params;
      const body = request.body;
      return update(id, () =>
        notifications.endDelay(id, { delayId, at: body.at ?? new Date().toISOString(), reason: body.reason, operator: operator(request) }),
      );
    },
  );

  app.post(
    '/incidents/:id/notification/risk',
    {
      config: may('assess the risk of a breach', 'dpo'),
      schema: { params: incidentParams, body: riskBody },
    },
    async (request) => {
      const { id } = request.params;
      return update(id, () => notifications.assessRisk(id, { ...request.body, operator: operator(request) }));
    },
  );

  app.post(
    '/incidents/:id/notification/not-required',
    {
      config: may('declare a notification not required', 'dpo'),
      schema: { params: incidentParams, body: notRequiredBody },
    },
    async (request) => {
      const { id } = request.params;
      return update(id, () => notifications.declareNotRequired(id, { ...request.body, operator: operator(request) }));
    },
  );
};
