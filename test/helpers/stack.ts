/**
 * A real stack for integration tests: moto and the Temporal dev server on free loopback
 * ports (each test file its own), a worker, the API in process. Torn down completely.
 */
import type { Client } from '@temporalio/client';
import { NativeConnection, type WorkerOptions } from '@temporalio/worker';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { OperatorDirectory, type Role } from '../../src/api/auth/operators';
import { buildApi } from '../../src/api/server';
import { AccountRouter } from '../../src/aws/account-router';
import { createAwsClients, destroyAwsClients, type AwsClients } from '../../src/aws/clients';
import { parseOrganisation, resolveOrganisation } from '../../src/config/organisation';
import { LocalWormStore, type EvidenceStore } from '../../src/evidence';
import { localProcessEnv } from '../../src/local/cordon-processes';
import { startLocalBackends } from '../../src/local/local-backends';
import type { MotoServer } from '../../src/local/moto-server';
import type { TemporalDevServer } from '../../src/local/temporal-dev-server';
import { policyFor } from '../../src/policy/runbook-policy';
import { IncidentService } from '../../src/temporal/incident-service';
import { builtInRunbooksDir, pin, RunbookLibrary } from '../../src/runbooks/runbook-library';
import { NotificationService } from '../../src/temporal/regulator-notification-service';
import { createCordonWorker, type CordonWorker } from '../../src/bootstrap/create-worker';
import { installWorkerRuntime } from '../../src/bootstrap/runtime';
import type { FleetLimits } from '../../workflows/fleet/types';
import type { RunbookPolicy } from '../../src/domain/runbook-policy';
import type { Severity } from '../../src/domain/incident';
import type { MemoryCaptureConfig } from '../../activities/forensics';
import type { PeopleNotifierDeps } from '../../activities/people-notices/people-notifier';

export const REGION = 'eu-west-1';
export const ACCOUNT = '123456789012';
/**
 * The fleet guard's budget for suites that are not about it: every test file contains members
 * of the same `web` group many times within an hour, which the production default (3 at once,
 * 34 % per hour) would hold for an approver. The guard is still asked and released every time.
 */
export const UNBOUNDED_FLEET: FleetLimits = { maxConcurrent: 1000, maxPercent: 100, windowMinutes: 0 };

export interface Stack {
  dir: string;
  /** The write-once evidence folder the worker and the API share (`<dir>/evidence`). */
  evidence: EvidenceStore;
  moto: MotoServer;
  temporal: TemporalDevServer;
  aws: AwsClients;
  client: Client;
  taskQueue: string;
  incidents: IncidentService;
  api: FastifyInstance;
  tokens: Record<string, string>;
  /** `extra` reaches the incident worker's Worker.create (e.g. interceptors, slots, a short shutdownGraceTime). */
  startWorker(extra?: Partial<WorkerOptions>): Promise<CordonWorker>;
  stopWorker(): Promise<void>;
  teardown(): Promise<void>;
}

const people: [string, Role[]][] = [
  ['alice', ['responder']],
  ['bob', ['approver']],
  ['carol', ['approver']],
  ['dora', ['dpo']],
  ['audrey', ['auditor']],
  ['admin', ['admin']],
  ['sensor', ['alert-source']],
  // An approver whose token also sends alerts (a chat-ops bot account, say): four-eyes must still recognise her.
  ['erin', ['approver', 'alert-source']],
];

export interface StackOptions {
  worker?: boolean;
  /** The endpoint the worker's AWS clients use instead of moto's (e.g. a recording proxy in front of moto). */
  workerAwsEndpoint?: (motoEndpoint: string) => Promise<string>;
  /** The in-process worker's fleet budget (default UNBOUNDED_FLEET) and guard continue-as-new threshold. */
  fleet?: { limits?: FleetLimits; continueAsNewAfterEvents?: number; holderCheckSeconds?: number };
  /** The in-process worker's memory-capture settings (output bucket, document). */
  memory?: MemoryCaptureConfig;
  /**
   * The in-process worker's organisation document (as CORDON_ACCOUNTS would give it). Default: none, so the
   * worker acts in moto's default account (ACCOUNT) and REGION only, as a worker without CORDON_ACCOUNTS does.
   */
  organisation?: unknown;
  /** The in-process worker's notice targets (pages). */
  people?: PeopleNotifierDeps;
  /** Severity → runbook policy for incidents the API opens (default: the production defaults). */
  policy?: (severity: Severity) => RunbookPolicy;
  /**
   * Runbooks as production reads them (built-in folder, plus this operator folder when given): the
   * API chooses and pins one per incident and serves /v1/runbooks. Absent: incidents run the built-in order.
   */
  runbooks?: { dir?: string };
  /** CORDON_INCIDENT_HISTORY_EVENTS for incidents the API opens (default: the workflow's 10,000). */
  incidentHistoryEvents?: number;
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  installWorkerRuntime();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-it-'));
  const backends = await startLocalBackends(dir, REGION);
  const { moto, temporal, aws, client } = backends;
  const workerAws = opts.workerAwsEndpoint
    ? createAwsClients({ region: REGION, endpoint: await opts.workerAwsEndpoint(moto.endpoint) })
    : aws;
  const parsed = parseOrganisation(opts.organisation ?? {}, 'organisation');
  if ('problems' in parsed) throw new Error(parsed.problems.join('; '));
  const accounts = new AccountRouter({
    home: workerAws,
    organisation: resolveOrganisation({ source: 'CORDON_ACCOUNTS', document: parsed.document }, REGION),
  });
  const taskQueue = `cordon-it-${crypto.randomUUID()}`;
  const runbooks = opts.runbooks
    ? RunbookLibrary.load([
        { dir: builtInRunbooksDir, origin: 'built-in' },
        ...(opts.runbooks.dir ? [{ dir: opts.runbooks.dir, origin: 'operator' as const }] : []),
      ])
    : undefined;
  const incidents = new IncidentService(
    client,
    taskQueue,
    opts.policy ?? ((s) => policyFor(s)),
    runbooks &&
      ((alerts, severity, kind) => {
        const entry = runbooks.choose(alerts, severity, kind);
        return entry ? pin(entry) : undefined;
      }),
    { continueAsNewAfterEvents: opts.incidentHistoryEvents },
  );
  const operators = new OperatorDirectory();
  const tokens: Record<string, string> = {};
  for (const [name, roles] of people) {
    tokens[name] = crypto.randomBytes(24).toString('hex');
    operators.addToken({ name, roles }, tokens[name]!);
  }
  const evidence = new LocalWormStore(path.join(dir, 'evidence'));
  const api = await buildApi({
    incidents,
    operators,
    evidence,
    notifications: new NotificationService(client),
    runbooks,
    alerts: { defaults: { account: ACCOUNT, region: REGION } },
    ready: async () => true,
  });

  let worker: CordonWorker | undefined;
  let running: Promise<void> | undefined;
  let workerConnection: NativeConnection | undefined;
  const stack: Stack = {
    dir,
    evidence,
    moto,
    temporal,
    aws,
    client,
    taskQueue,
    incidents,
    api,
    tokens,
    async startWorker(extra?: Partial<WorkerOptions>) {
      workerConnection ??= await NativeConnection.connect({ address: temporal.address });
      worker = await createCordonWorker({
        connection: workerConnection,
        namespace: 'default',
        taskQueue,
        deps: {
          aws: workerAws,
          accounts,
          people: opts.people,
          config: { verifiedImageTag: 'cordon:verified', dataTagPrefix: 'data:', compromiseLookbackHours: 24 },
          evidence: { store: evidence, collector: 'cordon-it-worker', memory: opts.memory },
        },
        fleet: {
          limits: opts.fleet?.limits ?? UNBOUNDED_FLEET,
          continueAsNewAfterEvents: opts.fleet?.continueAsNewAfterEvents,
          holderCheckSeconds: opts.fleet?.holderCheckSeconds,
        },
        extra,
      });
      running = worker.run();
      return worker;
    },
    async stopWorker() {
      if (worker && worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      worker = undefined;
    },
    async teardown() {
      await stack.stopWorker();
      await api.close();
      await workerConnection?.close();
      accounts.close();
      if (workerAws !== aws) destroyAwsClients(workerAws);
      await backends.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  if (opts.worker !== false) await stack.startWorker();
  return stack;
}

/** Polls `fn` until it returns a truthy value (or throws after timeoutMs). */
export async function eventually<T>(fn: () => Promise<T | undefined | false>, timeoutMs = 30000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The env both commands need to reach the test stack's Temporal and moto (fleet budget: UNBOUNDED_FLEET unless `extra` says). */
export function stackEnv(stack: Stack, bundle: string, extra: Record<string, string> = {}): Record<string, string> {
  // The same write-once folder as the in-process stack, never the repository's .cordon.
  return {
    ...localProcessEnv({
      temporalAddress: stack.temporal.address,
      taskQueue: stack.taskQueue,
      awsEndpoint: stack.moto.endpoint,
      region: REGION,
      bundle,
      dataDir: stack.dir,
      evidenceDir: stack.evidence.location,
    }),
    ...fleetEnv(UNBOUNDED_FLEET),
    ...extra,
  };
}

/** A fleet budget as the worker process's configuration. */
export function fleetEnv(limits: FleetLimits): Record<string, string> {
  return {
    CORDON_FLEET_MAX_CONCURRENT: String(limits.maxConcurrent),
    CORDON_FLEET_MAX_PERCENT: String(limits.maxPercent),
    CORDON_FLEET_WINDOW_MINUTES: String(limits.windowMinutes),
  };
}
