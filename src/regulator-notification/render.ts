/**
 * Renders an Art. 33 or Art. 34 draft as Markdown or as an HTML fragment. Both go through one
 * neutral outline, so the two formats always carry the same items in the same order.
 *
 * Invariants: every value from the draft is escaped (escape.ts) — alert titles and operator notes
 * are untrusted; missing items render as a visible "[to be completed]" marker, never as blanks;
 * dates are shown in the draft's display zone, with the offset.
 */
import { renderInZone } from '../regulatory/deadlines';
import { escapeHtml, escapeMarkdown } from './escape';
import type { Article33Draft, Article34Draft, ContactPoint, Estimate } from './facts';
import { resourceLabel } from '../domain/incident';

type Block = { kind: 'p'; text: string } | { kind: 'list'; items: string[] } | { kind: 'fields'; rows: [string, string][] };
interface Section {
  title: string;
  blocks: Block[];
}
interface Outline {
  kind: string;
  title: string;
  meta: [string, string][];
  needsHuman: string[];
  sections: Section[];
}

const TODO = '[to be completed]';
const val = (s: string | null | undefined) => (s === null || s === undefined || s.trim() === '' ? TODO : s);
const list = (items: string[]): Block => ({ kind: 'list', items: items.length > 0 ? items : [TODO] });
const est = (e: Estimate | null) => (e === null ? TODO : `approx. ${e.value} (estimate${e.basis ? `; ${e.basis}` : ''})`);

function when(instant: string, zone: string): string {
  try {
    return renderInZone(instant, zone);
  } catch {
    return instant; // a malformed instant is shown as given rather than hidden
  }
}

function contact(c: ContactPoint): Block {
  return {
    kind: 'fields',
    rows: [
      ['Name', val(c.name)],
      ['E-mail', val(c.email)],
      ['Phone', val(c.phone)],
    ],
  };
}

function outline33(d: Article33Draft): Outline {
  const z = d.displayZone;
  const sections: Section[] = [
    {
      title: 'Timing',
      blocks: [
        {
          kind: 'fields',
          rows: [
            ['Controller aware at', `${when(d.clock.awareAt, z)} (${d.clock.basis})`],
            ['72-hour limit', when(d.clock.dueAt, z)],
            ['Late', d.clock.late ? 'yes — reasons for the delay are required' : 'no'],
          ],
        },
        { kind: 'p', text: d.clock.note },
      ],
    },
    {
      title: `Nature of the breach — ${d.nature.citation}`,
      blocks: [
        { kind: 'p', text: d.nature.summary },
        {
          kind: 'fields',
          rows: [
            ['Type of breach', d.nature.breachType.length > 0 ? d.nature.breachType.join(', ') : TODO],
            ['Detected at', when(d.nature.detectedAt, z)],
            [
              'Affected resource',
              `${resourceLabel(d.nature.resource)} (account ${d.nature.resource.account}, region ${d.nature.resource.region})`,
            ],
            ['Alerts', d.nature.alerts.length > 0 ? d.nature.alerts.map((a) => `${a.title} (${a.severity})`).join('; ') : 'none recorded'],
            ['Categories of data subjects', d.nature.dataSubjects.categories.join(', ') || TODO],
            ['Approximate number of data subjects', est(d.nature.dataSubjects.approximateNumber)],
            ['Categories of personal data records', d.nature.records.categories.join(', ') || TODO],
            ['Special categories', d.nature.records.specialCategories.join(', ') || 'none identified'],
            ['Approximate number of personal data records', est(d.nature.records.approximateNumber)],
          ],
        },
      ],
    },
    { title: `DPO or other contact point — ${d.contactPoint.citation}`, blocks: [contact(d.contactPoint)] },
    { title: `Likely consequences — ${d.likelyConsequences.citation}`, blocks: [list(d.likelyConsequences.items)] },
    {
      title: `Measures taken or proposed — ${d.measures.citation}`,
      blocks: [
        { kind: 'p', text: 'Taken:' },
        list(d.measures.taken.map((m) => `${when(m.at, z)} — ${m.step}: ${m.detail}`)),
        { kind: 'p', text: 'Proposed:' },
        list(d.measures.proposed),
      ],
    },
  ];
  if (d.reasonsForDelay.required) {
    sections.push({
      title: `Reasons for the delay — ${d.reasonsForDelay.citation}`,
      blocks: [{ kind: 'p', text: val(d.reasonsForDelay.text) }],
    });
  }
  return {
    kind: d.kind,
    title: 'Personal data breach notification (GDPR Art. 33) — DRAFT',
    meta: [
      ['Incident', d.incidentId],
      ['Controller', val(d.controller)],
      ['To', val(d.recipient.authority)],
      ['Prepared at', when(d.preparedAt, z)],
    ],
    needsHuman: d.needsHuman,
    sections,
  };
}

function outline34(d: Article34Draft): Outline {
  return {
    kind: d.kind,
    title:
      d.channel === 'public'
        ? 'Public notice about a personal data breach — DRAFT'
        : 'Important information about your personal data — DRAFT',
    meta: [
      ['Incident', d.incidentId],
      ['From', val(d.controller)],
      ['Channel', d.channel],
      ['Prepared at', when(d.preparedAt, d.displayZone)],
    ],
    needsHuman: d.needsHuman,
    sections: [
      { title: 'What happened', blocks: [{ kind: 'p', text: d.whatHappened }] },
      { title: 'What information was involved', blocks: [list(d.dataInvolved)] },
      { title: 'What this may mean for you', blocks: [list(d.likelyConsequences)] },
      { title: 'What we have done', blocks: [list(d.measuresTaken)] },
      { title: 'What we will do', blocks: [list(d.measuresProposed)] },
      { title: 'What you can do', blocks: [list(d.whatYouCanDo)] },
      { title: 'Who to contact', blocks: [contact(d.contactPoint)] },
    ],
  };
}

const outline = (d: Article33Draft | Article34Draft) => (d.kind === 'gdpr-art33' ? outline33(d) : outline34(d));

export function renderDraftMarkdown(draft: Article33Draft | Article34Draft): string {
  const o = outline(draft);
  const md = escapeMarkdown;
  const out: string[] = [`# ${md(o.title)}`, '', ...o.meta.map(([k, v]) => `- **${md(k)}:** ${md(v)}`), ''];
  if (o.needsHuman.length > 0) {
    out.push(`> **Needs a person before sending (${o.needsHuman.length}):**`, ...o.needsHuman.map((n) => `> - ${md(n)}`), '');
  }
  for (const s of o.sections) {
    out.push(`## ${md(s.title)}`, '');
    for (const b of s.blocks) {
      if (b.kind === 'p') out.push(md(b.text), '');
      else if (b.kind === 'list') out.push(...b.items.map((i) => `- ${md(i)}`), '');
      else out.push(...b.rows.map(([k, v]) => `- **${md(k)}:** ${md(v)}`), '');
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}

export function renderDraftHtml(draft: Article33Draft | Article34Draft): string {
  const o = outline(draft);
  const h = escapeHtml;
  const dl = (rows: [string, string][]) => `<dl>${rows.map(([k, v]) => `<dt>${h(k)}</dt><dd>${h(v)}</dd>`).join('')}</dl>`;
  const ul = (items: string[]) => `<ul>${items.map((i) => `<li>${h(i)}</li>`).join('')}</ul>`;
  const parts = [`<article class="breach-draft" data-kind="${h(o.kind)}">`, `<h1>${h(o.title)}</h1>`, dl(o.meta)];
  if (o.needsHuman.length > 0)
    parts.push(`<aside class="needs-human"><h2>Needs a person before sending (${o.needsHuman.length})</h2>${ul(o.needsHuman)}</aside>`);
  for (const s of o.sections) {
    const body = s.blocks.map((b) => (b.kind === 'p' ? `<p>${h(b.text)}</p>` : b.kind === 'list' ? ul(b.items) : dl(b.rows))).join('');
    parts.push(`<section><h2>${h(s.title)}</h2>${body}</section>`);
  }
  parts.push('</article>');
  return parts.join('\n');
}
