/**
 * The Art. 33 draft laid out on the sections of the EDPB common breach-notification template
 * (draft v1.0, adopted June 2026, under consultation — REGULATORY.md §3.2 [S]: the section and
 * field list comes from a third-party extraction of the .docx, not from the official file), with
 * who filled each field: the runbook (the incident's facts), the configuration, an operator's
 * recorded decision, or nobody yet. Pure.
 *
 * Invariants: only the fields REGULATORY.md §3.2 names are listed (not the template's 100); a
 * field is `filled` only when a value exists — a suggestion the runbook makes for a person to
 * confirm (likely consequences, breach type) is marked `toConfirm`; nothing is invented.
 */
import type { Article33Draft } from './facts';
import { resourceLabel } from '../domain/incident';

export type FilledBy = 'runbook' | 'configuration' | 'operator';

export interface TemplateField {
  key: string;
  label: string;
  filled: boolean;
  by: FilledBy | null;
  value?: string;
  /** A value the runbook suggests that a person must confirm. */
  toConfirm?: boolean;
}

export interface TemplateSection {
  section: number;
  title: string;
  fields: TemplateField[];
}

export interface EdpbTemplateView {
  template: string;
  certainty: 'S';
  sections: TemplateSection[];
  filled: { runbook: number; configuration: number; operator: number; empty: number };
}

/** What the breach record adds to the Art. 33 draft. */
export interface TemplateExtras {
  submissions: { phase: string; reference: string; recipient: string }[];
  awarenessRecorded: boolean;
  riskAssessment?: { level: string; reasoning: string };
  subjectRegions: string[];
}

const field = (key: string, label: string, value: string | null | undefined, by: FilledBy, toConfirm = false): TemplateField =>
  value === null || value === undefined || value.trim() === ''
    ? { key, label, filled: false, by: null }
    : { key, label, filled: true, by, value, ...(toConfirm ? { toConfirm } : {}) };
const empty = (key: string, label: string): TemplateField => ({ key, label, filled: false, by: null });
const list = (xs: readonly string[]) => (xs.length ? xs.join('; ') : null);

export function edpbTemplate(d: Article33Draft, x: TemplateExtras): EdpbTemplateView {
  const toSa = x.submissions.filter((s) => s.recipient === 'supervisory-authority');
  const toSubjects = x.submissions.some((s) => s.recipient === 'data-subjects');
  const toCsirt = x.submissions.some((s) => s.recipient === 'csirt');
  const n = d.nature;
  const sections: TemplateSection[] = [
    {
      section: 1,
      title: 'Notification',
      fields: [
        field('meta.type', 'new / follow-up', toSa.length ? 'follow-up' : 'new', 'runbook'),
        empty('meta.subType', 'complete / incomplete / withdraw'),
        field('meta.previousId', 'ID of the previous notification', toSa[0]?.reference, 'operator'),
        field('meta.internalReference', "controller's internal reference", d.incidentId, 'runbook'),
      ],
    },
    {
      section: 2,
      title: 'Controller',
      fields: [
        empty('controller.identifier', 'identifier type and value'),
        field('controller.name', 'name', d.controller, 'configuration'),
        empty('controller.sector', 'sector, size, economic activity'),
      ],
    },
    { section: 3, title: 'Reporting person', fields: [empty('reporter.name', 'name, contact, function')] },
    {
      section: 4,
      title: 'DPO / contact point',
      fields: [
        field('dpo.name', 'DPO name', d.contactPoint.name, 'configuration'),
        field('dpo.contact', 'DPO contact', d.contactPoint.email ?? d.contactPoint.phone, 'configuration'),
        empty('dpo.otherParties', 'processor / joint controller involved'),
      ],
    },
    {
      section: 5,
      title: 'Timeline',
      fields: [
        empty('timeline.occurred', 'when the breach occurred (day / range / ongoing)'),
        field('timeline.awareAt', 'date-time of controller awareness', x.awarenessRecorded ? d.clock.awareAt : null, 'operator'),
        field('timeline.reasonsLate', 'reasons for late notification', d.reasonsForDelay.text, 'operator'),
        field('timeline.howDiscovered', 'how discovered', 'controller detection (security alert)', 'runbook'),
        field('timeline.discoveryDescription', 'description of the discovery', n.alerts.map((a) => a.title).join('; '), 'runbook'),
      ],
    },
    {
      section: 6,
      title: 'Nature',
      fields: [
        field('nature.cia', 'confidentiality / integrity / availability', n.breachType.join(', '), 'runbook', true),
        empty('nature.confidentialitySubtype', 'exfiltrated / likely / not / cannot assess'),
        empty('nature.incidentNature', 'incident nature (ransomware, phishing, …) and cause'),
        field(
          'nature.systems',
          'systems involved and location',
          `${resourceLabel(n.resource)} (account ${n.resource.account}, ${n.resource.region})`,
          'runbook',
        ),
      ],
    },
    {
      section: 7,
      title: 'Data subjects',
      fields: [
        field('subjects.categories', 'categories', list(n.dataSubjects.categories), 'runbook'),
        field(
          'subjects.number',
          'number (approximate)',
          n.dataSubjects.approximateNumber ? String(n.dataSubjects.approximateNumber.value) : null,
          'runbook',
        ),
      ],
    },
    {
      section: 8,
      title: 'Personal data',
      fields: [
        field('data.types', 'types', list([...n.records.categories, ...n.records.specialCategories]), 'runbook'),
        field(
          'data.records',
          'record count (approximate)',
          n.records.approximateNumber ? String(n.records.approximateNumber.value) : null,
          'runbook',
        ),
      ],
    },
    { section: 9, title: 'Measures in place before the breach', fields: [empty('before.measures', 'encryption, backups, MFA, …')] },
    {
      section: 10,
      title: 'Consequences (Art. 33(3)(c))',
      fields: [
        field('consequences.items', 'likely consequences', list(d.likelyConsequences.items), 'runbook', true),
        empty('consequences.severity', 'severity'),
      ],
    },
    {
      section: 11,
      title: "Controller's risk assessment",
      fields: [
        field(
          'risk.outcome',
          'high / risk / unlikely + description',
          x.riskAssessment ? `${x.riskAssessment.level}: ${x.riskAssessment.reasoning}` : null,
          'operator',
        ),
      ],
    },
    {
      section: 12,
      title: 'Measures (Art. 33(3)(d))',
      fields: [
        field('measures.taken', 'measures taken', list(d.measures.taken.map((m) => `${m.at} ${m.detail}`)), 'runbook'),
        field('measures.recurrence', 'measures to prevent recurrence', list(d.measures.proposed), 'runbook', true),
      ],
    },
    {
      section: 13,
      title: 'Art. 34 communication',
      fields: [field('art34.communicated', 'communicated to data subjects?', toSubjects ? 'yes' : null, 'operator')],
    },
    {
      section: 14,
      title: 'Other authorities',
      fields: [
        empty('other.police', 'reported to police?'),
        field(
          'other.csirt',
          'notified to other bodies (e.g. national CSIRT)',
          toCsirt ? 'yes (NIS2 submission recorded)' : null,
          'operator',
        ),
      ],
    },
    {
      section: 15,
      title: 'Cross-border',
      fields: [
        field('crossBorder.leadSa', 'lead SA', d.recipient.authority, 'configuration'),
        field('crossBorder.subjectCountries', 'countries of affected data subjects', list(x.subjectRegions), 'runbook'),
      ],
    },
    { section: 16, title: 'Attachments', fields: [empty('attachments', 'communication copy, risk assessment, forensic report, …')] },
  ];
  const all = sections.flatMap((s) => s.fields);
  const count = (by: FilledBy) => all.filter((f) => f.by === by).length;
  return {
    template: 'EDPB common breach-notification template, draft v1.0 (June 2026); sections per REGULATORY.md §3.2',
    certainty: 'S',
    sections,
    filled: {
      runbook: count('runbook'),
      configuration: count('configuration'),
      operator: count('operator'),
      empty: all.filter((f) => !f.filled).length,
    },
  };
}
