/**
 * The fleet guard: one long-lived workflow per account, region and Auto Scaling group
 * (`fleet-guard-<account>-<region>-<group>`) that limits how much of the group containment
 * takes away at once (DESIGN.md, "Fleet guard"). Incidents reach it only through activities
 * (activities/fleet-guard.ts: update-with-start), since a workflow cannot call another's update.
 * Invariants:
 *   - its state is the reservations (runbook/../fleet/budget.ts): every change happens in an
 *     update handler whose validator refused bad calls before they reached history, so a worker
 *     killed at any moment replays to exactly the same reservations;
 *   - one reservation per incident id: a retried activity or a replayed incident gets the
 *     answer it already has, never a second reservation;
 *   - queued incidents are granted in arrival order when a slot frees (a release, or a grant
 *     leaving the sliding window — a durable timer wakes the guard for that), and each is told by
 *     one signal; a grant whose incident no longer exists is returned at once;
 *   - continue-as-new after `continueAsNewAfterEvents` events (or when Temporal suggests it),
 *     only after every handler finished and every grant was signalled, carrying the state;
 *   - it runs on the guards' own task queue (src/bootstrap/create-worker.ts says why), named in its
 *     input; a guard whose input names another queue, or none (started on the incidents' queue by
 *     an earlier version), moves to the queue the latest request names, by the same
 *     continue-as-new, as soon as it is asked;
 *   - with nothing held, queued or in the window for a day, the guard ends (the next
 *     update-with-start starts a fresh one);
 *   - a holder that closed without returning its reservation (terminated, or closed by an
 *     operator mid-containment) gets it taken back: while anything is held, the guard signals each
 *     holder every `holderCheckSeconds` (default 10 minutes) and releases those the signal cannot
 *     reach. Histories without the 'reclaim-from-closed-holders' marker replay without the check.
 * The limits come with each reservation request (the worker's config), never from the environment.
 */
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  makeContinueAsNewFunc,
  patched,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { ErrorType } from '../src/domain/errors';
import {
  fleetGuardStateQuery,
  fleetHolderLivenessSignal,
  fleetReservationGrantedSignal,
  overrideContainmentUpdate,
  releaseContainmentUpdate,
  reserveContainmentUpdate,
} from './definitions';
import { FleetBudget, limitsProblem } from './fleet/budget';
import { refusal } from './refusal';
import type {
  FleetGuardInput,
  FleetGuardView,
  FleetReservation,
  OverrideContainment,
  ReleaseContainment,
  ReserveContainment,
} from './fleet/types';

const DEFAULT_CONTINUE_AFTER_EVENTS = 2000;
/** The workflow clock (deterministic: the time of the current workflow task). */
const clock = (): number => new Date().getTime();
/** An empty guard waits this long for work before it ends. */
const IDLE_BEFORE_END = '24h';
/** How often a guard that holds reservations checks that their incidents still run. */
const DEFAULT_HOLDER_CHECK_SECONDS = 600;

const invalid = (message: string) => refusal(ErrorType.InvalidRequest, message);
const needIncident = (incidentId: unknown) => {
  if (typeof incidentId !== 'string' || !incidentId.trim()) throw invalid('incidentId is required');
};
const queueProblem = (queue: unknown) => {
  if (queue !== undefined && (typeof queue !== 'string' || !queue.trim())) throw invalid('guardTaskQueue must name a task queue');
};

export async function fleetGuardWorkflow(input: FleetGuardInput): Promise<FleetGuardView> {
  const checksHolders = patched('reclaim-from-closed-holders');
  const holderCheckMs = (input.holderCheckSeconds ?? DEFAULT_HOLDER_CHECK_SECONDS) * 1000;
  const budget = new FleetBudget(input.group, input.limits, input.desiredCapacity, input.carried?.state);
  const run = (input.carried?.run ?? 0) + 1;
  const continueAfter = input.continueAsNewAfterEvents ?? DEFAULT_CONTINUE_AFTER_EVENTS;
  /** Set by every handler: the main loop looks for waiters to grant. */
  let changed = true;
  /** The guards' task queue as the latest request named it (requests from earlier versions name none). */
  let home: string | undefined;
  const heard = (queue: string | undefined) => {
    if (queue) home = queue;
  };
  const view = (): FleetGuardView => {
    const now = clock();
    return { ...budget.snapshot(now), usage: budget.usage(now), run };
  };

  setHandler(
    reserveContainmentUpdate,
    (req: ReserveContainment) => {
      changed = true;
      heard(req.guardTaskQueue);
      return budget.reserve(req, clock());
    },
    {
      validator: (req: ReserveContainment) => {
        needIncident(req.incidentId);
        queueProblem(req.guardTaskQueue);
        if (!Number.isInteger(req.desiredCapacity) || req.desiredCapacity < 0)
          throw invalid(`desiredCapacity must be a whole number ≥ 0, got ${req.desiredCapacity}`);
        const problem = req.limits ? limitsProblem(req.limits) : 'limits are required';
        if (problem) throw invalid(problem);
      },
    },
  );
  setHandler(
    overrideContainmentUpdate,
    (req: OverrideContainment) => {
      changed = true;
      heard(req.guardTaskQueue);
      return budget.override(req, clock());
    },
    {
      validator: (req: OverrideContainment) => {
        needIncident(req.incidentId);
        queueProblem(req.guardTaskQueue);
        if (!req.by?.trim() || !req.reason?.trim()) throw invalid('an override names the operator who approved it and their reason');
      },
    },
  );
  setHandler(
    releaseContainmentUpdate,
    (req: ReleaseContainment) => {
      changed = true;
      return budget.release(req.incidentId, clock());
    },
    { validator: (req: ReleaseContainment) => needIncident(req.incidentId) },
  );
  setHandler(fleetGuardStateQuery, view);

  /** Tells the incident; one that is gone (closed, terminated) returns its reservation at once. */
  const tell = async (reservation: FleetReservation): Promise<void> => {
    try {
      await getExternalWorkflowHandle(reservation.incidentId).signal(fleetReservationGrantedSignal, {
        guardId: input.guardId,
        reservation,
        usage: budget.usage(clock()),
      });
    } catch (err) {
      log.warn('granted incident is gone; returning its reservation', { incidentId: reservation.incidentId, error: String(err) });
      budget.release(reservation.incidentId, clock());
      changed = true;
    }
  };
  let nextHolderCheck = clock() + holderCheckMs;
  /** Signals every holder; one the signal cannot reach (closed, terminated, gone) returns its reservation. */
  const checkHolders = async (): Promise<void> => {
    nextHolderCheck = clock() + holderCheckMs;
    const holders = budget.holders();
    await Promise.all(
      holders.map(async (incidentId) => {
        try {
          await getExternalWorkflowHandle(incidentId).signal(fleetHolderLivenessSignal);
        } catch (err) {
          log.warn('holder is closed; taking its reservation back', { incidentId, error: String(err) });
          budget.release(incidentId, clock());
          changed = true;
        }
      }),
    );
  };
  const grantWaiters = async (): Promise<void> => {
    while (changed) {
      changed = false;
      const granted = budget.promote(clock());
      await Promise.all(granted.map(tell));
    }
  };
  // From the input, not workflowInfo(): the queue a worker polls is not part of history (a replay runs on its own).
  const elsewhere = () => home !== undefined && home !== input.taskQueue;
  const tooLong = () => workflowInfo().historyLength > continueAfter || workflowInfo().continueAsNewSuggested || elsewhere();

  for (;;) {
    await grantWaiters();
    if (tooLong()) break;
    const now = clock();
    if (budget.isEmpty(now)) {
      if (!(await condition(() => changed, IDLE_BEFORE_END))) {
        await condition(allHandlersFinished);
        if (!changed && budget.isEmpty(clock())) return view();
      }
      continue;
    }
    // A grant leaving the window may let the head of the queue in (or leave the guard empty): a durable timer wakes it then.
    const expiry = budget.nextWindowExpiry(now) ?? budget.windowDrainsAt(now);
    // While anything is held, the next holder check wakes it too.
    const holderCheck = checksHolders && budget.holders().length > 0 ? nextHolderCheck : undefined;
    const wake = expiry === undefined ? holderCheck : holderCheck === undefined ? expiry : Math.min(expiry, holderCheck);
    if (wake !== undefined) {
      if (!(await condition(() => changed || tooLong(), Math.max(1, wake - now)))) {
        if (holderCheck !== undefined && clock() >= holderCheck) await checkHolders();
        changed = true;
      }
    } else {
      await condition(() => changed || tooLong());
    }
  }
  // Every handler finished and every grant told before the state moves to the next run.
  await condition(allHandlersFinished);
  await grantWaiters();
  const next: FleetGuardInput = { ...input, carried: { state: budget.snapshot(clock()), run } };
  if (elsewhere()) {
    log.info("fleet guard moving to the guards' task queue", {
      guardId: input.guardId,
      run,
      from: input.taskQueue ?? "the incidents' queue",
      to: home,
    });
    return makeContinueAsNewFunc<typeof fleetGuardWorkflow>({ taskQueue: home })({ ...next, taskQueue: home });
  }
  log.info('fleet guard continuing as new to keep history small', { guardId: input.guardId, run });
  return continueAsNew<typeof fleetGuardWorkflow>(next);
}
