/**
 * The entity profile: who the organisation is for each regime (roles, NIS2 class, DORA entity
 * type, SEC registrant, NYDFS covered entity) and where its authorities sit (zone, holiday
 * calendar of their Member State). Plain data, so the workflow carries it in its input; the zod
 * schema that validates the configured file lives in src/config/entity-profile.ts.
 *
 * Invariants: every default the engine uses in place of a missing setting is listed by
 * `profileAssumptions`, and shown with the profile — nothing is decided silently. The env
 * shorthand (CORDON_BREACH_JURISDICTIONS/SECTORS) builds a profile through
 * `profileFromShorthand`, so both paths meet in one shape.
 */
import { DORA_DEFAULT_CALENDAR, type DoraEntityType } from './dora';
import { EU_DEFAULT_ZONE } from './gdpr';
import { MEMBER_STATE_CALENDARS } from './holidays';
import type { HolidayCalendarId, RegimeId } from './types';

export type Region = 'EU' | 'UK' | 'US' | 'US-CA' | 'US-TX' | 'US-NY' | 'SG' | 'BR' | 'AU';
export const REGIONS: readonly Region[] = ['EU', 'UK', 'US', 'US-CA', 'US-TX', 'US-NY', 'SG', 'BR', 'AU'];
/** The env shorthand's vocabulary. */
export type Sector = 'financial' | 'health' | 'essential-entity' | 'important-entity' | 'trust-service' | 'sec-registrant';
export const SECTORS: readonly Sector[] = [
  'financial',
  'health',
  'essential-entity',
  'important-entity',
  'trust-service',
  'sec-registrant',
];

/** Where one regime's reports go, and the calendar its periods are counted on. */
export interface AuthorityProfile {
  regime: RegimeId;
  name: string;
  /** ISO 3166-1 alpha-2 of the authority's Member State / country. */
  memberState?: string;
  timeZone: string;
  /** Bank-holiday calendar; default: the Member State's, when Cordon holds it. */
  holidays?: HolidayCalendarId;
}

export interface EntityRoles {
  gdpr: 'controller' | 'processor';
  ukGdpr: 'controller' | 'processor';
  /** Present only for HIPAA covered entities and business associates. */
  hipaa?: 'covered-entity' | 'business-associate';
  pdpa: 'organisation' | 'data-intermediary';
  lgpd: 'controller' | 'processor';
}

export interface EntityProfile {
  name?: string;
  /** Where the organisation is established or carries on business ('US-NY' implies 'US'). */
  jurisdictions: Region[];
  /** EU/EEA Member States of establishment (ISO 3166-1 alpha-2). */
  memberStates: string[];
  roles: EntityRoles;
  nis2?: { entityClass: 'essential' | 'important'; trustServiceProvider: boolean };
  dora?: { entityType: DoraEntityType; reliefWithdrawn: boolean };
  secRegistrant: boolean;
  nydfsCoveredEntity: boolean;
  /** The HIPAA entity's own zone (164.404 periods end there). */
  hipaaTimeZone?: string;
  /** LGPD *agente de tratamento de pequeno porte* (doubled periods). */
  smallProcessingAgent: boolean;
  authorities: AuthorityProfile[];
  source: 'file' | 'shorthand';
}

export const DEFAULT_ROLES: EntityRoles = { gdpr: 'controller', ukGdpr: 'controller', pdpa: 'organisation', lgpd: 'controller' };
export const HIPAA_DEFAULT_ZONE = 'America/New_York';

/** The profile the env shorthand stands for (the sectors list of earlier configurations). */
export function profileFromShorthand(jurisdictions: readonly Region[], sectors: readonly Sector[], euZone?: string): EntityProfile {
  const has = (s: Sector) => sectors.includes(s);
  const eu = jurisdictions.includes('EU');
  const nis2Class = has('essential-entity') ? 'essential' : has('important-entity') ? 'important' : undefined;
  return {
    jurisdictions: [...jurisdictions],
    memberStates: [],
    roles: { ...DEFAULT_ROLES, ...(has('health') ? { hipaa: 'covered-entity' as const } : {}) },
    ...(eu && nis2Class ? { nis2: { entityClass: nis2Class, trustServiceProvider: has('trust-service') } } : {}),
    ...(eu && has('financial') ? { dora: { entityType: 'unspecified' as const, reliefWithdrawn: false } } : {}),
    secRegistrant: has('sec-registrant'),
    nydfsCoveredEntity: has('financial') && jurisdictions.includes('US-NY'),
    smallProcessingAgent: false,
    authorities:
      euZone && euZone !== EU_DEFAULT_ZONE
        ? (['gdpr', 'nis2'] as const).map((regime) => ({
            regime,
            name: `${regime === 'gdpr' ? 'supervisory authority' : 'CSIRT'} (zone from CORDON_BREACH_DISPLAY_ZONE)`,
            timeZone: euZone,
          }))
        : [],
    source: 'shorthand',
  };
}

/** The authority configured for a regime, if any. */
export const authorityFor = (p: EntityProfile, regime: RegimeId): AuthorityProfile | undefined =>
  p.authorities.find((a) => a.regime === regime);

/** The calendar a regime's periods end on per the profile, and the default used when unset. */
export function regimeCalendar(
  p: EntityProfile,
  regime: 'gdpr' | 'nis2' | 'dora' | 'hipaa',
): { timeZone: string; holidays?: HolidayCalendarId; assumed?: string } {
  if (regime === 'hipaa') {
    return p.hipaaTimeZone
      ? { timeZone: p.hipaaTimeZone }
      : {
          timeZone: HIPAA_DEFAULT_ZONE,
          assumed: `HIPAA periods end in ${HIPAA_DEFAULT_ZONE}: set the entity's own zone (no zone is always the earlier one)`,
        };
  }
  const a = authorityFor(p, regime);
  if (regime === 'dora') {
    if (!a)
      return {
        timeZone: DORA_DEFAULT_CALENDAR.timeZone,
        holidays: DORA_DEFAULT_CALENDAR.holidays as HolidayCalendarId,
        assumed: "DORA competent authority not configured: relief counted on Germany's calendar (Europe/Berlin)",
      };
    const holidays = a.holidays ?? (a.memberState ? MEMBER_STATE_CALENDARS[a.memberState] : undefined);
    return {
      timeZone: a.timeZone,
      ...(holidays
        ? { holidays }
        : {
            assumed: `no holiday calendar for ${a.memberState ?? a.name}: DORA relief skips weekends only (a holiday missed makes a limit earlier, never later)`,
          }),
    };
  }
  if (a) return { timeZone: a.timeZone, ...(a.holidays ? { holidays: a.holidays } : {}) };
  return {
    timeZone: EU_DEFAULT_ZONE,
    assumed: `${regime === 'nis2' ? 'NIS2 CSIRT' : 'GDPR supervisory authority'} not configured: month-based periods end at midnight ${EU_DEFAULT_ZONE}`,
  };
}

/** Every default the engine applies for this profile, in words; shown by `cordon profile`. */
export function profileAssumptions(p: EntityProfile): string[] {
  const out: string[] = [];
  const eu = p.jurisdictions.includes('EU');
  if (eu)
    out.push(
      ...[regimeCalendar(p, 'gdpr').assumed, p.nis2 ? regimeCalendar(p, 'nis2').assumed : undefined].filter((x): x is string => !!x),
    );
  if (p.dora) {
    const c = regimeCalendar(p, 'dora');
    if (c.assumed) out.push(c.assumed);
    if (p.dora.entityType === 'unspecified')
      out.push('DORA entity type not configured: no weekend relief on initial and intermediate reports (RTS 2025/301 Art. 5(5) may apply)');
  }
  if (p.roles.hipaa) {
    const c = regimeCalendar(p, 'hipaa');
    if (c.assumed) out.push(c.assumed);
  }
  if (p.source === 'shorthand') out.push('roles not configured: controller / organisation for every privacy regime');
  return out;
}
