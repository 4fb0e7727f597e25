/**
 * What an entity profile means, for people: each regime that can apply, why, whether it needs
 * personal data, and each of its obligations with anchor, period and calendar; plus the defaults
 * the engine uses where the profile is silent. Served by `GET /v1/profile`, printed by
 * `cordon profile`. Pure.
 *
 * Invariant: regimes are listed as they would apply to a personal-data breach of the entity's own
 * jurisdictions (the widest case); `needsPersonalData` says which of them a security incident
 * without personal data still triggers once classified.
 */
import { profileAssumptions, type EntityProfile } from './profile';
import { applicableRegimes, nonPersonalDataRegimes } from './registry';
import type { AnchorSpec, ClassificationKind, Obligation, RegimeId } from './types';

export interface ObligationSummary {
  id: string;
  title: string;
  anchor: string;
  period: string;
  calendar: string;
  certainty: string;
  classification?: ClassificationKind;
}

export interface RegimeSummary {
  regime: RegimeId;
  because: string;
  needsPersonalData: boolean;
  obligations: ObligationSummary[];
}

export interface ProfileView {
  profile: EntityProfile;
  regimes: RegimeSummary[];
  /** Defaults used in place of missing settings, in words. */
  assumptions: string[];
}

const UNIT: Record<string, string> = {
  hours: 'h',
  calendarDays: ' calendar days',
  businessDays: ' business days',
  calendarMonths: ' month(s)',
};

export function describeAnchor(spec: AnchorSpec): string {
  if (typeof spec === 'string') return spec;
  return `min(${spec.earliestOf.map((t) => `${t.anchor} + ${t.offset.amount}${UNIT[t.offset.unit]}`).join(', ')})`;
}

export function describePeriod(o: Obligation): string {
  if (o.standard === 'qualitative') return `"${o.phrase}" (no fixed limit)`;
  if (!o.offset) return 'see anchor';
  return `${o.offset.amount}${UNIT[o.offset.unit]}`;
}

export function describeCalendar(o: Obligation): string {
  const c = o.calendar;
  return [
    c.timeZone,
    c.holidays,
    c.dayEnd ? `day ends ${c.dayEnd}` : undefined,
    c.weekendRelief ? 'weekend relief: noon next working day' : undefined,
  ]
    .filter(Boolean)
    .join(', ');
}

export function profileView(profile: EntityProfile): ProfileView {
  const withoutPd = new Set(nonPersonalDataRegimes(profile));
  const regions = [...profile.jurisdictions];
  const regimes = applicableRegimes({ profile, personalData: true, dataSubjectsRegions: regions }).map((r) => ({
    regime: r.regime,
    because: r.because,
    needsPersonalData: !withoutPd.has(r.regime),
    obligations: r.obligations.map((o) => ({
      id: o.id,
      title: o.title,
      anchor: describeAnchor(o.anchor),
      period: describePeriod(o),
      calendar: describeCalendar(o),
      certainty: o.certainty,
      ...(o.classification ? { classification: o.classification } : {}),
    })),
  }));
  return { profile, regimes, assumptions: profileAssumptions(profile) };
}
