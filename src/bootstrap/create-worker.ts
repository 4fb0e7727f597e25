/**
 * Builds one Cordon worker process's two Temporal workers, from one workflow bundle (pre-bundled
 * in production, bundled once from source in development):
 *   - the incident worker on Cordon's task queue: the incident, plan and breach workflows and
 *     every activity, built from their clients;
 *   - the fleet-guard worker on the guards' own task queue (`fleetGuardTaskQueue`, default
 *     `<taskQueue>-fleet-guard`), with its own workflow-task slots and no activities.
 * Why two: an incident asks its guard for a reservation from a local activity, which keeps the
 * incident's workflow task (and its slot) open until the guard answers. Were the guards polled
 * from the incidents' queue, a burst of incidents larger than the worker's workflow-task slots
 * would hold every slot while waiting for a guard that can get none (measured: nothing contained
 * in 5 minutes with 8 incidents and 2 slots). Guards never wait on incidents (a grant is a signal),
 * so with their own slots no wait can close a cycle.
 * The incident worker still runs the guard workflow type: a guard started on the incidents' queue
 * by an earlier version is served there until it moves itself (fleet-guard-workflow.ts).
 * The guards' activities get a Temporal client on the worker's own connection, the guards' queue
 * and the budget (`fleet`; default: K=3, P=34 %, W=60 min).
 */
import { Client } from '@temporalio/client';
import {
  bundleWorkflowCode,
  NativeConnection,
  Runtime,
  Worker,
  type State,
  type WorkerOptions,
  type WorkerStatus,
} from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../../activities';
import { defaultFleetLimits, type FleetLimits } from '../../workflows/fleet/types';
import type { WorkerMetrics } from '../observability/metrics';
import { activityMetricsInterceptor } from '../observability/metrics-interceptor';
import { workflowBundlerOptions, workflowsPath } from './workflow-bundle-options';

export interface CordonWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /** The fleet guards' own task queue (CORDON_FLEET_GUARD_TASK_QUEUE; default `<taskQueue>-fleet-guard`). */
  fleetGuardTaskQueue?: string;
  deps: ActivityDeps;
  /** A bundle made by `bundleWorkflowCode` (production images ship one). */
  workflowBundlePath?: string;
  identity?: string;
  metrics?: WorkerMetrics;
  /** The fleet guard's budget (CORDON_FLEET_*), and its continue-as-new threshold (tests lower it). */
  fleet?: { limits?: FleetLimits; continueAsNewAfterEvents?: number; holderCheckSeconds?: number };
  /** Reaches the incident worker only (interceptors, slots, grace time). */
  extra?: Partial<WorkerOptions>;
}

/** Both workers of one process; `run` and `shutdown` act on the pair. */
export interface CordonWorker {
  readonly incidents: Worker;
  readonly guards: Worker;
  /** Runs both until shut down; if either fails, the other is shut down and the failure is thrown. */
  run(): Promise<void>;
  shutdown(): void;
  /** RUNNING only while both are. */
  getState(): State;
  /** The incident worker's status (cached workflows, tasks in flight). */
  getStatus(): WorkerStatus;
}

export { workflowsPath } from './workflow-bundle-options';

/** The guards' queue when none is configured: beside the incidents' queue, so each deployment (and test) has its own. */
export const fleetGuardTaskQueue = (taskQueue: string): string => `${taskQueue}-fleet-guard`;

/** A handful of guards (one per Auto Scaling group) need few slots; their cache stays small. */
const GUARD_WORKER_LIMITS: Partial<WorkerOptions> = { maxConcurrentWorkflowTaskExecutions: 10, maxCachedWorkflows: 200 };

export async function createCordonWorker(opts: CordonWorkerOptions): Promise<CordonWorker> {
  const guardQueue = opts.fleetGuardTaskQueue ?? fleetGuardTaskQueue(opts.taskQueue);
  if (guardQueue === opts.taskQueue)
    throw new Error(`the fleet guards need a task queue of their own, not the incidents' (${opts.taskQueue})`);
  const workflowBundle = opts.workflowBundlePath
    ? { codePath: opts.workflowBundlePath }
    : { code: (await bundleWorkflowCode({ workflowsPath, ...workflowBundlerOptions, logger: Runtime.instance().logger })).code };
  const common: Partial<WorkerOptions> = {
    connection: opts.connection,
    namespace: opts.namespace,
    workflowBundle,
    shutdownGraceTime: '20s',
  };
  const incidents = await Worker.create({
    ...common,
    taskQueue: opts.taskQueue,
    activities: createActivities({
      ...opts.deps,
      fleetGuard: opts.deps.fleetGuard ?? {
        client: new Client({ connection: opts.connection, namespace: opts.namespace }),
        taskQueue: guardQueue,
        limits: opts.fleet?.limits ?? defaultFleetLimits,
        continueAsNewAfterEvents: opts.fleet?.continueAsNewAfterEvents,
        holderCheckSeconds: opts.fleet?.holderCheckSeconds,
      },
    }),
    ...(opts.identity ? { identity: opts.identity } : {}),
    ...(opts.metrics ? { interceptors: { activity: [activityMetricsInterceptor(opts.metrics)] } } : {}),
    ...opts.extra,
  });
  const guards = await Worker.create({
    ...common,
    taskQueue: guardQueue,
    ...(opts.identity ? { identity: `${opts.identity}/fleet-guard` } : {}),
    ...GUARD_WORKER_LIMITS,
  });
  const both = [incidents, guards];
  const stopAll = () => {
    for (const w of both) if (w.getState() === 'RUNNING') w.shutdown();
  };
  return {
    incidents,
    guards,
    async run() {
      const results = await Promise.allSettled(
        both.map((w) =>
          w.run().catch((err: unknown) => {
            stopAll();
            throw err;
          }),
        ),
      );
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
    shutdown: stopAll,
    getState: () => both.map((w) => w.getState()).find((s) => s !== 'RUNNING') ?? 'RUNNING',
    getStatus: () => incidents.getStatus(),
  };
}
