/**
 * The fleet guard's budget as a plain class: grants, queues and releases containment
 * reservations for one Auto Scaling group. The guard workflow drives it from its update
 * handlers; unit tests drive it with explicit clocks.
 * Invariants:
 *   - one reservation or one place in the queue per incident id: asking again (a retried
 *     activity, a replayed workflow) answers with what the incident already has;
 *   - a budget grant happens only while fewer than `maxConcurrent` reservations are held and
 *     fewer than the window cap (`maxPercent` % of desired capacity, rounded down, at least 1)
 *     were granted in the last `windowMinutes` minutes; overrides count toward both once held;
 *   - waiters are granted strictly in arrival order, and a newcomer never passes a waiter;
 *   - releasing frees a concurrent slot, never a window slot (the window counts grants).
 * Time comes in as epoch milliseconds (the workflow clock), so the class stays deterministic;
 * reads (usage, snapshot, the wake-up times) never change the state, so a query cannot either.
 */
import type {
  FleetBudgetState,
  FleetGroupRef,
  FleetLedgerEntry,
  FleetLimits,
  FleetReservation,
  FleetUsage,
  OverrideAnswer,
  OverrideContainment,
  ReleaseAnswer,
  ReserveAnswer,
  ReserveContainment,
} from './types';

/** The ledger keeps this many recent grants (enough to audit a storm, small enough to carry). */
export const LEDGER_SIZE = 256;

const iso = (ms: number): string => new Date(ms).toISOString();
/** Plain data only (the workflow sandbox has no structuredClone). */
const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** The most reservations granted within one window: P % of desired capacity, rounded down, at least 1. */
export function windowCap(desiredCapacity: number, maxPercent: number): number {
  return Math.max(1, Math.floor((Math.max(0, desiredCapacity) * maxPercent) / 100));
}

/** Why limits are unusable, or undefined when they are fine (the guard's validators call it). */
export function limitsProblem(limits: FleetLimits): string | undefined {
  if (!Number.isInteger(limits.maxConcurrent) || limits.maxConcurrent < 1)
    return `maxConcurrent must be a whole number ≥ 1, got ${limits.maxConcurrent}`;
  if (!(limits.maxPercent > 0 && limits.maxPercent <= 100)) return `maxPercent must be in (0, 100], got ${limits.maxPercent}`;
  if (!(limits.windowMinutes >= 0)) return `windowMinutes must be ≥ 0, got ${limits.windowMinutes}`;
  return undefined;
}

export class FleetBudget {
  private readonly s: FleetBudgetState;

  constructor(group: FleetGroupRef, limits: FleetLimits, desiredCapacity: number, carried?: FleetBudgetState) {
    this.s = carried
      ? copy(carried)
      : {
          group,
          limits,
          desiredCapacity,
          nextTicket: 1,
          active: [],
          waiting: [],
          window: [],
          ledger: [],
          totals: { granted: 0, overrides: 0, released: 0, withdrawn: 0 },
        };
  }

  /** A reservation for the incident: held already, granted now, or a place in the queue. */
  reserve(req: ReserveContainment, now: number): ReserveAnswer {
    this.s.limits = { ...req.limits };
    this.s.desiredCapacity = req.desiredCapacity;
    this.expire(now);
    const held = this.s.active.find((r) => r.incidentId === req.incidentId);
    if (held) return { status: 'granted', ticket: held.ticket, reservation: { ...held }, usage: this.usage(now) };
    const queued = this.s.waiting.findIndex((w) => w.incidentId === req.incidentId);
    if (queued >= 0)
      return {
        status: 'queued',
        ticket: this.s.waiting[queued]!.ticket,
        position: queued + 1,
        reason: this.overBudgetReason(now),
        usage: this.usage(now),
      };
    const ticket = this.s.nextTicket++;
    if (this.s.waiting.length === 0 && this.fits(now)) {
      const reservation = this.grant({ incidentId: req.incidentId, ticket, kind: 'budget', grantedAt: iso(now) }, now);
      return { status: 'granted', ticket, reservation: { ...reservation }, usage: this.usage(now) };
    }
    this.s.waiting.push({ incidentId: req.incidentId, ticket, since: iso(now) });
    return { status: 'queued', ticket, position: this.s.waiting.length, reason: this.overBudgetReason(now), usage: this.usage(now) };
  }

  /** An operator released the incident past the budget: it holds an override reservation (unless it holds one already). */
  override(req: OverrideContainment, now: number): OverrideAnswer {
    this.expire(now);
    const held = this.s.active.find((r) => r.incidentId === req.incidentId);
    if (held) return { status: 'already-granted', reservation: { ...held }, usage: this.usage(now) };
    const queued = this.s.waiting.findIndex((w) => w.incidentId === req.incidentId);
    const waiter = queued >= 0 ? this.s.waiting.splice(queued, 1)[0]! : undefined;
    const reservation = this.grant(
      {
        incidentId: req.incidentId,
        ticket: waiter?.ticket ?? this.s.nextTicket++,
        kind: 'override',
        grantedAt: iso(now),
        ...(waiter ? { queuedAt: waiter.since } : {}),
        by: req.by,
        reason: req.reason,
      },
      now,
    );
    return { status: 'granted', reservation: { ...reservation }, usage: this.usage(now) };
  }

  /** Returns the incident's reservation, or takes it out of the queue; a second release finds nothing. */
  release(incidentId: string, now: number): ReleaseAnswer {
    const i = this.s.active.findIndex((r) => r.incidentId === incidentId);
    if (i >= 0) {
      const [reservation] = this.s.active.splice(i, 1);
      const line = this.s.ledger.find((l) => l.incidentId === incidentId && l.ticket === reservation!.ticket);
      if (line) line.releasedAt = iso(now);
      this.s.totals.released += 1;
      return { released: 'reservation', reservation };
    }
    const w = this.s.waiting.findIndex((x) => x.incidentId === incidentId);
    if (w >= 0) {
      this.s.waiting.splice(w, 1);
      this.s.totals.withdrawn += 1;
      return { released: 'waiter' };
    }
    return { released: 'nothing' };
  }

  /** Grants waiters, in order, while the budget allows; returns the new reservations (the guard tells each incident). */
  promote(now: number): FleetReservation[] {
    this.expire(now);
    const granted: FleetReservation[] = [];
    while (this.s.waiting.length > 0 && this.fits(now)) {
      const w = this.s.waiting.shift()!;
      granted.push({
        ...this.grant({ incidentId: w.incidentId, ticket: w.ticket, kind: 'budget', grantedAt: iso(now), queuedAt: w.since }, now),
      });
    }
    return granted;
  }

  /** When a window slot frees for the head of the queue (epoch ms), if only the window holds it back. */
  nextWindowExpiry(now: number): number | undefined {
    const window = this.inWindow(now);
    if (this.s.waiting.length === 0 || window.length === 0 || this.s.active.length >= this.s.limits.maxConcurrent) return undefined;
    return Date.parse(window[0]!.at) + this.windowMs();
  }

  /** When the window empties (epoch ms), if nothing is held or queued: then the guard is empty. */
  windowDrainsAt(now: number): number | undefined {
    const window = this.inWindow(now);
    if (this.s.active.length > 0 || this.s.waiting.length > 0 || window.length === 0) return undefined;
    return Date.parse(window[window.length - 1]!.at) + this.windowMs();
  }

  usage(now: number): FleetUsage {
    const { limits } = this.s;
    return {
      groupName: this.s.group.groupName,
      concurrent: this.s.active.length,
      maxConcurrent: limits.maxConcurrent,
      grantedInWindow: this.inWindow(now).length,
      windowCap: windowCap(this.s.desiredCapacity, limits.maxPercent),
      windowMinutes: limits.windowMinutes,
      maxPercent: limits.maxPercent,
      desiredCapacity: this.s.desiredCapacity,
    };
  }

  /** "fleet budget exceeded (…)": the numbers operators decide on. */
  overBudgetReason(now: number): string {
    const u = this.usage(now);
    const parts = [
      `${u.concurrent} of ${u.maxConcurrent} concurrent containments held`,
      u.windowMinutes > 0
        ? `${u.grantedInWindow} of ${u.windowCap} granted in the last ${u.windowMinutes} min (${u.maxPercent}% of desired capacity ${u.desiredCapacity})`
        : 'no window limit',
    ];
    const ahead = this.s.waiting.length;
    return `fleet budget exceeded (group ${u.groupName}: ${parts.join('; ')}${ahead ? `; ${ahead} incident(s) waiting` : ''})`;
  }

  /** Nothing held, nobody waiting, nothing in the window: the guard may end. */
  isEmpty(now: number): boolean {
    return this.s.active.length === 0 && this.s.waiting.length === 0 && this.inWindow(now).length === 0;
  }

  /** The incidents holding a reservation now. */
  holders(): string[] {
    return this.s.active.map((r) => r.incidentId);
  }

  /** A copy with the window as of `now`; reads only (the guard's query calls it). */
  snapshot(now: number): FleetBudgetState {
    return { ...copy(this.s), window: copy(this.inWindow(now)) };
  }

  private fits(now: number): boolean {
    const u = this.usage(now);
    return u.concurrent < u.maxConcurrent && (u.windowMinutes === 0 || u.grantedInWindow < u.windowCap);
  }

  private grant(reservation: FleetReservation, now: number): FleetReservation {
    this.s.active.push(reservation);
    if (this.s.limits.windowMinutes > 0)
      this.s.window.push({ incidentId: reservation.incidentId, ticket: reservation.ticket, at: iso(now) });
    const line: FleetLedgerEntry = {
      incidentId: reservation.incidentId,
      ticket: reservation.ticket,
      kind: reservation.kind,
      grantedAt: reservation.grantedAt,
      ...(reservation.by ? { by: reservation.by } : {}),
    };
    this.s.ledger.push(line);
    if (this.s.ledger.length > LEDGER_SIZE) this.s.ledger.splice(0, this.s.ledger.length - LEDGER_SIZE);
    this.s.totals.granted += 1;
    if (reservation.kind === 'override') this.s.totals.overrides += 1;
    return reservation;
  }

  private windowMs(): number {
    return this.s.limits.windowMinutes * 60_000;
  }

  /** The grants still inside the window at `now`, without changing the state. */
  private inWindow(now: number): FleetBudgetState['window'] {
    if (this.s.limits.windowMinutes === 0) return [];
    const horizon = now - this.windowMs();
    return this.s.window.filter((w) => Date.parse(w.at) > horizon);
  }

  /** Drops grants that left the window (only the operations that change the state call it). */
  private expire(now: number): void {
    if (this.s.limits.windowMinutes === 0) {
      this.s.window.length = 0;
      return;
    }
    const horizon = now - this.windowMs();
    while (this.s.window.length > 0 && Date.parse(this.s.window[0]!.at) <= horizon) this.s.window.shift();
  }
}
