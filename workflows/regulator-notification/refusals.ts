/**
 * The shared vocabulary of the breach workflow's update validators: a refusal (a failure-catalogue
 * type, src/domain/errors.ts, so the API and CLI answer it by the catalogue), the role check, and
 * the instant check.
 *
 * Invariant: refusal helpers never mutate; `admin` passes every role check.
 */
import type { Refusal as CatalogueRefusal } from '../../src/domain/errors';

/** The catalogue types a breach validator refuses with. */
export type Refusal = CatalogueRefusal<'Forbidden' | 'InvalidRequest' | 'Conflict' | 'LateWithoutReason'>;

export const hasRole = (roles: string[], ...allowed: string[]): boolean =>
  roles.includes('admin') || roles.some((r) => allowed.includes(r));

export const blank = (s: string | undefined): boolean => s === undefined || s.trim() === '';

const OFFSET_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;
/** Clock skew accepted between an operator's instant and the workflow clock. */
const SKEW_MS = 5 * 60_000;

/** An ISO-8601 instant with an offset, not in the future (beyond clock skew). */
export function instantProblem(value: string, what: string, now: string): Refusal | undefined {
  if (!OFFSET_INSTANT.test(value) || Number.isNaN(Date.parse(value)))
    return { type: 'InvalidRequest', message: `${what} must be an ISO-8601 instant with an offset` };
  if (Date.parse(value) > Date.parse(now) + SKEW_MS) return { type: 'InvalidRequest', message: `${what} lies in the future` };
  return undefined;
}

/** The instant normalised to UTC. */
export const utc = (value: string): string => new Date(Date.parse(value)).toISOString();
