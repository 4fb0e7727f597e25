/**
 * The GDPR Art. 33(5) breach register: one entry per personal-data breach, notified or not,
 * with the facts, the effects and the remedial action (statutory minimum), plus the fields the
 * ICO and EDPB recommend (REGULATORY.md §1.6). Exports as JSON and as CSV (RFC 4180).
 *
 * Invariants: CSV uses CRLF line breaks and a header row; a field is quoted when it holds a
 * comma, a double quote, CR or LF, with inner quotes doubled; list fields are joined with "; ".
 * Cells that a spreadsheet would run as a formula (= + - @ tab CR first) are prefixed with "'"
 * unless `neutraliseFormulas: false` — register text can come from attacker-controlled alerts.
 */
import type { Art34Exemption, BreachFacts } from './facts';
import { resourceLabel } from '../domain/incident';

export interface BreachRegisterEntry {
  incidentId: string;
  recordedAt: string;
  occurredAt?: string;
  detectedAt: string;
  awareAt?: string;
  containedAt?: string;
  /** Cause(s) of the breach (ICO checklist). */
  cause: string;
  /** Facts: what happened (Art. 33(5)). */
  whatHappened: string;
  dataCategories: string[];
  specialCategories: string[];
  approxSubjects?: number;
  approxRecords?: number;
  /** Effects on those affected (Art. 33(5)). */
  effects: string;
  /** Remedial action taken (Art. 33(5)). */
  remedialActions: string[];
  notifiedSupervisoryAuthority: boolean;
  /** Reasons for deciding whether or not to notify the SA. */
  notificationDecisionReason: string;
  notifiedAt?: string;
  communicatedToDataSubjects: 'yes' | 'no' | 'planned';
  /** Reasoning on Art. 34, including any 34(3) exemption relied on. */
  art34DecisionReason: string;
  art34Exemption?: Art34Exemption;
  delayReasons?: string;
  authorityAdvice?: string;
  communications: string[];
  relatedIncidents: string[];
}

export const REGISTER_COLUMNS = [
  'incidentId',
  'recordedAt',
  'occurredAt',
  'detectedAt',
  'awareAt',
  'containedAt',
  'cause',
  'whatHappened',
  'dataCategories',
  'specialCategories',
  'approxSubjects',
  'approxRecords',
  'effects',
  'remedialActions',
  'notifiedSupervisoryAuthority',
  'notificationDecisionReason',
  'notifiedAt',
  'communicatedToDataSubjects',
  'art34DecisionReason',
  'art34Exemption',
  'delayReasons',
  'authorityAdvice',
  'communications',
  'relatedIncidents',
] as const satisfies readonly (keyof BreachRegisterEntry)[];

/** The decisions a person records alongside the facts. */
export interface RegisterDecisions {
  recordedAt: string;
  cause: string;
  effects: string;
  notifiedSupervisoryAuthority: boolean;
  notificationDecisionReason: string;
  notifiedAt?: string;
  communicatedToDataSubjects: 'yes' | 'no' | 'planned';
  art34DecisionReason: string;
  occurredAt?: string;
  containedAt?: string;
  authorityAdvice?: string;
  communications?: string[];
  relatedIncidents?: string[];
}

/** A register entry from the incident's facts and a person's decisions. */
export function registerEntryFromFacts(f: BreachFacts, d: RegisterDecisions): BreachRegisterEntry {
  const c = f.classification;
  return {
    incidentId: f.incidentId,
    recordedAt: d.recordedAt,
    ...(d.occurredAt ? { occurredAt: d.occurredAt } : {}),
    detectedAt: f.detectedAt,
    ...(f.awareAt ? { awareAt: f.awareAt } : {}),
    ...(d.containedAt ? { containedAt: d.containedAt } : {}),
    cause: d.cause,
    whatHappened: `${f.alerts.map((a) => a.title).join('; ')} on ${resourceLabel(f.resource)} (${f.resource.account}/${f.resource.region})`,
    dataCategories: [...c.personalDataCategories],
    specialCategories: [...(c.specialCategories ?? [])],
    ...(c.approxSubjects !== undefined ? { approxSubjects: c.approxSubjects } : {}),
    ...(c.approxRecords !== undefined ? { approxRecords: c.approxRecords } : {}),
    effects: d.effects,
    remedialActions: f.measuresTaken.map((m) => `${m.at} ${m.step}: ${m.detail}`),
    notifiedSupervisoryAuthority: d.notifiedSupervisoryAuthority,
    notificationDecisionReason: d.notificationDecisionReason,
    ...(d.notifiedAt ? { notifiedAt: d.notifiedAt } : {}),
    communicatedToDataSubjects: d.communicatedToDataSubjects,
    art34DecisionReason: d.art34DecisionReason,
    ...(f.art34Exemption ? { art34Exemption: f.art34Exemption } : {}),
    ...(f.reasonsForDelay ? { delayReasons: f.reasonsForDelay } : {}),
    ...(d.authorityAdvice ? { authorityAdvice: d.authorityAdvice } : {}),
    communications: [...(d.communications ?? [])],
    relatedIncidents: [...(d.relatedIncidents ?? [])],
  };
}

function cellText(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (Array.isArray(v)) return v.map(String).join('; ');
  return String(v);
}

/** One RFC 4180 field. */
export function csvField(raw: string, neutraliseFormulas = true): string {
  const s = neutraliseFormulas && /^[=+\-@\t\r]/.test(raw) ? `'${raw}` : raw;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function registerToCsv(entries: readonly BreachRegisterEntry[], opts: { neutraliseFormulas?: boolean } = {}): string {
  const neutralise = opts.neutraliseFormulas ?? true;
  const rows = [REGISTER_COLUMNS.join(',')];
  for (const e of entries) rows.push(REGISTER_COLUMNS.map((k) => csvField(cellText(e[k]), neutralise)).join(','));
  return `${rows.join('\r\n')}\r\n`;
}

export function registerToJson(entries: readonly BreachRegisterEntry[]): string {
  return JSON.stringify({ kind: 'gdpr-art33-5-register', entries }, null, 2);
}
