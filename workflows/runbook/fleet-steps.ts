/**
 * The runbook's fleet-guard request and its two steps (DESIGN.md "Fleet guard"; the guard is
 * workflows/fleet-guard-workflow.ts):
 *   - `askFleetEarly`, as soon as containment is approved: asks the group's guard for a
 *     containment reservation (update-with-start) from a local activity, which runs beside the
 *     chain's first steps in the same workflow task. The task is therefore not completed mid-chain,
 *     so nothing else (e.g. the snapshot completion's DescribeSnapshots polls) is dispatched while
 *     the instance is being isolated. While the guard answers, that task holds one of the incident
 *     worker's workflow-task slots: the guards run on their own task queue with their own slots
 *     (src/bootstrap/create-worker.ts), so incidents waiting for a guard never hold the slots it needs.
 *   - `fleet-budget`, just before the first step that takes capacity away: waits for that answer.
 *     Granted → done. Over budget → the step waits for a person, awaiting approval with the
 *     guard's reason ("fleet budget exceeded (…)") and paged like any gate; it also passes by
 *     itself when the guard signals that a freed slot is now this incident's. An approver's
 *     approval holds an override reservation in the guard (the timeline says who); a reject (or
 *     closing the incident) leaves the guard's queue, and the steps that take capacity away are skipped.
 *   - `fleet-release`, after the final tags: returns whatever the pass holds, whether the chain
 *     succeeded, failed or was skipped, so a reservation never outlives its containment.
 * Override and release are regular activities (off the chain's critical path).
 * Invariants: plan mode (`dryRun`) and instances outside a group never reach the guard; the
 * guard keys reservations by incident id, so a re-run local activity, a retried activity or a
 * replayed workflow never takes two; a grant signal counts only for the ticket this pass was given.
 */
import { patched, proxyActivities, proxyLocalActivities, setHandler } from '@temporalio/workflow';
import type { CordonActivities } from '../../activities';
import { profiles } from '../activity-profiles';
import { fleetHolderLivenessSignal, fleetReservationGrantedSignal, type FleetGrant, type ReserveAnswer } from '../definitions';
import { type GatePolicy } from '../../src/domain/gate';
import { type RunbookPolicy } from '../../src/domain/runbook-policy';
import { fleetGuardId, type FleetGroupRef, type FleetUsage } from '../fleet/types';
import { flushAudit } from './audit-flush';
import { done, failed, skipped, type RunContext, type RunbookStep, type StepResult } from './runner';

const guard = proxyActivities<CordonActivities>(profiles.fleetGuard);
/** The early request, beside the chain's local activities (longer retry backoffs become workflow timers). */
const guardBesideChain = proxyLocalActivities<CordonActivities>({ ...profiles.fleetGuard, localRetryThreshold: '10s' });
const nowIso = (): string => new Date().toISOString();
const STEP = 'fleet-budget';

/** What one pass of the runbook holds at its group's guard. */
export interface FleetHold {
  group: FleetGroupRef;
  /** The reservation request sent early (askFleetEarly, a local activity), awaited by the step. */
  asked?: Promise<ReserveAnswer>;
  /** The ticket the guard gave this pass's request (a grant signal must name it). */
  ticket?: number;
  held: boolean;
  grants: Map<number, FleetGrant>;
}

const causeText = (err: unknown): string => {
  const e = err as { message?: string; cause?: { message?: string } };
  return e.cause?.message ?? e.message ?? String(err);
};
const usageText = (u: FleetUsage): string =>
  `${u.concurrent} of ${u.maxConcurrent} held${u.windowMinutes > 0 ? `, ${u.grantedInWindow} of ${u.windowCap} granted in the last ${u.windowMinutes} min` : ''}`;

/** Approvers release an incident past the budget; the contain gate's contacts and timeout apply. */
export function budgetGate(policy: RunbookPolicy): GatePolicy {
  const contain = policy.contain === 'record-only' ? undefined : policy.contain;
  return {
    mode: 'approve',
    approverRoles: ['approver'],
    forbidSelfApproval: contain?.forbidSelfApproval ?? true,
    timeoutMinutes: contain?.timeoutMinutes ?? 30,
    onTimeout: 'escalate',
    ...(contain?.notify ? { notify: contain.notify } : {}),
    ...(contain?.escalateTo ? { escalateTo: contain.escalateTo } : {}),
  };
}

/** This pass's hold, and the handler that hears the guard's grant (buffered until registered; replaced per pass). */
function listen(ctx: RunContext, group: FleetGroupRef): FleetHold {
  const hold: FleetHold = { group, held: false, grants: new Map() };
  ctx.facts.fleet = hold;
  // The guard's liveness check needs only the delivery to succeed (a closed incident's fails).
  setHandler(fleetHolderLivenessSignal, () => undefined);
  setHandler(fleetReservationGrantedSignal, (grant: FleetGrant) => {
    hold.grants.set(grant.reservation.ticket, grant);
    if (grant.reservation.ticket === hold.ticket && !hold.held)
      ctx.gates.relax(STEP, `granted by ${grant.guardId} when a slot was freed (${usageText(grant.usage)})`);
  });
  return hold;
}

/** The reject's "name rejected: reason", from the gate's record of it. */
function rejection(ctx: RunContext): string | undefined {
  const rejected = ctx.gates.rejectionOf(STEP);
  return rejected && `${rejected.by} rejected: ${rejected.reason}`;
}

async function waitForPerson(ctx: RunContext, hold: FleetHold, reason: string): Promise<StepResult> {
  const incidentId = ctx.input.incidentId;
  const waiting = ctx.gates.pass(STEP, budgetGate(ctx.input.policy));
  ctx.state.transition(
    STEP,
    'awaiting-approval',
    nowIso(),
    `${reason}: proceeds by itself when the guard grants a freed slot; an approver may approve (contain past the budget) or reject (skip the steps that take capacity away)`,
  );
  flushAudit(ctx.state);
  const result = await waiting;
  const approval = ctx.state.step(STEP).approvals?.at(-1);
  if (result.status === 'done' && !approval) {
    hold.held = true;
    return done(result.detail);
  }
  if (result.status === 'done' && approval) {
    hold.held = true;
    try {
      const r = await guard.overrideContainment({ group: hold.group, incidentId, by: approval.by, reason: approval.reason });
      return done(
        r.status === 'already-granted'
          ? `approved by ${approval.by}, but the guard had already granted reservation ${r.reservation.ticket} from the queue (${usageText(r.usage)})`
          : `released past the fleet budget by ${approval.by}: ${approval.reason} (override reservation ${r.reservation.ticket}; ${usageText(r.usage)})`,
      );
    } catch (err) {
      return done(
        `released past the fleet budget by ${approval.by}: ${approval.reason}; the guard did not record the override (${causeText(err)})`,
      );
    }
  }
  // Rejected, closed or aborted: leave the queue (or return a grant that raced the decision).
  let left = '';
  try {
    await guard.releaseContainment({ group: hold.group, incidentId });
  } catch (err) {
    left = `; could not leave the guard's queue (${causeText(err)})`;
  }
  hold.held = false;
  return skipped(`${rejection(ctx) ?? result.detail}: the steps that take capacity away are skipped${left}`);
}

/** The group this incident would ask, or undefined when it needs no reservation (plan mode, no group). */
function groupOf(ctx: RunContext): FleetGroupRef | undefined {
  const group = ctx.facts.target?.autoScalingGroup;
  if (!group || ctx.input.dryRun) return undefined;
  return { account: ctx.input.resource.account, region: ctx.input.resource.region, groupName: group.name };
}

/** Right after containment is approved: send the reservation request, so its answer overlaps the chain's first steps. */
export function askFleetEarly(ctx: RunContext): void {
  const ref = groupOf(ctx);
  // patched(): incidents opened before the guard, or that asked at the step, replay as they ran.
  if (!ref || ctx.facts.fleet?.asked || !patched('fleet-ask-early') || !patched('fleet-guard')) return;
  const hold = listen(ctx, ref);
  // patched(): incidents that asked early by a regular activity replay asking so.
  const ask = patched('fleet-ask-local') ? guardBesideChain : guard;
  hold.asked = ask.reserveContainment({
    group: ref,
    incidentId: ctx.input.incidentId,
    desiredCapacity: ctx.facts.target!.autoScalingGroup!.desiredCapacity,
  });
  // Awaited by the step; a failure is handled there, never as an unhandled rejection.
  hold.asked.catch(() => undefined);
}

export const fleetBudgetStep: RunbookStep = {
  name: STEP,
  kind: 'action',
  requires: ['contain'],
  async run(ctx) {
    const group = ctx.facts.target?.autoScalingGroup;
    if (!group) return done('not in an Auto Scaling group: no reservation needed');
    const ref: FleetGroupRef = { account: ctx.input.resource.account, region: ctx.input.resource.region, groupName: group.name };
    const guardId = fleetGuardId(ref);
    if (ctx.input.dryRun)
      return done(`plan: would ask the fleet guard ${guardId} for a reservation (desired capacity ${group.desiredCapacity})`);
    const early = ctx.facts.fleet?.asked ? ctx.facts.fleet : undefined;
    if (!early && !patched('fleet-guard')) return done('incident opened before the fleet guard: no reservation asked for');
    const hold = early ?? listen(ctx, ref);
    try {
      const answer = await (early?.asked ??
        guard.reserveContainment({ group: ref, incidentId: ctx.input.incidentId, desiredCapacity: group.desiredCapacity }));
      hold.ticket = answer.ticket;
      if (answer.status === 'granted') {
        hold.held = true;
        return done(`reservation ${answer.ticket} granted by ${guardId} (${usageText(answer.usage)})`);
      }
      // The guard may have granted (and signalled) before this answer was processed.
      const granted = hold.grants.get(answer.ticket);
      if (granted) {
        hold.held = true;
        return done(`granted by ${guardId} when a slot was freed (${usageText(granted.usage)})`);
      }
      return await waitForPerson(ctx, hold, `${answer.reason}; #${answer.position} in the queue`);
    } catch (err) {
      if (hold.ticket !== undefined) throw err;
      // The guard could not be asked: a person decides, as when over budget.
      return waitForPerson(ctx, hold, `the fleet guard ${guardId} did not answer (${causeText(err)})`);
    }
  },
};

export const fleetReleaseStep: RunbookStep = {
  name: 'fleet-release',
  kind: 'action',
  requires: [],
  async run(ctx) {
    const hold = ctx.facts.fleet;
    if (!hold?.held || ctx.input.dryRun) return skipped('no containment reservation held');
    const guardId = fleetGuardId(hold.group);
    try {
      const r = await guard.releaseContainment({ group: hold.group, incidentId: ctx.input.incidentId });
      hold.held = false;
      return done(
        r.released === 'reservation'
          ? `reservation ${r.reservation!.ticket} returned to ${guardId}`
          : `${guardId} held nothing for this incident any more`,
      );
    } catch (err) {
      return failed(`could not return the reservation to ${guardId} (${causeText(err)}); it stays held until released`);
    }
  },
};
