/**
 * The entity profile file (CORDON_ENTITY_PROFILE_FILE, JSON or YAML): read and validated by zod
 * once, when the configuration is loaded, so a bad profile is one of the invalid settings
 * printed at start (each problem names its path in the file). The plain `EntityProfile` it
 * produces is what the workflows carry (src/regulatory/profile.ts).
 *
 * Invariants: unknown keys are refused (a typo must not silently drop a role); an authority's
 * zone must be a zone the runtime knows; at most one authority per regime; a DORA entity type
 * is one of DORA Art. 2(1)'s financial entities.
 */
import fs from 'node:fs';
import YAML from 'yaml';
import { z } from 'zod';
import { DORA_ENTITY_TYPES } from '../regulatory/dora';
import { holidayCalendars } from '../regulatory/holidays';
import { DEFAULT_ROLES, REGIONS, type EntityProfile } from '../regulatory/profile';
import type { HolidayCalendarId, RegimeId } from '../regulatory/types';

const REGIME_IDS: [RegimeId, ...RegimeId[]] = [
  'gdpr',
  'uk-gdpr',
  'nis2',
  'dora',
  'hipaa',
  'sec',
  'us-ca',
  'us-tx',
  'us-ny',
  'sg-pdpa',
  'br-lgpd',
  'au-ndb',
];
const CALENDARS = Object.keys(holidayCalendars) as [HolidayCalendarId, ...HolidayCalendarId[]];

const zone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'not an IANA time zone the runtime knows (e.g. Europe/Berlin)');
const country = z.string().regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2 code, e.g. DE');

export const entityProfileSchema = z
  .object({
    name: z.string().trim().min(1).optional(),
    jurisdictions: z.array(z.enum(REGIONS as [string, ...string[]])).min(1),
    memberStates: z.array(country).default([]),
    roles: z
      .object({
        gdpr: z.enum(['controller', 'processor']).default(DEFAULT_ROLES.gdpr),
        ukGdpr: z.enum(['controller', 'processor']).default(DEFAULT_ROLES.ukGdpr),
        hipaa: z.enum(['covered-entity', 'business-associate']).optional(),
        pdpa: z.enum(['organisation', 'data-intermediary']).default(DEFAULT_ROLES.pdpa),
        lgpd: z.enum(['controller', 'processor']).default(DEFAULT_ROLES.lgpd),
      })
      .strict()
      .default(DEFAULT_ROLES),
    nis2: z
      .object({ entityClass: z.enum(['essential', 'important']), trustServiceProvider: z.boolean().default(false) })
      .strict()
      .optional(),
    dora: z
      .object({ entityType: z.enum(DORA_ENTITY_TYPES), reliefWithdrawn: z.boolean().default(false) })
      .strict()
      .optional(),
    secRegistrant: z.boolean().default(false),
    nydfsCoveredEntity: z.boolean().default(false),
    hipaaTimeZone: zone.optional(),
    smallProcessingAgent: z.boolean().default(false),
    authorities: z
      .array(
        z
          .object({
            regime: z.enum(REGIME_IDS),
            name: z.string().trim().min(1),
            memberState: country.optional(),
            timeZone: zone,
            holidays: z.enum(CALENDARS).optional(),
          })
          .strict(),
      )
      .default([]),
  })
  .strict()
  .superRefine((p, ctx) => {
    const seen = new Set<string>();
    p.authorities.forEach((a, i) => {
      if (seen.has(a.regime))
        ctx.addIssue({ code: 'custom', path: ['authorities', i, 'regime'], message: `a second authority for ${a.regime}` });
      seen.add(a.regime);
    });
    const eu = p.jurisdictions.includes('EU');
    if (!eu && (p.nis2 || p.dora))
      ctx.addIssue({ code: 'custom', path: [p.nis2 ? 'nis2' : 'dora'], message: 'NIS2 and DORA need EU in jurisdictions' });
    if (p.nydfsCoveredEntity && !p.jurisdictions.includes('US-NY'))
      ctx.addIssue({ code: 'custom', path: ['nydfsCoveredEntity'], message: 'a NYDFS covered entity needs US-NY in jurisdictions' });
  });

/** Parses a profile document; the issues name paths inside the file. */
export function parseEntityProfile(text: string, file: string): { profile: EntityProfile } | { problems: string[] } {
  let doc: unknown;
  try {
    doc = file.endsWith('.json') ? JSON.parse(text) : YAML.parse(text);
  } catch (err) {
    return { problems: [`${file}: not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message.split('\n')[0]}`] };
  }
  const parsed = entityProfileSchema.safeParse(doc);
  if (!parsed.success) return { problems: parsed.error.issues.map((i) => `${file}: ${i.path.join('.') || '(root)'}: ${i.message}`) };
  return { profile: { ...(parsed.data as Omit<EntityProfile, 'source'>), source: 'file' } };
}

/** The zod transform of CORDON_ENTITY_PROFILE_FILE: the validated profile, or one issue per problem. */
export function readEntityProfileFile(
  file: string | undefined,
  ctx: z.RefinementCtx,
): { file: string; profile: EntityProfile } | undefined {
  if (!file) return undefined;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` });
    return z.NEVER;
  }
  const r = parseEntityProfile(text, file);
  if ('problems' in r) {
    for (const p of r.problems) ctx.addIssue({ code: 'custom', message: p });
    return z.NEVER;
  }
  return { file, profile: r.profile };
}
