/**
 * Builds a Temporal worker for Cordon's task queue: the workflow code (pre-bundled in
 * production, bundled from source in development) and the activities built from their clients.
 */
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import path from 'node:path';
import { createActivities, type ActivityDeps } from '../../activities';
import type { WorkerMetrics } from '../observability/metrics';
import { activityMetricsInterceptor } from './metrics-interceptor';

export interface CordonWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** A bundle made by `bundleWorkflowCode` (production images ship one). */
  workflowBundlePath?: string;
  identity?: string;
  metrics?: WorkerMetrics;
  extra?: Partial<WorkerOptions>;
}

export const workflowsPath = path.resolve(__dirname, '..', '..', 'workflows');

export async function createCordonWorker(opts: CordonWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    activities: createActivities(opts.deps),
    ...(opts.workflowBundlePath ? { workflowBundle: { codePath: opts.workflowBundlePath } } : { workflowsPath }),
    ...(opts.identity ? { identity: opts.identity } : {}),
    shutdownGraceTime: '20s',
    ...(opts.metrics ? { interceptors: { activity: [activityMetricsInterceptor(opts.metrics)] } } : {}),
    ...opts.extra,
  });
}
