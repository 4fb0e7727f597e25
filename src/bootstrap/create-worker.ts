/**
 * Builds a Temporal worker for Cordon's task queue: the workflow code (pre-bundled in
 * production, bundled from source in development) and the activities built from their clients.
 * The fleet guard's activities get a Temporal client on the worker's own connection, the
 * worker's task queue (where the guards run) and the budget (`fleet`; default: K=3, P=34 %, W=60 min).
 */
import { Client } from '@temporalio/client';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import path from 'node:path';
import { createActivities, type ActivityDeps } from '../../activities';
import { defaultFleetLimits, type FleetLimits } from '../../workflows/fleet/types';
import type { WorkerMetrics } from '../observability/metrics';
import { activityMetricsInterceptor } from '../observability/metrics-interceptor';

export interface CordonWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** A bundle made by `bundleWorkflowCode` (production images ship one). */
  workflowBundlePath?: string;
  identity?: string;
  metrics?: WorkerMetrics;
  /** The fleet guard's budget (CORDON_FLEET_*), and its continue-as-new threshold (tests lower it). */
  fleet?: { limits?: FleetLimits; continueAsNewAfterEvents?: number };
  extra?: Partial<WorkerOptions>;
}

export const workflowsPath = path.resolve(__dirname, '..', '..', 'workflows');

export async function createCordonWorker(opts: CordonWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    activities: createActivities({
      ...opts.deps,
      fleetGuard: opts.deps.fleetGuard ?? {
        client: new Client({ connection: opts.connection, namespace: opts.namespace }), taskQueue: opts.taskQueue,
        limits: opts.fleet?.limits ?? defaultFleetLimits, continueAsNewAfterEvents: opts.fleet?.continueAsNewAfterEvents,
      },
    }),
    ...(opts.workflowBundlePath ? { workflowBundle: { codePath: opts.workflowBundlePath } } : { workflowsPath }),
    ...(opts.identity ? { identity: opts.identity } : {}),
    shutdownGraceTime: '20s',
    ...(opts.metrics ? { interceptors: { activity: [activityMetricsInterceptor(opts.metrics)] } } : {}),
    ...opts.extra,
  });
}
