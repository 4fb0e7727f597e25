/**
 * All regimes, and the choice of the obligations that apply to one incident from configuration
 * (where the organisation is, its sectors) and data-classification facts (whose data, how many).
 *
 * Invariant: the choice errs towards listing an obligation when a fact is unknown (a risk not yet
 * assessed, a count not yet known); every obligation still carries its `condition` for a person
 * to confirm. Obligations come back with their calendars already adjusted (zone, DORA relief).
 */
import { australiaRegime } from './australia';
import { brazilObligations, brazilRegime } from './brazil';
import { doraObligations, doraRegime, type DoraEntityType } from './dora';
import { gdprArt33, gdprArt33Phased, gdprArt33Processor, gdprArt33Register, gdprArt34, gdprRegime } from './gdpr';
import { hipaaBusinessAssociate, hipaaHhsAnnual, hipaaHhsLarge, hipaaIndividuals, hipaaMedia, hipaaRegime } from './hipaa';
import { nis2Obligations, nis2Regime } from './nis2';
import { secRegime } from './sec';
import { sgIntermediary, singaporeRegime } from './singapore';
import type { HolidayCalendarId, Obligation, Regime, RegimeId } from './types';
import { ukArt33, ukArt33Processor, ukArt33Register, ukArt34, ukGdprRegime } from './uk-gdpr';
import { caAttorneyGeneral, caIndividuals, californiaRegime, newYorkRegime, nydfs, nyIndividuals, nyRegulators, texasRegime, txAttorneyGeneral, txIndividuals } from './us-states';

export const allRegimes: readonly Regime[] = [
  gdprRegime, ukGdprRegime, nis2Regime, doraRegime, hipaaRegime, secRegime,
  californiaRegime, texasRegime, newYorkRegime, singaporeRegime, brazilRegime, australiaRegime,
];

export type Region = 'EU' | 'UK' | 'US' | 'US-CA' | 'US-TX' | 'US-NY' | 'SG' | 'BR' | 'AU';
export type Sector = 'financial' | 'health' | 'essential-entity' | 'important-entity' | 'trust-service' | 'sec-registrant';

export interface ApplicabilityContext {
  /** Where the organisation is established or carries on business ('US-NY' implies 'US'). */
  jurisdictions: readonly Region[];
  sectors: readonly Sector[];
  /** Where the affected people reside. */
  dataSubjectsRegions: readonly Region[];
  /** Whether personal data (PHI for HIPAA) is affected. */
  personalData: boolean;
  /** GDPR processor / PDPA data intermediary / HIPAA business associate. Default 'controller'. */
  role?: 'controller' | 'processor';
  /** GDPR/UK risk assessment outcome; undefined while not assessed. */
  risk?: 'unlikely' | 'risk' | 'high';
  /** Affected residents per region ('US' = all US residents); unknown counts are absent. */
  affectedCounts?: Partial<Record<Region, number>>;
  doraEntityType?: DoraEntityType;
  /** Brazil: *agente de tratamento de pequeno porte* (doubled periods). */
  smallProcessingAgent?: boolean;
  /** Zone of the EU SA / CSIRT for rendering and month ends (default Europe/Brussels). */
  euTimeZone?: string;
  /** The competent authority's calendar for DORA weekend relief (default Germany). */
  doraCalendar?: { timeZone: string; holidays: HolidayCalendarId };
  /** Drop obligations not yet in force at this instant (their `effectiveFrom`). */
  asOf?: string;
}

export interface ApplicableRegime {
  regime: RegimeId;
  because: string;
  obligations: Obligation[];
}

/*
 * The rule, regime by regime (REGULATORY.md section in brackets):
 * - GDPR [§1–2] / UK GDPR [§4]: personal data AND ('EU' resp. 'UK' in jurisdictions — Art. 3(1)
 *   establishment — OR in dataSubjectsRegions — Art. 3(2) targeting). Processor → 33(2) only
 *   (the controller's clock then starts at the processor's notice, see gdprAwareness).
 *   Controller → 33(5) always; 33(1) and 33(4) unless risk is 'unlikely'; 34 only when 'high'.
 * - NIS2 [§5]: 'EU' in jurisdictions AND an essential or important entity; 'trust-service' uses
 *   the 24 h notification. Personal data is irrelevant.
 * - DORA [§6]: 'EU' in jurisdictions AND 'financial'. NIS2 entities lose the weekend relief on
 *   initial/intermediate reports unless `doraEntityType` says otherwise.
 * - HIPAA [§7]: personal data (PHI) AND 'health' AND a US presence. Processor → 164.410 only.
 *   Media (164.406) unless the US count is known to be ≤ 500; HHS contemporaneous (164.408(b))
 *   unless the US count is known to be < 500, in which case the annual log (164.408(c)).
 * - SEC [§8]: 'sec-registrant'.
 * - California / Texas / New York [§9]: personal data AND residents of that state affected;
 *   the AG copies unless the state's count is known to be below the threshold (CA > 500,
 *   TX ≥ 250). NY DFS 500.17: 'financial' AND 'US-NY' in jurisdictions, personal data or not.
 * - Singapore [§12], Brazil [§13], Australia [§10]: personal data AND the region in jurisdictions
 *   or dataSubjectsRegions. Processor → Singapore's intermediary duty only, nothing for Brazil
 *   (the LGPD duty is the controller's), Australia unchanged (every APP entity notifies).
 */
export function applicableRegimes(ctx: ApplicabilityContext): ApplicableRegime[] {
  const out: ApplicableRegime[] = [];
  const processor = ctx.role === 'processor';
  const inJur = (r: Region) => ctx.jurisdictions.includes(r) || (r === 'US' && ctx.jurisdictions.some((j) => j.startsWith('US-')));
  const touches = (r: Region) => inJur(r) || ctx.dataSubjectsRegions.includes(r);
  const count = (r: Region) => ctx.affectedCounts?.[r];
  const known = (r: Region, pred: (n: number) => boolean) => count(r) !== undefined && pred(count(r) as number);
  const add = (regime: RegimeId, because: string, obligations: Obligation[]) => { if (obligations.length > 0) out.push({ regime, because, obligations }); };
  const euZone = (obs: Obligation[]) => (ctx.euTimeZone ? obs.map((o) => ({ ...o, calendar: { ...o.calendar, timeZone: ctx.euTimeZone as string } })) : obs);
  const nis2Entity = ctx.sectors.includes('essential-entity') || ctx.sectors.includes('important-entity');

  if (ctx.personalData && touches('EU')) {
    const controller = [gdprArt33Register, ...(ctx.risk === 'unlikely' ? [] : [gdprArt33, gdprArt33Phased]), ...(ctx.risk === 'high' ? [gdprArt34] : [])];
    add('gdpr', 'personal data of an EU establishment or of EU residents (GDPR Art. 3)', euZone(processor ? [gdprArt33Processor] : controller));
  }
  if (ctx.personalData && touches('UK')) {
    const controller = [ukArt33Register, ...(ctx.risk === 'unlikely' ? [] : [ukArt33]), ...(ctx.risk === 'high' ? [ukArt34] : [])];
    add('uk-gdpr', 'personal data of a UK establishment or of UK residents', processor ? [ukArt33Processor] : controller);
  }
  if (inJur('EU') && nis2Entity) {
    add('nis2', 'essential or important entity in the EU (NIS2 Art. 3, 23)', euZone(nis2Obligations(ctx.sectors.includes('trust-service'))));
  }
  if (inJur('EU') && ctx.sectors.includes('financial')) {
    const entityType = ctx.doraEntityType ?? (nis2Entity ? 'nis2-entity' : 'other');
    add('dora', 'EU financial entity (DORA Art. 2, 19)', doraObligations({ entityType, ...ctx.doraCalendar }));
  }
  if (ctx.personalData && ctx.sectors.includes('health') && inJur('US')) {
    const ce = [hipaaIndividuals, ...(known('US', (n) => n <= 500) ? [] : [hipaaMedia]), known('US', (n) => n < 500) ? hipaaHhsAnnual : hipaaHhsLarge];
    add('hipaa', 'US health sector, PHI affected (45 CFR 164.400)', processor ? [hipaaBusinessAssociate] : ce);
  }
  if (ctx.sectors.includes('sec-registrant')) add('sec', 'SEC registrant (Form 8-K Item 1.05)', [...secRegime.obligations]);
  if (ctx.personalData && ctx.dataSubjectsRegions.includes('US-CA')) {
    add('us-ca', 'California residents affected', [caIndividuals, ...(known('US-CA', (n) => n <= 500) ? [] : [caAttorneyGeneral])]);
  }
  if (ctx.personalData && ctx.dataSubjectsRegions.includes('US-TX')) {
    add('us-tx', 'Texas residents affected', [txIndividuals, ...(known('US-TX', (n) => n < 250) ? [] : [txAttorneyGeneral])]);
  }
  const ny = [
    ...(ctx.personalData && ctx.dataSubjectsRegions.includes('US-NY') ? [nyIndividuals, nyRegulators] : []),
    ...(ctx.sectors.includes('financial') && ctx.jurisdictions.includes('US-NY') ? [nydfs] : []),
  ];
  add('us-ny', 'New York residents affected and/or DFS-regulated entity', ny);
  if (ctx.personalData && touches('SG')) {
    add('sg-pdpa', 'organisation in Singapore or Singapore residents affected (PDPA)', processor ? [sgIntermediary] : singaporeRegime.obligations.filter((o) => o.id !== sgIntermediary.id));
  }
  if (ctx.personalData && touches('BR') && !processor) {
    add('br-lgpd', 'processing in Brazil or Brazilian data subjects (LGPD Art. 3)', brazilObligations(ctx.smallProcessingAgent ?? false));
  }
  if (ctx.personalData && touches('AU')) add('au-ndb', 'APP entity with an Australian link (Privacy Act s.5B)', [...australiaRegime.obligations]);

  const asOf = ctx.asOf;
  if (!asOf) return out;
  return out
    .map((r) => ({ ...r, obligations: r.obligations.filter((o) => !o.effectiveFrom || o.effectiveFrom <= asOf.slice(0, 10)) }))
    .filter((r) => r.obligations.length > 0);
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
  if (o.standard === 'qualitative' && (o.offset !== null || earliest)) problems.push('qualitative obligations have no offset and a single anchor');
  if (o.standard === 'fixed' && !earliest && o.offset === null) problems.push('fixed obligations need an offset');
  if (earliest && o.offset !== null) problems.push('earliestOf carries offsets per term');
  if (typeof o.anchor !== 'string' && !o.anchor.earliestOf.some((t) => t.anchor === (o.anchor as { trigger: string }).trigger)) problems.push('earliestOf needs a term for its trigger');
  const units = typeof o.anchor === 'string' ? [o.offset?.unit] : o.anchor.earliestOf.map((t) => t.offset.unit);
  if (units.includes('businessDays') && !o.calendar.holidays) problems.push('business days need a holiday calendar');
  if (o.calendar.weekendRelief && !o.calendar.holidays) problems.push('weekend relief needs a holiday calendar');
  if (o.sources.length === 0) problems.push('no source');
  return problems;
}
