/**
 * The real components a benchmark runs against, started fresh in a temporary folder: moto
 * (seeded demo fleet), the Temporal dev server (SQLite), an in-process worker and the API on
 * a loopback port. Torn down completely, so a benchmark leaves nothing behind.
 */
import type { Client } from '@temporalio/client';
import { NativeConnection, type WorkerOptions } from '@temporalio/worker';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { OperatorDirectory } from '../src/api/auth/operators';
import { buildApi } from '../src/api/server';
import type { ActivityDeps } from '../activities';
import type { AwsClients } from '../src/aws/clients';
import { LocalWormStore } from '../src/evidence/local-worm-store';
import type { Severity } from '../src/domain/incident';
import { seedDemoFleet, type DemoFleet } from '../src/local/demo-fleet';
import { startLocalBackends } from '../src/local/local-backends';
import type { MotoServer } from '../src/local/moto-server';
import type { TemporalDevServer } from '../src/local/temporal-dev-server';
import { IncidentService } from '../src/temporal/incident-service';
import { builtInRunbooksDir, pin, RunbookLibrary } from '../src/runbooks/runbook-library';
import { createCordonWorker, type CordonWorker } from '../src/bootstrap/create-worker';
import { installWorkerRuntime } from '../src/bootstrap/runtime';
import type { RunbookPolicy } from '../src/domain/runbook-policy';

export const BENCH_REGION = 'eu-west-1';
export const BENCH_ACCOUNT = '123456789012';
export const activityConfig = { verifiedImageTag: 'cordon:verified', dataTagPrefix: 'data:', compromiseLookbackHours: 24 };

/** Whether the bench's incidents pin the built-in runbook (the production path); recorded in each result's config. */
export function benchPinsRunbooks(): boolean {
  return process.env.BENCH_RUNBOOKS !== '0';
}

export interface BenchServers {
  moto: MotoServer;
  temporal: TemporalDevServer;
  aws: AwsClients;
  fleet: DemoFleet;
  client: Client;
  apiUrl: string;
  /** Bearer token of an operator with the alert-source role. */
  sensorToken: string;
  /** The incident worker and the fleet-guard worker of one process. */
  worker: CordonWorker;
  /** What the worker's activities were built from (the floor builds the same). */
  activityDeps: ActivityDeps;
  teardown(): Promise<void>;
}

export async function startBenchServers(
  policy: (s: Severity) => RunbookPolicy,
  workerOptions: Partial<WorkerOptions>,
  fleetSize = 3,
): Promise<BenchServers> {
  installWorkerRuntime();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-bench-'));
  const backends = await startLocalBackends(dir, BENCH_REGION);
  const { moto, temporal, aws, client } = backends;
  const fleet = await seedDemoFleet(aws, {
    verifiedImageTag: activityConfig.verifiedImageTag,
    dataTagPrefix: activityConfig.dataTagPrefix,
    size: fleetSize,
  });
  const taskQueue = `cordon-bench-${crypto.randomUUID()}`;
  const workerConnection = await NativeConnection.connect({ address: temporal.address });
  const activityDeps: ActivityDeps = {
    aws,
    config: activityConfig,
    evidence: { store: new LocalWormStore(path.join(dir, 'evidence')), collector: 'cordon-bench' },
  };
  // The benches contain many members of one group back to back: the fleet guard is asked and released each time, without a budget that would wait for a person.
  const fleetBudget = { limits: { maxConcurrent: 1_000_000, maxPercent: 100, windowMinutes: 0 } };
  const worker = await createCordonWorker({
    connection: workerConnection,
    namespace: 'default',
    taskQueue,
    deps: activityDeps,
    fleet: fleetBudget,
    extra: workerOptions,
  });
  const running = worker.run();

  const operators = new OperatorDirectory();
  const sensorToken = crypto.randomBytes(24).toString('hex');
  operators.addToken({ name: 'sensor', roles: ['alert-source'] }, sensorToken);
  // Incidents pin the built-in EC2 runbook as the API does in production (runbooks as data); BENCH_RUNBOOKS=0 runs the built-in order.
  const library = benchPinsRunbooks() ? RunbookLibrary.load([{ dir: builtInRunbooksDir, origin: 'built-in' }]) : undefined;
  const chooser =
    library &&
    ((alerts: Parameters<RunbookLibrary['choose']>[0], severity: Severity) => {
      const entry = library.choose(alerts, severity);
      return entry ? pin(entry) : undefined;
    });
  const api: FastifyInstance = await buildApi({
    incidents: new IncidentService(client, taskQueue, policy, chooser),
    operators,
    alerts: { defaults: { account: BENCH_ACCOUNT, region: BENCH_REGION } },
    ready: async () => true,
  });
  await api.listen({ host: '127.0.0.1', port: 0 });
  const address = api.server.address();
  const apiUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  return {
    moto,
    temporal,
    aws,
    fleet,
    client,
    apiUrl,
    sensorToken,
    worker,
    activityDeps,
    async teardown() {
      await api.close();
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => undefined);
      await workerConnection.close();
      await backends.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
