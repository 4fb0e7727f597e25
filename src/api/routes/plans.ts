/**
 * Plans: what a runbook would do for an alert, computed against the live fleet, changing nothing.
 * GET /v1/plans/:id — a plan workflow's result (every AWS call with its arguments, every gate with
 * who it would wait for); `?waitSeconds=` (≤ 30) waits for one still running.
 * POST /v1/plans — an operator's plan of an alert payload (`{ source, alert }`, read by the same
 * normaliser as the alert door), with the runbook a live incident would pin or with a runbook
 * file's text (`runbook`, not necessarily installed: `cordon runbooks plan FILE --alert FILE`)
 * and its `inputs`. The file is read by the loader's rules (a problem answers 400 with its
 * `runbook:line:col`); the answer says whether the runbook's `matches` accept the alert and which
 * installed runbook a live incident would pin instead.
 * Plans live in their own `plan-<uuid>` workflows, apart from incidents: nothing here signals,
 * starts or reads an incident.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { alertSources, normaliseAlert } from '../../alerts';
import { matchesAlert, pin, type RunbookLibrary } from '../../runbooks/runbook-library';
import { MAX_RUNBOOK_BYTES, parseRunbook } from '../../runbooks/load-runbook';
import { checkInputs } from '../../runbooks/run-inputs';
import type { PinnedRunbook, RunbookMatch } from '../../domain/runbook-definition';
import { severityRank } from '../../domain/incident';
import type { Requester } from '../../domain/provenance';
import type { SourceTrust } from '../../policy/source-trust';
import type { IncidentService } from '../../temporal/incident-service';
import { incidentIdFor } from '../../temporal/incident-id';
import { operator } from '../auth/role-guard';
import { badRequest, notFound, unavailable, unprocessable } from '../errors';
import { judgedAlert } from './alert-origin';
import { startPlans } from './alerts';
import { refusedRunbook } from './runbook-refusal';

const params = z.object({ id: z.string().regex(/^plan-[0-9a-f-]{36}$/, 'not a plan id (plan-<uuid>)') });
const querystring = z.object({ waitSeconds: z.coerce.number().min(0).max(30).optional() }).strict();
const planBody = z
  .object({
    source: z.enum(alertSources),
    alert: z.unknown().refine((v) => v !== undefined, 'expected the alert payload'),
    runbook: z.string().min(1).max(MAX_RUNBOOK_BYTES).optional(),
    inputs: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export interface PlanRouteOptions {
  incidents: IncidentService;
  /** With it, POST /v1/plans exists. */
  request?: {
    library?: RunbookLibrary;
    defaults: { account: string; region: string };
    alertmanagerInstanceLabel?: string;
    trust: SourceTrust;
    maxInstancesPerPayload: number;
  };
}

export const planRoutes: FastifyPluginAsyncZod<PlanRouteOptions> = async (app, { incidents, request: door }) => {
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
  if (!door) return;

  app.post(
    '/plans',
    {
      config: { roles: ['responder'], refusal: 'may not request plans' },
      schema: { body: planBody },
      bodyLimit: MAX_RUNBOOK_BYTES + 512 * 1024,
    },
    async (request, reply) => {
      const { source, alert, runbook: text, inputs } = request.body;
      let given: { pinned: PinnedRunbook; matches: RunbookMatch } | undefined;
      if (text !== undefined) {
        const loaded = parseRunbook(text, 'runbook');
        if (!loaded.ok)
          throw badRequest(
            'the runbook does not load',
            loaded.problems.map((p) => ({ path: `runbook:${p.line}:${p.col}`, message: p.message })),
          );
        const checked = checkInputs(loaded.runbook.definition, inputs, { manual: false });
        if (!checked.ok) throw badRequest(`invalid inputs for ${loaded.runbook.definition.name}`, checked.issues);
        given = { pinned: pin(loaded.runbook, checked.inputs), matches: loaded.runbook.definition.matches };
      } else if (inputs !== undefined) {
        throw badRequest('inputs go with a runbook', [{ path: 'inputs', message: 'give runbook (the file’s text) with inputs' }]);
      }

      const result = normaliseAlert(source, alert, {
        defaults: { ...door.defaults, now: new Date() },
        instanceLabel: door.alertmanagerInstanceLabel,
      });
      if (!result.ok) {
        if (result.kind === 'invalid')
          throw badRequest(
            `invalid ${source} alert`,
            result.issues.map((i) => ({ ...i, path: `alert.${i.path}` })),
          );
        if (result.kind === 'not-an-instance')
          throw unprocessable(
            `accuses no EC2 instance or IAM access key: ${result.reason}`,
            result.skipped.map((s) => ({ path: `alert.${s.path}`, message: s.reason })),
          );
        throw badRequest(`not an alert: ${result.reason}`, [{ path: 'alert', message: result.reason }]);
      }
      const accused = new Set(result.alerts.map((a) => incidentIdFor(a.resource)));
      if (accused.size > door.maxInstancesPerPayload)
        throw unprocessable(
          `one alert payload may accuse at most ${door.maxInstancesPerPayload} instances; this one accuses ${accused.size}`,
          [{ path: 'alert', message: `${accused.size} distinct instances` }],
        );

      // Judged as its source would be (severity ceiling, no auto gate under it), planned in the operator's name.
      const requester: Requester = { kind: 'operator', name: operator(request).name };
      const asSource: Requester = { kind: 'source', source, name: requester.name };
      const receivedAt = new Date().toISOString();
      const judged = result.alerts.map((a) => ({ resource: a.resource, ...judgedAlert(a, receivedAt, asSource, door.trust) }));
      const underCeiling = door.trust.ceilings[source] !== undefined;
      // A resource kind no loaded runbook answers (and no file given) is refused before anything starts.
      const unrunnable = given
        ? undefined
        : judged.map((j) => incidents.runbookRefusal(j.resource, [j.alert])).find((r) => r !== undefined);
      if (unrunnable) throw unprocessable(unrunnable, [{ path: 'alert', message: unrunnable }]);
      const plans = await startPlans(incidents, judged, { requestedBy: requester, underCeiling }, given?.pinned).catch((err: unknown) => {
        const refused = refusedRunbook(request, err);
        if (refused) throw refused;
        request.log.error({ err }, 'could not start a plan in Temporal');
        throw unavailable('could not start the plan; retry');
      });
      const first = judged[0]!.alert;
      const severity = judged.map((j) => j.alert.severity).reduce((a, b) => (severityRank[b] > severityRank[a] ? b : a));
      const pinnedInstead = door.library?.choose([first], severity);
      return reply.status(202).send({
        mode: 'plan',
        plans,
        skipped: result.skipped,
        ...(given
          ? {
              runbook: {
                name: given.pinned.name,
                version: given.pinned.version,
                sha256: given.pinned.sha256,
                inputs: given.pinned.inputs,
                matches: matchesAlert(given.matches, first, severity),
              },
            }
          : {}),
        ...(pinnedInstead ? { installed: { name: pinnedInstead.definition.name, version: pinnedInstead.definition.version } } : {}),
      });
    },
  );
};
