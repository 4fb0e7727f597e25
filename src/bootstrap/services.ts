/**
 * The two long-running services, as `npm start` and the container commands run them:
 * the worker (workflows + activities) and the API (HTTP, console, metrics). One place builds
 * them so development and production run the same code.
 */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { breachDepsFromConfig, entityProfileFromConfig } from '../../activities/regulator-notification/breach-config';
import { peopleTargetsFromConfig } from '../../activities/people-notices/people-config';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import os from 'node:os';
import path from 'node:path';
import { OperatorDirectory } from '../api/auth/operators';
import { buildApi } from '../api/server';
import type { AwsClients } from '../aws/clients';
import { accountRouterFor } from '../aws/from-config';
import type { Config } from '../config/schema';
import { memoryCaptureConfig, openConfiguredEvidenceStore } from '../evidence/from-config';
import { temporalFleetSnapshot } from '../observability/fleet-snapshot';
import { createApiMetrics, createWorkerMetrics } from '../observability/metrics';
import { startMetricsServer, type MetricsServer } from '../observability/metrics-server';
import { alertIngestSettings } from '../alerts/ingest-config';
import { IncidentService } from '../temporal/incident-service';
import { builtInRunbooksDir, pin, RunbookLibrary } from '../runbooks/runbook-library';
import { NotificationService } from '../temporal/regulator-notification-service';
import { temporalReadiness } from '../temporal/readiness';
import { createCordonWorker } from './create-worker';
import { installWorkerRuntime } from './runtime';
import { limitWorkflowThreadHeap, workerMemorySettings } from './memory-budget';
import { temporalConnectionOptions } from './temporal-connection';

export { awsClientsFor } from '../aws/from-config';

export interface RunningWorker {
  /** Resolves when the worker has stopped (after a drain). */
  done: Promise<void>;
  /** Stops polling, lets running activities finish (within the grace time), then resolves. */
  shutdown(): Promise<void>;
  /** The worker's /metrics, /healthz, /readyz (when a metrics port was given). */
  metricsUrl?: string;
}

export async function startWorkerService(
  config: Config,
  temporalAddress: string,
  aws: AwsClients,
  metricsPort?: number,
  sdkMetricsUrl?: string,
): Promise<RunningWorker> {
  installWorkerRuntime();
  const connection = await NativeConnection.connect(temporalConnectionOptions(config, temporalAddress));
  const metrics = createWorkerMetrics();
  const accounts = accountRouterFor(config, aws);
  const memory = workerMemorySettings(config.CORDON_WORKER_MEMORY_MIB);
  limitWorkflowThreadHeap(memory);
  const worker = await createCordonWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.CORDON_TASK_QUEUE,
    fleetGuardTaskQueue: config.CORDON_FLEET_GUARD_TASK_QUEUE,
    metrics,
    identity: `cordon-worker@${os.hostname()}:${process.pid}`,
    workflowBundlePath: config.CORDON_WORKFLOW_BUNDLE,
    fleet: {
      limits: {
        maxConcurrent: config.CORDON_FLEET_MAX_CONCURRENT,
        maxPercent: config.CORDON_FLEET_MAX_PERCENT,
        windowMinutes: config.CORDON_FLEET_WINDOW_MINUTES,
      },
    },
    deps: {
      aws,
      accounts,
      config: {
        verifiedImageTag: config.CORDON_VERIFIED_IMAGE_TAG,
        dataTagPrefix: config.CORDON_DATA_TAG_PREFIX,
        compromiseLookbackHours: config.CORDON_COMPROMISE_LOOKBACK_HOURS,
      },
      evidence: {
        store: await openConfiguredEvidenceStore(config, aws),
        collector: `cordon-worker@${os.hostname()}:${process.pid}`,
        memory: memoryCaptureConfig(config),
      },
      breach: breachDepsFromConfig(config),
      people: {
        consoleUrl: config.CORDON_PUBLIC_URL,
        targets: peopleTargetsFromConfig(config),
      },
    },
    extra: { shutdownGraceTime: `${config.CORDON_SHUTDOWN_GRACE_SECONDS}s`, maxCachedWorkflows: memory.maxCachedWorkflows },
  });
  let metricsServer: MetricsServer | undefined;
  if (metricsPort !== undefined) {
    metricsServer = await startMetricsServer({
      port: metricsPort,
      registry: metrics.registry,
      sdkMetricsUrl,
      ready: () => worker.getState() === 'RUNNING',
    });
  }
  const done = worker.run().finally(async () => {
    accounts.close();
    await metricsServer?.close();
    await connection.close();
  });
  return {
    done,
    metricsUrl: metricsServer?.url,
    async shutdown() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}

export interface RunningApi {
  app: FastifyInstance;
  /** The runbooks read at start (and the files refused). */
  runbooks: RunbookLibrary;
  url: string;
  close(): Promise<void>;
}

export async function startApiService(config: Config, temporalAddress: string, aws: AwsClients, adminToken?: string): Promise<RunningApi> {
  const connection = await Connection.connect(temporalConnectionOptions(config, temporalAddress));
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const ingest = alertIngestSettings(config);
  const callDeadlineMs = config.CORDON_TEMPORAL_CALL_DEADLINE_SECONDS * 1000;
  // Runbooks are read once: an incident pins the copy it starts with; an invalid file is refused and logged below.
  const runbooks = RunbookLibrary.load([
    { dir: builtInRunbooksDir, origin: 'built-in' },
    ...(config.CORDON_RUNBOOKS_DIR ? [{ dir: config.CORDON_RUNBOOKS_DIR, origin: 'operator' as const }] : []),
  ]);
  const incidents = new IncidentService(
    client,
    config.CORDON_TASK_QUEUE,
    (s) => ingest.policies[s],
    (alerts, severity, kind) => {
      const entry = runbooks.choose(alerts, severity, kind);
      return entry ? pin(entry) : undefined;
    },
    { callDeadlineMs, continueAsNewAfterEvents: config.CORDON_INCIDENT_HISTORY_EVENTS },
  );
  const operators = config.CORDON_OPERATORS_FILE ? OperatorDirectory.fromFile(config.CORDON_OPERATORS_FILE) : new OperatorDirectory();
  if (adminToken) operators.addToken({ name: 'admin', roles: ['admin'] }, adminToken);
  const identity = await aws.sts.send(new GetCallerIdentityCommand({})).catch(() => undefined);
  const app = await buildApi({
    incidents,
    operators,
    runbooks,
    evidence: await openConfiguredEvidenceStore(config, aws),
    notifications: new NotificationService(client, entityProfileFromConfig(config), callDeadlineMs),
    alerts: {
      defaults: { account: identity?.Account ?? '000000000000', region: config.AWS_REGION },
      alertmanagerInstanceLabel: ingest.alertmanagerInstanceLabel,
      hmacSecrets: ingest.hmacSecrets,
      replayWindowSeconds: ingest.replayWindowSeconds,
      rateLimitPerMinute: ingest.rateLimitPerMinute,
      bodyLimitBytes: ingest.bodyLimitBytes,
      sns: { certHostPattern: ingest.snsCertHostPattern, maxAgeSeconds: config.CORDON_SNS_MAX_AGE_SECONDS },
      hmacLegacyBodyOnly: config.CORDON_ALERT_HMAC_LEGACY_BODY_ONLY,
      // Replicas that should share SNS/HMAC dedup share this folder (alert-auth.ts).
      replayStoreDir: path.resolve(config.CORDON_DATA_DIR, 'replay'),
      trust: ingest.trust,
      maxInstancesPerPayload: ingest.maxInstancesPerPayload,
    },
    ready: temporalReadiness(client, { deadlineMs: Math.min(2000, callDeadlineMs) }),
    metrics: createApiMetrics(temporalFleetSnapshot(client)),
    logLevel: config.CORDON_LOG_LEVEL,
    unauthenticatedRateLimitPerMinute: config.CORDON_UNAUTHENTICATED_RATE_LIMIT_PER_MINUTE,
  });
  for (const problem of runbooks.problems)
    app.log.error({ runbook: problem }, `runbook refused: ${problem.file}:${problem.line}:${problem.col} ${problem.message}`);
  for (const warning of runbooks.warnings())
    app.log.warn({ runbook: warning }, `runbook warning: ${warning.file}:${warning.line}:${warning.col} ${warning.message}`);
  app.log.info({ runbooks: runbooks.list().map((r) => `${r.definition.name} ${r.definition.version}`) }, 'runbooks loaded');
  await app.listen({ host: config.CORDON_API_HOST, port: config.CORDON_API_PORT });
  return {
    app,
    runbooks,
    url: `http://${config.CORDON_API_HOST}:${config.CORDON_API_PORT}`,
    async close() {
      await app.close();
      await connection.close();
    },
  };
}
