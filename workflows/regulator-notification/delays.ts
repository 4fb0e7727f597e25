/**
 * Law-enforcement and national-security delays of one breach (45 CFR 164.412; Form 8-K Item
 * 1.05(c); US state laws): the refusals of the start-delay and end-delay updates. A delay is a
 * documented, time-boxed pause of the clocks it names (src/regulatory/pauses.ts); the clock
 * arithmetic lives in clocks.ts.
 *
 * Invariants: only obligations whose law provides for such a delay (`lawEnforcementDelay`) and
 * that are not resolved can be paused; the record names the agency, the official and the basis
 * (written or oral); the time box is required and bounded where the law bounds it (an oral
 * HIPAA statement: 30 days; SEC: 30 days per Attorney General notice); a delay ends once.
 * Recording a delay is a legal decision: dpo (admin passes).
 */
import type { Obligation } from '../../src/regulatory/types';
import { isResolved } from './clocks';
import { blank, hasRole, instantProblem, type Refusal } from './refusals';
import type { BreachRecord, EndDelay, StartDelay } from './types';

const DAY = 86_400_000;

/** The longest pause the law allows for this obligation and basis, in days (undefined: the statement's own period). */
export function maxDelayDays(o: Obligation, basis: 'written' | 'oral'): number | undefined {
  const d = o.lawEnforcementDelay;
  if (!d) return undefined;
  return basis === 'oral' ? (d.oralMaxDays ?? d.maxDays) : d.maxDays;
}

export function refuseStartDelay(r: BreachRecord, d: StartDelay, now: string): Refusal | undefined {
  if (!hasRole(d.operator.roles, 'dpo'))
    return { type: 'Forbidden', message: `${d.operator.name} may not record a law-enforcement delay (dpo or admin)` };
  if (d.basis !== 'written' && d.basis !== 'oral')
    return { type: 'InvalidRequest', message: 'basis must be written or oral (45 CFR 164.412)' };
  if (blank(d.agency) || blank(d.official))
    return { type: 'InvalidRequest', message: "name the agency and the official's identity (45 CFR 164.412(b))" };
  if (blank(d.reason)) return { type: 'InvalidRequest', message: 'say what the agency stated (the delay must be documented)' };
  const bad = instantProblem(d.from, 'from', now);
  if (bad) return bad;
  if (!/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/i.test(d.until) || Number.isNaN(Date.parse(d.until)))
    return { type: 'InvalidRequest', message: 'until must be an ISO-8601 instant with an offset (the time box)' };
  if (Date.parse(d.until) <= Date.parse(d.from)) return { type: 'InvalidRequest', message: 'until must lie after from' };
  if (!Array.isArray(d.obligationIds) || d.obligationIds.length === 0)
    return { type: 'InvalidRequest', message: 'name the clocks the delay pauses' };
  for (const id of d.obligationIds) {
    const o = r.obligations.find((x) => x.id === id);
    if (!o) return { type: 'Conflict', message: `${id} is not an obligation of this breach` };
    if (!o.lawEnforcementDelay) return { type: 'Conflict', message: `${id}: the law provides no law-enforcement delay for this notice` };
    if (isResolved(r, o)) return { type: 'Conflict', message: `${id} is already resolved` };
    const max = maxDelayDays(o, d.basis);
    if (max !== undefined && Date.parse(d.until) - Date.parse(d.from) > max * DAY) {
      return {
        type: 'InvalidRequest',
        message: `${id}: a ${d.basis} delay lasts at most ${max} days (${o.lawEnforcementDelay.source.ref}); record a further statement as a new delay`,
      };
    }
  }
  return undefined;
}

export function refuseEndDelay(r: BreachRecord, e: EndDelay, now: string): Refusal | undefined {
  if (!hasRole(e.operator.roles, 'dpo'))
    return { type: 'Forbidden', message: `${e.operator.name} may not end a law-enforcement delay (dpo or admin)` };
  const d = (r.delays ?? []).find((x) => x.id === e.delayId);
  if (!d) return { type: 'Conflict', message: `no delay ${e.delayId} on this breach` };
  if (d.endedAt) return { type: 'Conflict', message: `${e.delayId} already ended at ${d.endedAt}` };
  if (blank(e.reason)) return { type: 'InvalidRequest', message: 'say why the delay ends (e.g. the agency lifted it)' };
  const bad = instantProblem(e.at, 'at', now);
  if (bad) return bad;
  if (Date.parse(e.at) < Date.parse(d.from)) return { type: 'InvalidRequest', message: 'a delay cannot end before it started' };
  return undefined;
}
