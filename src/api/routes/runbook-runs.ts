/**
 * POST /v1/runbooks/:name/runs — an operator starts a runbook by hand on one target
 * (`cordon run NAME --target kind:id --input k=v …`). Checked in order, each refusal naming its
 * field and starting nothing: the runbook exists (404); the target is of the runbook's resource
 * kind and a well-formed id (422 `target.kind` / 400 `target.id`); the severity is one the runbook
 * answers (422 `severity`); the inputs are declared and typed (400 `inputs.<name>`), and none that
 * decides a gate differs from its default (403 `inputs.<name>`); the runbook's variants do not
 * overlap for these facts (422); the target has no open incident (409).
 * Bounds (README "Runbooks as data"): the requester is the token's operator, never a value from
 * the body, so four-eyes refuses their approval of the run's gates; the severity (default medium)
 * picks the severity policy for the gates the runbook leaves to it, as for an operator's alert;
 * inputs never remove or weaken a gate. The incident records provenance `manual` with the
 * operator, the reason and the pinned runbook (name, version, sha256, inputs).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IncidentAlreadyOpen, type IncidentService } from '../../temporal/incident-service';
import type { RunbookLibrary } from '../../runbooks/runbook-library';
import { pin } from '../../runbooks/runbook-library';
import { checkInputs } from '../../runbooks/run-inputs';
import { targetKinds, isTargetKind } from '../../runbooks/run-target';
import { operator } from '../auth/role-guard';
import { badRequest, conflict, HttpError, notFound, unavailable, unprocessable } from '../errors';
import { refusedRunbook } from './runbook-refusal';
import { runbookParams } from './runbooks';

const runBody = z
  .object({
    target: z
      .object({
        kind: z.string().min(1).max(64),
        id: z.string().min(1).max(256),
        account: z
          .string()
          .regex(/^\d{12}$/, 'expected a 12-digit AWS account id')
          .optional(),
        region: z
          .string()
          .regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, 'expected an AWS region name (e.g. eu-west-1)')
          .optional(),
      })
      .strict(),
    inputs: z.record(z.string(), z.unknown()).optional(),
    severity: z.enum(['low', 'medium', 'high', 'critical']).default('medium'),
    reason: z.string().trim().min(1).max(2000),
  })
  .strict();

export interface RunbookRunOptions {
  library: RunbookLibrary;
  incidents: IncidentService;
  /** Account and region of a target that names neither (the alert door's defaults). */
  defaults: { account: string; region: string };
}

export const runbookRunRoutes: FastifyPluginAsyncZod<RunbookRunOptions> = async (app, { library, incidents, defaults }) => {
  app.post(
    '/runbooks/:name/runs',
    { config: { roles: ['responder'], refusal: 'may not start runbooks by hand' }, schema: { params: runbookParams, body: runBody } },
    async (request, reply) => {
      const entry = library.get(request.params.name);
      if (!entry) throw notFound(`no runbook ${request.params.name}`);
      const def = entry.definition;
      const { target, severity, reason } = request.body;
      const kind = def.matches.resourceKind;
      if (target.kind !== kind || !isTargetKind(kind))
        throw unprocessable(`runbook ${def.name} acts on ${kind}, not ${target.kind}`, [
          { path: 'target.kind', message: `expected ${kind}` },
        ]);
      const shape = targetKinds[kind];
      if (!shape.id.test(target.id))
        throw badRequest(`not an ${kind} id: ${target.id}`, [{ path: 'target.id', message: `expected an id like ${shape.example}` }]);
      if (def.matches.severities && !def.matches.severities.includes(severity))
        throw unprocessable(`runbook ${def.name} answers ${def.matches.severities.join(', ')} only, not ${severity}`, [
          { path: 'severity', message: `expected one of ${def.matches.severities.join(', ')}` },
        ]);
      const inputs = checkInputs(def, request.body.inputs, { manual: true });
      if (!inputs.ok)
        throw inputs.kind === 'invalid'
          ? badRequest(`invalid inputs for ${def.name}`, inputs.issues)
          : new HttpError('Forbidden', `a manual run may not set an input that decides a gate of ${def.name}`, inputs.issues);

      const resource = shape.resource(target.id, { account: target.account ?? defaults.account, region: target.region ?? defaults.region });
      const runbook = pin(entry, inputs.inputs);
      let incidentId: string;
      try {
        incidentId = await incidents.startManual(resource, runbook, { operator: operator(request).name, reason, severity });
      } catch (err) {
        if (err instanceof IncidentAlreadyOpen) throw conflict(err.message);
        const refused = refusedRunbook(request, err);
        if (refused) throw refused;
        request.log.error({ err }, 'could not start a manual run in Temporal');
        throw unavailable('could not start the run; retry');
      }
      return reply.status(202).send({
        incidentId,
        runbook: { name: runbook.name, version: runbook.version, sha256: runbook.sha256 },
        inputs: runbook.inputs,
        severity,
        target: { kind, id: target.id, account: resource.account, region: resource.region },
      });
    },
  );
};
