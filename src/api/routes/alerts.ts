/**
 * POST /v1/alerts/:source — the alert front door, in its own Fastify scope so the body stays
 * raw bytes (HMAC and SNS signatures cover exactly what was sent). Per request, in order:
 *   unknown source 404 → oversize 413 / wrong media type 415 (parser) → authenticate 401/403
 *   (preValidation, alert-auth.ts) → query string 400 (schema) → per-source rate limit 429
 *   (preHandler) → JSON and normalise 400 (field paths) / 422 (nothing accused is an
 *   instance) / 200 (SNS control message, INSUFFICIENT_DATA, repeated SNS delivery) → 422 when
 *   one payload accuses more instances than CORDON_ALERT_MAX_INSTANCES → provenance and source
 *   trust (alert-origin.ts: who sent it, severity capped at the source's ceiling) → plan mode
 *   (`?dryRun=true`): one `plan-<uuid>` workflow per instance, 202 with their ids, nothing
 *   else → 422 `runbook_conflict` when the runbook a live incident would pin cannot start for
 *   these alerts (its variants overlap) → keep the exact request bytes as evidence of each
 *   incident it accuses (alert-evidence.ts) → open or join 202.
 * Invariants: nothing reaches Temporal before authentication and validation have passed; 202
 * means every alert of the payload is in its incident's history (signal-with-start returned)
 * — the runbook itself is never awaited; an incident is per resource, so an alert for a
 * resource with an open incident joins it and repeats of one dedup key are tallied there;
 * when Temporal cannot be reached the answer is 503 and the sender's retry is not a replay; a
 * refused request (4xx) stores no evidence, and a failed evidence write never refuses an alert.
 */
import type { FastifyRequest, preValidationAsyncHookHandler } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isAlertSource, normaliseAlert, type AlertSource } from '../../alerts';
import type { Alert, AlertResource } from '../../alerts/alert';
import { AlertBatcher } from '../../alerts/alert-batcher';
import { AlertEvidence, type AlertEvidenceOptions } from '../../alerts/alert-evidence';
import { DEFAULT_WINDOW_SECONDS } from '../../alerts/auth-hmac';
import { confirmSnsSubscription, fetchSnsCertificate, type ConfirmSubscription, type FetchCert } from '../../alerts/sns-http';
import { SnsSignatureVerifier } from '../../alerts/sns-signature';
import type { EvidenceStore } from '../../evidence/store';
import type { ApiMetrics } from '../../observability/metrics';
import { incidentIdFor } from '../../temporal/incident-id';
import { workflowAcceptsAlertBatches, type AlertOrigin, type IncidentService } from '../../temporal/incident-service';
import { isAccessKeyRef, severityRank, type IncidentAlert } from '../../domain/incident';
import type { Requester } from '../../domain/provenance';
import type { SourceTrust } from '../../policy/source-trust';
import { alertIngestSettings } from '../../alerts/ingest-config';
import { loadConfig } from '../../config/schema';
import { judgedAlert, requesterFor } from './alert-origin';
import { AlertAuthenticator, type AlertSender } from '../auth/alert-auth';
import { alertRateLimiter } from '../auth/alert-rate-limit';
import { alertSources } from '../../alerts/alert';
import { badGateway, badRequest, notFound, unavailable, unprocessable } from '../errors';
import type { PinnedRunbook } from '../../domain/runbook-definition';
import { refusedRunbook } from './runbook-refusal';

export interface AlertRouteOptions {
  defaults: { account: string; region: string };
  /** Label that carries the instance id in Alertmanager alerts. */
  alertmanagerInstanceLabel?: string;
  now?: () => Date;
  metrics?: ApiMetrics;
  /** Per-source HMAC secrets (several while rotating); a source without one accepts bearer tokens only. */
  hmacSecrets?: Partial<Record<AlertSource, readonly string[]>>;
  replayWindowSeconds?: number;
  /** Also accept the legacy body-only HMAC form (compatibility; default off). */
  hmacLegacyBodyOnly?: boolean;
  /** Folder of the persistent replay memories (HMAC signatures, SNS MessageIds); none: in memory. */
  replayStoreDir?: string;
  /** Requests per source per minute (default 6000). */
  rateLimitPerMinute?: number;
  /** Largest accepted body (default 512 KiB). */
  bodyLimitBytes?: number;
  /** SNS: trusted certificate/SubscribeURL hosts, oldest signed Timestamp accepted, and the two HTTP calls (injectable for tests). */
  sns?: { certHostPattern?: RegExp; maxAgeSeconds?: number; fetchCert?: FetchCert; confirmSubscription?: ConfirmSubscription };
  /**
   * Group commit: alerts for one incident that arrive while its previous signal is in flight go
   * as one batch signal (alert-batcher.ts). Default: on when the workflow defines its
   * `alertsReceived` batch signal.
   */
  batchAlerts?: boolean;
  /** Where each accepted request's exact bytes are kept as evidence (buildApi passes its store); none: not kept. */
  evidence?: EvidenceStore;
  /** What each source may claim (severity ceiling, may tighten); default: CORDON_SOURCE_* defaults over the default policies. */
  trust?: SourceTrust;
  /** Distinct instances one payload may accuse (default 10). */
  maxInstancesPerPayload?: number;
  /** Collector name, wait budget and join mode of those writes (alert-evidence.ts). */
  rawEvidence?: Pick<AlertEvidenceOptions, 'collector' | 'waitMs' | 'joins' | 'maxBacklogBytes' | 'shutdownWaitMs'>;
}

interface IngestState {
  source: AlertSource;
  sender: AlertSender;
  raw: Buffer;
  body: () => unknown;
}
declare module 'fastify' {
  interface FastifyRequest {
    alertIngest?: IngestState;
  }
}

/** The configuration's own defaults (schema.ts), for callers that pass no trust or limit: one source of truth. */
export const ingestDefaults = alertIngestSettings(loadConfig({}));

const querystring = z.object({ dryRun: z.enum(['true', 'false']).optional() }).strict();

/** Parses the raw body once, on first use; a 400 names `(body)` when it is not JSON. */
function lazyJson(raw: unknown): () => unknown {
  let parsed: { value: unknown } | undefined;
  return () => {
    if (parsed) return parsed.value;
    const bytes = Buffer.isBuffer(raw) ? raw : Buffer.alloc(0);
    if (bytes.length === 0) throw badRequest('the request body is empty', [{ path: '(body)', message: 'expected a JSON document' }]);
    try {
      parsed = { value: JSON.parse(bytes.toString('utf8')) as unknown };
    } catch (err) {
      throw badRequest(`malformed JSON: ${(err as Error).message}`, [{ path: '(body)', message: (err as Error).message }]);
    }
    return parsed.value;
  };
}

/** Public at the role guard's door: senders are authenticated here (HMAC, SNS or a bearer token with the alert-source role). */
export const alertRoutes: FastifyPluginAsyncZod<{ incidents: IncidentService; options: AlertRouteOptions }> = async (
  scope,
  { incidents, options: opts },
) => {
  const now = opts.now ?? (() => new Date());
  const bodyLimit = opts.bodyLimitBytes ?? 512 * 1024;
  const counter = opts.metrics?.alerts;
  const auth = new AlertAuthenticator({
    hmacSecrets: opts.hmacSecrets ?? {},
    replayWindowSeconds: opts.replayWindowSeconds ?? DEFAULT_WINDOW_SECONDS,
    hmacLegacyBodyOnly: opts.hmacLegacyBodyOnly,
    replayStoreDir: opts.replayStoreDir,
    log: scope.log,
    now,
    sns: new SnsSignatureVerifier({
      fetchCert: opts.sns?.fetchCert ?? fetchSnsCertificate,
      certHostPattern: opts.sns?.certHostPattern,
      maxAgeSeconds: opts.sns?.maxAgeSeconds,
      now,
    }),
  });
  const confirm = opts.sns?.confirmSubscription ?? confirmSnsSubscription;
  const record = recorder(incidents, opts.batchAlerts ?? workflowAcceptsAlertBatches);
  const trust = opts.trust ?? ingestDefaults.trust;
  const maxInstances = opts.maxInstancesPerPayload ?? ingestDefaults.maxInstancesPerPayload;
  const evidence = opts.evidence
    ? new AlertEvidence({ store: opts.evidence, ...opts.rawEvidence, counter: opts.metrics?.alertEvidence })
    : undefined;
  // Graceful shutdown writes what is still queued (joins answered before their write).
  if (evidence) scope.addHook('onClose', async () => evidence.flush());

  // A source the operator capped (CORDON_SOURCE_SEVERITY_CEILING) gets no auto gate from a runbook either.
  const underCeiling = (requester: Requester) => requester.kind === 'source' && trust.ceilings[requester.source] !== undefined;

  const authenticate: preValidationAsyncHookHandler = async (request) => {
    const source = (request.params as { source: string }).source;
    if (!isAlertSource(source)) throw notFound(`unknown alert source "${source}"; known: ${alertSources.join(', ')}`);
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const body = lazyJson(raw);
    request.alertIngest = { source, raw, body, sender: await auth.authenticate(source, request, raw, body) };
  };

  // Raw bytes for signatures; SNS posts JSON as text/plain.
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser(['application/json', 'text/plain'], { parseAs: 'buffer', bodyLimit }, (_req, body, done) => done(null, body));
  const limiter = await alertRateLimiter(scope, { max: opts.rateLimitPerMinute ?? 6000 });

  scope.post(
    '/alerts/:source',
    {
      config: { public: true },
      schema: { querystring },
      bodyLimit,
      preValidation: authenticate,
      preHandler: limiter,
      // Every answer counted by source (the URL's, so unknown sources too) and outcome.
      onResponse: async (request, reply) => {
        const source = /^\/v1\/alerts\/([\w-]+)/.exec(request.url)?.[1];
        if (counter && source) counter.inc({ source, outcome: reply.statusCode < 300 ? 'accepted' : `refused:${reply.statusCode}` });
      },
    },
    async (request, reply) => {
      const { source, sender, raw, body } = request.alertIngest!;
      const payload = body();
      if (!auth.firstDelivery(sender)) return reply.status(200).send({ accepted: [], ignored: 'this SNS message was already received' });

      const result = normaliseAlert(source, payload, {
        defaults: { ...opts.defaults, now: now() },
        instanceLabel: opts.alertmanagerInstanceLabel,
      });
      if (!result.ok) {
        if (result.kind === 'invalid') throw badRequest(`invalid ${source} alert`, result.issues);
        if (result.kind === 'not-an-instance')
          throw unprocessable(
            `accuses no EC2 instance or IAM access key: ${result.reason}`,
            result.skipped.map((s) => ({ path: s.path, message: s.reason })),
          );
        if (result.kind === 'unknown-source') throw notFound(result.reason);
        return reply.status(200).send(await controlMessage(request, sender, result.reason, result.control, confirm));
      }

      const requester = requesterFor(source, sender, request.identity);
      const accused = dedupKeysByIncident(result.alerts);
      // Blast radius: one request (one leaked secret, one bad rule) may accuse only so many instances.
      if (accused.size > maxInstances) {
        throw unprocessable(
          `one alert payload may accuse at most ${maxInstances} instances (CORDON_ALERT_MAX_INSTANCES); this one accuses ${accused.size}; nothing was started`,
          [{ path: '(body)', message: `${accused.size} distinct instances` }],
        );
      }
      const receivedAt = now().toISOString();
      const judged = result.alerts.map((alert) => ({ resource: alert.resource, ...judgedAlert(alert, receivedAt, requester, trust) }));
      // A resource kind without a runbook (an access key when no IAM runbook loaded) is refused before anything is kept or started.
      const unrunnable = judged
        .map(({ resource, alert }, i) => ({
          i,
          reason: isAccessKeyRef(resource) ? incidents.runbookRefusal(resource, [alert]) : undefined,
        }))
        .filter((r): r is { i: number; reason: string } => r.reason !== undefined);
      if (unrunnable.length)
        throw unprocessable(
          unrunnable[0]!.reason,
          unrunnable.map((r) => ({ path: `(alert ${r.i})`, message: r.reason })),
        );
      if (request.query.dryRun === 'true') {
        // Plan mode acts on nothing, keeps no evidence and never touches the resource's incident.
        const plans = await startPlans(incidents, judged, { requestedBy: requester, underCeiling: underCeiling(requester) }).catch(
          (err: unknown) => {
            const refused = refusedRunbook(request, err);
            if (refused) throw refused;
            request.log.error({ err }, 'could not start a plan in Temporal');
            throw unavailable('could not start the plan; retry');
          },
        );
        return reply.status(202).send({ mode: 'plan', plans, skipped: result.skipped });
      }

      // A runbook that cannot start for these alerts is refused before any evidence is kept (a 4xx stores none).
      for (const group of byResource(judged)) {
        try {
          incidents.checkStart(group.resource, group.alerts, { requestedBy: requester, underCeiling: underCeiling(requester) });
        } catch (err) {
          throw refusedRunbook(request, err) ?? err;
        }
      }
      const kept = evidence
        ? evidence.keep(
            {
              source,
              body: raw,
              mediaType: request.headers['content-type'] ?? 'application/octet-stream',
              receivedAt,
              sender: { name: sender.name, kind: sender.kind },
              requestId: request.id,
            },
            accused,
            request.log,
          )
        : undefined;
      try {
        const accepted = await Promise.all(
          judged.map(async ({ resource, alert, mayTighten, notes }) => {
            const incidentId = incidentIdFor(resource);
            await kept?.beforeSignal(incidentId);
            await record(resource, alert, { requestedBy: requester, mayTighten, notes, underCeiling: underCeiling(requester) });
            return {
              incidentId,
              dedupKey: alert.dedupKey,
              ...accusedIds(resource),
              severity: alert.severity,
              ...(alert.claimedSeverity ? { claimedSeverity: alert.claimedSeverity } : {}),
              status: alert.status,
            };
          }),
        );
        await kept?.settled();
        return reply.status(202).send({ accepted, skipped: result.skipped });
      } catch (err) {
        auth.forget(sender);
        const refused = refusedRunbook(request, err);
        if (refused) throw refused;
        request.log.error({ err }, 'could not record alerts in Temporal');
        throw unavailable(
          'could not record the alert in its incident; retry (already recorded alerts of this payload will be counted again)',
        );
      }
    },
  );
};

/** How an answer names what it accuses: the instance, or the access key (and its user, when the finding named one). */
function accusedIds(resource: AlertResource): { instanceId: string } | { accessKeyId: string; userName?: string } {
  if (isAccessKeyRef(resource)) return { accessKeyId: resource.accessKeyId, ...(resource.userName ? { userName: resource.userName } : {}) };
  return { instanceId: resource.instanceId };
}

function dedupKeysByIncident(alerts: readonly Alert[]): Map<string, string[]> {
  const byIncident = new Map<string, string[]>();
  for (const alert of alerts) {
    const id = incidentIdFor(alert.resource);
    byIncident.set(id, [...(byIncident.get(id) ?? []), alert.dedupKey]);
  }
  return byIncident;
}

type RecordAlert = (
  resource: AlertResource,
  alert: IncidentAlert,
  origin: Required<Pick<AlertOrigin, 'requestedBy' | 'mayTighten' | 'notes' | 'underCeiling'>>,
) => Promise<string>;

/** One signal per alert, or (batchAlerts) group commit per incident and sender. */
function recorder(incidents: IncidentService, batch: boolean): RecordAlert {
  if (!batch) return (resource, alert, o) => incidents.openOrJoin(resource, alert, o);
  interface Item {
    resource: AlertResource;
    alert: IncidentAlert;
    origin: Parameters<RecordAlert>[2];
  }
  const batcher = new AlertBatcher<Item>(async (_key, items) => {
    const { resource, origin } = items[0]!;
    await incidents.openOrJoinBatch(
      resource,
      items.map((i) => i.alert),
      { ...origin, notes: items.flatMap((i) => i.origin.notes) },
    );
  });
  return async (resource, alert, origin) => {
    const incidentId = incidentIdFor(resource);
    // One batch carries one sender: its provenance and trust ride in the batch's single hint.
    await batcher.submit(`${incidentId}|${origin.requestedBy.kind}|${origin.requestedBy.name}|${origin.mayTighten}`, {
      resource,
      alert,
      origin,
    });
    return incidentId;
  };
}

/** The alerts of one payload grouped by the resource (incident) they accuse, in arrival order. */
function byResource(
  judged: readonly { resource: AlertResource; alert: IncidentAlert }[],
): { resource: AlertResource; alerts: IncidentAlert[] }[] {
  const groups = new Map<string, { resource: AlertResource; alerts: IncidentAlert[] }>();
  for (const { resource, alert } of judged) {
    const key = incidentIdFor(resource);
    const group = groups.get(key) ?? { resource, alerts: [] };
    group.alerts.push(alert);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/**
 * Plan mode: one plan workflow per accused instance, each under its own `plan-<uuid>`; no incident
 * is touched. `runbook`: the plans run it instead of the runbook a live incident would pin.
 */
export async function startPlans(
  incidents: IncidentService,
  judged: { resource: AlertResource; alert: IncidentAlert }[],
  origin: Pick<AlertOrigin, 'requestedBy' | 'underCeiling'>,
  runbook?: PinnedRunbook,
): Promise<({ planId: string; severity: string; dedupKeys: string[] } & ReturnType<typeof accusedIds>)[]> {
  return Promise.all(
    byResource(judged).map(async ({ resource, alerts }) => {
      const planId = await incidents.plan(resource, alerts, origin, runbook);
      const top = alerts.reduce((a, b) => (severityRank[b.severity] > severityRank[a.severity] ? b : a));
      return { planId, ...accusedIds(resource), severity: top.severity, dedupKeys: alerts.map((a) => a.dedupKey) };
    }),
  );
}

/** SNS subscription handshake (only for SNS-signed messages) and other well-formed non-alerts. */
async function controlMessage(
  request: FastifyRequest,
  sender: AlertSender,
  reason: string,
  control: { type: string; topicArn: string; subscribeUrl: string } | undefined,
  confirm: ConfirmSubscription,
): Promise<Record<string, unknown>> {
  if (!control) return { accepted: [], ignored: reason };
  if (control.type !== 'SubscriptionConfirmation') return { accepted: [], ignored: reason };
  if (sender.kind !== 'sns') return { accepted: [], ignored: `${reason}; not confirmed: only an SNS-signed confirmation is acted on` };
  try {
    // The verifier already checked SubscribeURL against the trusted SNS hosts.
    await confirm(control.subscribeUrl);
  } catch (err) {
    request.log.warn({ err, topicArn: control.topicArn }, 'SNS subscription confirmation failed');
    throw badGateway(`could not confirm the subscription to ${control.topicArn}: ${(err as Error).message}`);
  }
  request.log.info({ topicArn: control.topicArn }, 'SNS subscription confirmed');
  return { accepted: [], subscription: 'confirmed', topicArn: control.topicArn };
}
