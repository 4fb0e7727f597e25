/**
 * The incident's door to its group's fleet guard (workflows/fleet-guard-workflow.ts): a
 * workflow cannot call another workflow's update, so these activities do, with the worker's
 * Temporal client. Reserve and override use update-with-start (the guard starts on the first
 * request for its group, on the guards' own task queue); release uses a plain update (no guard:
 * nothing to return). Reserve and override name that queue, so a guard running on another one
 * (started by an earlier version on the incidents' queue) moves there (continue-as-new).
 * Invariants: each call is idempotent on the guard's side (keyed by incident id), so Temporal
 * may retry any of them after a crash; the budget (K, P, W) travels with every reservation
 * request from the worker's config — the workflows never read configuration. A validator's
 * refusal is permanent (non-retryable); anything else is retried.
 */
import { WithStartWorkflowOperation, WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { ErrorType } from '../src/domain/errors';
import {
  overrideContainmentUpdate,
  releaseContainmentUpdate,
  reserveContainmentUpdate,
  type FleetGuardInput,
  type OverrideAnswer,
  type ReleaseAnswer,
  type ReserveAnswer,
} from '../workflows/definitions';
import { fleetGuardId, type FleetGroupRef, type FleetLimits } from '../workflows/fleet/types';

export interface FleetGuardDeps {
  client: Client;
  /** The guards' own task queue (never the incidents': see src/bootstrap/create-worker.ts). */
  taskQueue: string;
  limits: FleetLimits;
  /** Continue-as-new threshold handed to a guard this worker starts (default: the guard's). */
  continueAsNewAfterEvents?: number;
  /** Holder liveness check interval handed to a guard this worker starts (default: the guard's). */
  holderCheckSeconds?: number;
}

export interface FleetRequestBase {
  group: FleetGroupRef;
  incidentId: string;
}
export interface ReserveInput extends FleetRequestBase {
  desiredCapacity: number;
}
export interface OverrideInput extends FleetRequestBase {
  by: string;
  reason: string;
}

function configured(deps: FleetGuardDeps | undefined): FleetGuardDeps {
  if (!deps)
    throw ApplicationFailure.nonRetryable(
      'this worker has no Temporal client for the fleet guard (ActivityDeps.fleetGuard)',
      ErrorType.FleetGuardUnavailable,
    );
  return deps;
}

/** A validator's refusal becomes permanent; a transient error stays retryable. */
async function guarded<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) {
      throw ApplicationFailure.nonRetryable(
        `the fleet guard refused: ${(err.cause as Error | undefined)?.message ?? err.message}`,
        ErrorType.InvalidRequest,
      );
    }
    throw err;
  }
}

function startGuard(deps: FleetGuardDeps, group: FleetGroupRef, desiredCapacity: number) {
  const guardId = fleetGuardId(group);
  const input: FleetGuardInput = {
    guardId,
    group,
    limits: deps.limits,
    desiredCapacity,
    taskQueue: deps.taskQueue,
    continueAsNewAfterEvents: deps.continueAsNewAfterEvents,
    ...(deps.holderCheckSeconds ? { holderCheckSeconds: deps.holderCheckSeconds } : {}),
  };
  return new WithStartWorkflowOperation('fleetGuardWorkflow', {
    workflowId: guardId,
    taskQueue: deps.taskQueue,
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
}

export async function reserveContainment(deps: FleetGuardDeps | undefined, input: ReserveInput): Promise<ReserveAnswer> {
  const d = configured(deps);
  return guarded(() =>
    d.client.workflow.executeUpdateWithStart(reserveContainmentUpdate, {
      args: [{ incidentId: input.incidentId, desiredCapacity: input.desiredCapacity, limits: d.limits, guardTaskQueue: d.taskQueue }],
      startWorkflowOperation: startGuard(d, input.group, input.desiredCapacity),
    }),
  );
}

export async function overrideContainment(deps: FleetGuardDeps | undefined, input: OverrideInput): Promise<OverrideAnswer> {
  const d = configured(deps);
  return guarded(() =>
    d.client.workflow.executeUpdateWithStart(overrideContainmentUpdate, {
      args: [{ incidentId: input.incidentId, by: input.by, reason: input.reason, guardTaskQueue: d.taskQueue }],
      startWorkflowOperation: startGuard(d, input.group, 0),
    }),
  );
}

export async function releaseContainment(deps: FleetGuardDeps | undefined, input: FleetRequestBase): Promise<ReleaseAnswer> {
  const d = configured(deps);
  try {
    return await guarded(() =>
      d.client.workflow
        .getHandle(fleetGuardId(input.group))
        .executeUpdate(releaseContainmentUpdate, { args: [{ incidentId: input.incidentId }] }),
    );
  } catch (err) {
    // No guard (it ended empty): the incident holds nothing there.
    if (err instanceof WorkflowNotFoundError) return { released: 'nothing' };
    throw err;
  }
}
