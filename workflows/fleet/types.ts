/**
 * Plain data of the fleet guard (workflows/fleet-guard-workflow.ts): its limits, the
 * reservations it holds, the answers it gives. Shared by the guard, the incident's fleet
 * steps, the activities that talk to the guard, the API/CLI and tests. Dependency-free.
 */

/**
 * The blast-radius budget of one Auto Scaling group:
 *   - at most `maxConcurrent` reservations held at once (overrides included);
 *   - at most `maxPercent` % of the group's desired capacity (rounded down, at least 1)
 *     granted within any sliding window of `windowMinutes` minutes (0: no window limit).
 */
export interface FleetLimits {
  maxConcurrent: number;
  maxPercent: number;
  windowMinutes: number;
}

/** The defaults of CORDON_FLEET_MAX_CONCURRENT, CORDON_FLEET_MAX_PERCENT, CORDON_FLEET_WINDOW_MINUTES. */
export const defaultFleetLimits: FleetLimits = { maxConcurrent: 3, maxPercent: 34, windowMinutes: 60 };

/** Which group a guard watches (its workflow id is `fleet-guard-<account>-<region>-<group>`). */
export interface FleetGroupRef {
  account: string;
  region: string;
  groupName: string;
}

/** A containment reservation: one incident may take one member out of the group. */
export interface FleetReservation {
  incidentId: string;
  /** Numbers each request the guard queued or granted; a grant signal names the ticket it answers. */
  ticket: number;
  /** `budget`: granted within the limits; `override`: an operator released the incident past them. */
  kind: 'budget' | 'override';
  grantedAt: string;
  /** When the incident started waiting (granted from the queue). */
  queuedAt?: string;
  /** The operator who approved an override, and why. */
  by?: string;
  reason?: string;
}

export interface FleetWaiter {
  incidentId: string;
  ticket: number;
  since: string;
}

/** One line of the guard's ledger (the last few hundred grants and their release). */
export interface FleetLedgerEntry {
  incidentId: string;
  ticket: number;
  kind: FleetReservation['kind'];
  grantedAt: string;
  releasedAt?: string;
  by?: string;
}

/** The budget's numbers at one moment, as operators read them. */
export interface FleetUsage {
  groupName: string;
  concurrent: number;
  maxConcurrent: number;
  grantedInWindow: number;
  windowCap: number;
  windowMinutes: number;
  maxPercent: number;
  desiredCapacity: number;
}

/** Everything the guard is: carried across continue-as-new, answered by its state query. */
export interface FleetBudgetState {
  group: FleetGroupRef;
  limits: FleetLimits;
  desiredCapacity: number;
  nextTicket: number;
  active: FleetReservation[];
  waiting: FleetWaiter[];
  /** Grant times still inside the sliding window (overrides included). */
  window: { incidentId: string; ticket: number; at: string }[];
  ledger: FleetLedgerEntry[];
  totals: { granted: number; overrides: number; released: number; withdrawn: number };
}

export interface FleetGuardView extends FleetBudgetState {
  usage: FleetUsage;
  /** How many runs this guard has been through (continue-as-new keeps its history small). */
  run: number;
}

/** An incident asks for a reservation before the first step that takes capacity away. */
export interface ReserveContainment {
  incidentId: string;
  /** The group's desired capacity as the incident described it (detach keeps it unchanged). */
  desiredCapacity: number;
  /** The worker's configured budget (the guard applies the latest it was sent). */
  limits: FleetLimits;
  /** The task queue the asking worker runs guards on: a guard running on another one moves there. */
  guardTaskQueue?: string;
}

export type ReserveAnswer =
  | { status: 'granted'; ticket: number; reservation: FleetReservation; usage: FleetUsage }
  | { status: 'queued'; ticket: number; position: number; reason: string; usage: FleetUsage };

/** An operator approved the incident's fleet-budget step: hold a reservation past the budget. */
export interface OverrideContainment {
  incidentId: string;
  by: string;
  reason: string;
  /** As in ReserveContainment. */
  guardTaskQueue?: string;
}

export interface OverrideAnswer {
  /** `already-granted`: the guard had granted it from the queue before the override arrived. */
  status: 'granted' | 'already-granted';
  reservation: FleetReservation;
  usage: FleetUsage;
}

/** The incident's containment ended (or it gave up waiting): return what it holds or leave the queue. */
export interface ReleaseContainment {
  incidentId: string;
}

export interface ReleaseAnswer {
  /** What the incident had: a reservation, a place in the queue, or nothing (a repeated release). */
  released: 'reservation' | 'waiter' | 'nothing';
  reservation?: FleetReservation;
}

/** The guard tells a queued incident that its reservation was granted. */
export interface FleetGrant {
  guardId: string;
  reservation: FleetReservation;
  usage: FleetUsage;
}

export interface FleetGuardInput {
  guardId: string;
  group: FleetGroupRef;
  limits: FleetLimits;
  desiredCapacity: number;
  /** The task queue this run was started on (absent: the incidents' queue, where earlier versions started guards). */
  taskQueue?: string;
  /** Continue-as-new once history passes this many events (default 2000). */
  continueAsNewAfterEvents?: number;
  /** How often the guard checks that every holder still runs (default 10 minutes; tests lower it). */
  holderCheckSeconds?: number;
  /** What the previous run handed over at continue-as-new. */
  carried?: { state: FleetBudgetState; run: number };
}

/** The guard of one group: `fleet-guard-<account>-<region>-<group>`. */
export function fleetGuardId(group: FleetGroupRef): string {
  return `fleet-guard-${group.account}-${group.region}-${group.groupName}`;
}
