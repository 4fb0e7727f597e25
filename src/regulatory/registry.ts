/**
 * All regimes, and the choice of the obligations that apply to one incident from the entity
 * profile (where the organisation is, its role per regime, NIS2 class, DORA entity type, …) and
 * the incident's data-classification facts (whose data, how many).
 *
 * Invariant: the choice errs towards listing an obligation when a fact is unknown (a risk not yet
 * assessed, a count not yet known); every obligation still carries its `condition` for a person
 * to confirm. Obligations come back with their calendars already adjusted to the profile (the
 * authority's zone and holiday calendar, DORA relief, the HIPAA entity's zone). Regimes whose
 * duty arises from a classification (NIS2, DORA, SEC, NYDFS 500.17) apply whether or not personal
 * data is involved; their clocks wait for the classification.
 */
import { australiaRegime } from './australia';
import { brazilObligations, brazilRegime } from './brazil';
import { doraObligations, doraRegime } from './dora';
import { gdprArt33, gdprArt33Phased, gdprArt33Processor, gdprArt33Register, gdprArt34, gdprRegime } from './gdpr';
import { hipaaBusinessAssociate, hipaaHhsAnnual, hipaaHhsLarge, hipaaInZone, hipaaIndividuals, hipaaMedia, hipaaRegime } from './hipaa';
import { nis2Obligations, nis2Regime } from './nis2';
import { regimeCalendar, type EntityProfile, type Region } from './profile';
import { secRegime } from './sec';
import { sgIntermediary, singaporeRegime } from './singapore';
import type { Obligation, Regime, RegimeId } from './types';
import { ukArt33, ukArt33Processor, ukArt33Register, ukArt34, ukGdprRegime } from './uk-gdpr';
import {
  caAttorneyGeneral,
  caIndividuals,
  californiaRegime,
  newYorkRegime,
  nydfs,
  nydfsExtortionJustification,
  nydfsExtortionNotice,
  nyIndividuals,
  nyRegulators,
  texasRegime,
  txAttorneyGeneral,
  txIndividuals,
} from './us-states';

/** Re-exported for callers that took them from here. */
export type { Region, Sector } from './profile';

export const allRegimes: readonly Regime[] = [
  gdprRegime,
  ukGdprRegime,
  nis2Regime,
  doraRegime,
  hipaaRegime,
  secRegime,
  californiaRegime,
  texasRegime,
  newYorkRegime,
  singaporeRegime,
  brazilRegime,
  australiaRegime,
];

export interface ApplicabilityContext {
  profile: EntityProfile;
  /** Where the affected people reside. */
  dataSubjectsRegions: readonly Region[];
  /** Whether personal data (PHI for HIPAA) is affected. */
  personalData: boolean;
  /** GDPR/UK risk assessment outcome; undefined while not assessed. */
  risk?: 'unlikely' | 'risk' | 'high';
  /** Affected residents per region ('US' = all US residents); unknown counts are absent. */
  affectedCounts?: Partial<Record<Region, number>>;
  /** Affected residents per US State (two-letter code), for HIPAA's media rule (164.406). */
  stateCounts?: { counts: Readonly<Record<string, number>>; complete: boolean };
  /** Drop obligations not yet in force at this instant (their `effectiveFrom`). */
  asOf?: string;
}

export interface ApplicableRegime {
  regime: RegimeId;
  because: string;
  obligations: Obligation[];
}

/**
 * 45 CFR 164.406: media notice when *more than 500 residents of a State* are affected. Listed when
 * a State is known to exceed 500, or while the per-State breakdown is incomplete and the US total
 * could exceed 500; not listed when every State is known to be at 500 or fewer.
 */
export function hipaaMediaApplies(ctx: Pick<ApplicabilityContext, 'affectedCounts' | 'stateCounts'>): boolean {
  const states = Object.values(ctx.stateCounts?.counts ?? {});
  if (states.some((n) => n > 500)) return true;
  if (ctx.stateCounts?.complete) return false;
  const us = ctx.affectedCounts?.US;
  return !(us !== undefined && us <= 500);
}

/*
 * The rule, regime by regime (REGULATORY.md section in brackets):
 * - GDPR [§1–2] / UK GDPR [§4]: personal data AND ('EU' resp. 'UK' in jurisdictions — Art. 3(1)
 *   establishment — OR in dataSubjectsRegions — Art. 3(2) targeting). Processor (role per regime)
 *   → 33(2) only. Controller → 33(5) always; 33(1) and 33(4) unless risk is 'unlikely'; 34 only
 *   when 'high'.
 * - NIS2 [§5]: 'EU' in jurisdictions AND a NIS2 entity class; trust service providers use the
 *   24 h notification. Personal data is irrelevant; the CSIRT's zone ends the month.
 * - DORA [§6]: 'EU' in jurisdictions AND a DORA entity type; relief per entity type, NIS2 class
 *   and withdrawal, on the competent authority's Member State calendar.
 * - HIPAA [§7]: personal data (PHI) AND a HIPAA role AND a US presence; business associate →
 *   164.410 only; covered entity → 164.404, media per State (`hipaaMediaApplies`), HHS at 500 or
 *   more in total (else the annual log); periods in the entity's zone.
 * - SEC [§8]: SEC registrant. NYDFS 500.17 [§9]: covered entity, personal data or not.
 * - California / Texas / New York [§9]: personal data AND residents of that state affected;
 *   the AG copies unless the state's count is known to be below the threshold (CA > 500,
 *   TX ≥ 250).
 * - Singapore [§12], Brazil [§13], Australia [§10]: personal data AND the region in jurisdictions
 *   or dataSubjectsRegions. Data intermediary → Singapore's intermediary duty only; LGPD processor
 *   → nothing (the LGPD duty is the controller's); Australia unchanged (every APP entity notifies).
 */
export function applicableRegimes(ctx: ApplicabilityContext): ApplicableRegime[] {
  const out: ApplicableRegime[] = [];
  const p = ctx.profile;
  const inJur = (r: Region) => p.jurisdictions.includes(r) || (r === 'US' && p.jurisdictions.some((j) => j.startsWith('US-')));
  const touches = (r: Region) => inJur(r) || ctx.dataSubjectsRegions.includes(r);
  const count = (r: Region) => ctx.affectedCounts?.[r];
  const known = (r: Region, pred: (n: number) => boolean) => count(r) !== undefined && pred(count(r) as number);
  const add = (regime: RegimeId, because: string, obligations: Obligation[]) => {
    if (obligations.length > 0) out.push({ regime, because, obligations });
  };
  const inZone = (obs: Obligation[], zone: string) => obs.map((o) => ({ ...o, calendar: { ...o.calendar, timeZone: zone } }));

  if (ctx.personalData && touches('EU')) {
    const controller = [
      gdprArt33Register,
      ...(ctx.risk === 'unlikely' ? [] : [gdprArt33, gdprArt33Phased]),
      ...(ctx.risk === 'high' ? [gdprArt34] : []),
    ];
    add(
      'gdpr',
      'personal data of an EU establishment or of EU residents (GDPR Art. 3)',
      inZone(p.roles.gdpr === 'processor' ? [gdprArt33Processor] : controller, regimeCalendar(p, 'gdpr').timeZone),
    );
  }
  if (ctx.personalData && touches('UK')) {
    const controller = [ukArt33Register, ...(ctx.risk === 'unlikely' ? [] : [ukArt33]), ...(ctx.risk === 'high' ? [ukArt34] : [])];
    add(
      'uk-gdpr',
      'personal data of a UK establishment or of UK residents',
      p.roles.ukGdpr === 'processor' ? [ukArt33Processor] : controller,
    );
  }
  if (inJur('EU') && p.nis2) {
    add(
      'nis2',
      `${p.nis2.entityClass} entity in the EU (NIS2 Art. 3, 23); clocks start when classified significant`,
      inZone(nis2Obligations(p.nis2.trustServiceProvider), regimeCalendar(p, 'nis2').timeZone),
    );
  }
  if (inJur('EU') && p.dora) {
    const cal = regimeCalendar(p, 'dora');
    add(
      'dora',
      `EU financial entity: ${p.dora.entityType} (DORA Art. 2, 19); clocks start when classified major`,
      doraObligations({
        entityType: p.dora.entityType,
        nis2Entity: p.nis2 !== undefined,
        reliefWithdrawn: p.dora.reliefWithdrawn,
        timeZone: cal.timeZone,
        ...(cal.holidays ? { holidays: cal.holidays } : {}),
      }),
    );
  }
  if (ctx.personalData && p.roles.hipaa && inJur('US')) {
    const ce = [
      hipaaIndividuals,
      ...(hipaaMediaApplies(ctx) ? [hipaaMedia] : []),
      known('US', (n) => n < 500) ? hipaaHhsAnnual : hipaaHhsLarge,
    ];
    const obs = p.roles.hipaa === 'business-associate' ? [hipaaBusinessAssociate] : ce;
    add(
      'hipaa',
      `US health sector, PHI affected, ${p.roles.hipaa} (45 CFR 164.400)`,
      hipaaInZone(obs, regimeCalendar(p, 'hipaa').timeZone),
    );
  }
  if (p.secRegistrant)
    add('sec', 'SEC registrant (Form 8-K Item 1.05); the 8-K clock starts at the materiality determination', [...secRegime.obligations]);
  if (ctx.personalData && ctx.dataSubjectsRegions.includes('US-CA')) {
    add('us-ca', 'California residents affected', [caIndividuals, ...(known('US-CA', (n) => n <= 500) ? [] : [caAttorneyGeneral])]);
  }
  if (ctx.personalData && ctx.dataSubjectsRegions.includes('US-TX')) {
    add('us-tx', 'Texas residents affected', [txIndividuals, ...(known('US-TX', (n) => n < 250) ? [] : [txAttorneyGeneral])]);
  }
  const ny = [
    ...(ctx.personalData && ctx.dataSubjectsRegions.includes('US-NY') ? [nyIndividuals, nyRegulators] : []),
    ...(p.nydfsCoveredEntity ? [nydfs, nydfsExtortionNotice, nydfsExtortionJustification] : []),
  ];
  add('us-ny', 'New York residents affected and/or DFS covered entity (23 NYCRR 500.17)', ny);
  if (ctx.personalData && touches('SG')) {
    add(
      'sg-pdpa',
      'organisation in Singapore or Singapore residents affected (PDPA)',
      p.roles.pdpa === 'data-intermediary' ? [sgIntermediary] : singaporeRegime.obligations.filter((o) => o.id !== sgIntermediary.id),
    );
  }
  if (ctx.personalData && touches('BR') && p.roles.lgpd === 'controller') {
    add('br-lgpd', 'processing in Brazil or Brazilian data subjects (LGPD Art. 3)', brazilObligations(p.smallProcessingAgent));
  }
  if (ctx.personalData && touches('AU'))
    add('au-ndb', 'APP entity with an Australian link (Privacy Act s.5B)', [...australiaRegime.obligations]);

  const asOf = ctx.asOf;
  if (!asOf) return out;
  return out
    .map((r) => ({ ...r, obligations: r.obligations.filter((o) => !o.effectiveFrom || o.effectiveFrom <= asOf.slice(0, 10)) }))
    .filter((r) => r.obligations.length > 0);
}

/** Whether the profile makes some regime apply without personal data (NIS2, DORA, SEC, NYDFS). */
export function nonPersonalDataRegimes(profile: EntityProfile): RegimeId[] {
  return applicableRegimes({ profile, dataSubjectsRegions: [], personalData: false }).map((r) => r.regime);
}

export function applicableObligations(ctx: ApplicabilityContext): Obligation[] {
  return applicableRegimes(ctx).flatMap((r) => r.obligations);
}

export function findObligation(id: string): Obligation | undefined {
  for (const r of allRegimes) {
    const o = r.obligations.find((x) => x.id === id);
    if (o) return o;
  }
  return undefined;
}

/** Problems with an obligation's shape (the invariants in types.ts); empty when sound. */
export function validateObligation(o: Obligation): string[] {
  const problems: string[] = [];
  const earliest = typeof o.anchor !== 'string';
  if (o.standard === 'qualitative' && (o.offset !== null || earliest))
    problems.push('qualitative obligations have no offset and a single anchor');
  if (o.standard === 'fixed' && !earliest && o.offset === null) problems.push('fixed obligations need an offset');
  if (earliest && o.offset !== null) problems.push('earliestOf carries offsets per term');
  if (typeof o.anchor !== 'string' && !o.anchor.earliestOf.some((t) => t.anchor === (o.anchor as { trigger: string }).trigger))
    problems.push('earliestOf needs a term for its trigger');
  const units = typeof o.anchor === 'string' ? [o.offset?.unit] : o.anchor.earliestOf.map((t) => t.offset.unit);
  if (units.includes('businessDays') && !o.calendar.holidays) problems.push('business days need a holiday calendar');
  if (o.sources.length === 0) problems.push('no source');
  return problems;
}
