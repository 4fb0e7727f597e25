/**
 * Drafts of the GDPR Art. 33 notification to the supervisory authority and the Art. 34
 * communication to data subjects, as typed JSON; renderers live in render.ts. Pure: "now" is
 * `facts.preparedAt`.
 *
 * Invariants: every Art. 33(3)(a)–(d) item is present in the draft even when unknown (then null
 * or empty, and listed in `needsHuman` with a reason); counts are estimates; when awareness was
 * not recorded the 72 h clock runs from the first alert and the draft says so (WP250, §1.2).
 */
import { DateTime } from 'luxon';
import { computeDue, parseInstant } from '../regulatory/deadlines';
import { gdprArt33, gdprAwareness } from '../regulatory/gdpr';
import type { Article33Draft, Article34Draft, BreachFacts, Estimate, MeasureEntry } from './facts';
import { isAccessKeyRef, resourceLabel } from '../domain/incident';

export { renderDraftHtml, renderDraftMarkdown } from './render';
export type { Article33Draft, Article34Draft, BreachFacts, Estimate, MeasureEntry } from './facts';

const blank = (s: string | undefined): s is undefined => s === undefined || s.trim() === '';
const orNull = (s: string | undefined): string | null => (blank(s) ? null : (s as string).trim());

function estimate(value: number | undefined, basis: string | undefined): Estimate | null {
  return value === undefined || !Number.isFinite(value) || value < 0 ? null : { value, estimate: true, basis: orNull(basis) };
}

/** "30 March 2026" in the reader's zone; the raw text when it is not a valid instant. */
function plainDate(instant: string, zone: string): string {
  const dt = DateTime.fromISO(instant, { zone });
  return dt.isValid ? dt.setLocale('en-GB').toFormat('d LLLL yyyy') : instant;
}

function byTime(entries: MeasureEntry[]): MeasureEntry[] {
  const t = (e: MeasureEntry) => {
    const ms = Date.parse(e.at);
    return Number.isNaN(ms) ? Infinity : ms;
  };
  return [...entries].sort((a, b) => t(a) - t(b));
}

function contactNeeds(f: BreachFacts, prefix: string, needs: string[]): void {
  if (blank(f.dpo?.name)) needs.push(`${prefix}.name: name of the DPO or other contact point is missing (Art. 33(3)(b))`);
  if (blank(f.dpo?.email)) needs.push(`${prefix}.email: contact e-mail of the DPO/contact point is missing (Art. 33(3)(b))`);
  if (blank(f.dpo?.phone)) needs.push(`${prefix}.phone: contact phone of the DPO/contact point is missing (Art. 33(3)(b))`);
}

function summary(f: BreachFacts): string {
  const titles = f.alerts.map((a) => `${a.title} (${a.severity})`).join('; ');
  const alerts = f.alerts.length === 0 ? 'no alerts recorded' : `${f.alerts.length} alert(s): ${titles}`;
  return `Security incident ${f.incidentId} on ${isAccessKeyRef(f.resource) ? resourceLabel(f.resource) : `instance ${f.resource.instanceId}`} (account ${f.resource.account}, region ${f.resource.region}), first detected at ${f.detectedAt} from ${alerts}.`;
}

/** GDPR Art. 33(3) notification draft to the (lead) supervisory authority. */
export function draftArticle33(f: BreachFacts): Article33Draft {
  const needs: string[] = [];
  const aware = gdprAwareness(f);
  const dueAt = computeDue(gdprArt33, { awareness: aware.at }) as string;
  const late = parseInstant(f.preparedAt, 'preparedAt').toMillis() > Date.parse(dueAt);
  const note = aware.conservative
    ? 'Awareness not recorded: the 72-hour clock runs conservatively from the first alert.'
    : aware.basis === 'processor-notice'
      ? "Awareness defaults to the processor's notice to the controller."
      : 'Awareness as recorded by the controller.';
  if (aware.conservative)
    needs.push(
      'clock.awareAt: awareness not recorded; the clock runs conservatively from the first alert — record when the controller became reasonably certain that personal data was compromised (WP250)',
    );
  if (aware.basis === 'processor-notice')
    needs.push("clock.awareAt: defaulted to the processor's notice; confirm or record the controller's own awareness");
  if (blank(f.controllerName)) needs.push('controller: controller name is missing');
  if (blank(f.supervisoryAuthority))
    needs.push(
      'recipient.authority: identify the competent (lead) supervisory authority (Art. 55–56; non-EEA controllers notify each SA where subjects reside)',
    );
  if (f.risk === undefined)
    needs.push('risk: assess the risk (notify unless unlikely to result in a risk, Art. 33(1); high risk triggers Art. 34)');

  const c = f.classification;
  if (!f.breachType || f.breachType.length === 0)
    needs.push('nature.breachType: say whether confidentiality, integrity and/or availability was breached');
  if (c.dataSubjectCategories.length === 0)
    needs.push('nature.dataSubjects.categories: categories of data subjects are missing (Art. 33(3)(a))');
  if (estimate(c.approxSubjects, c.estimateBasis) === null)
    needs.push('nature.dataSubjects.approximateNumber: approximate number of data subjects is missing (Art. 33(3)(a))');
  if (c.personalDataCategories.length === 0)
    needs.push('nature.records.categories: categories of personal data records are missing (Art. 33(3)(a))');
  if (estimate(c.approxRecords, c.estimateBasis) === null)
    needs.push('nature.records.approximateNumber: approximate number of personal data records is missing (Art. 33(3)(a))');
  contactNeeds(f, 'contactPoint', needs);
  if (f.likelyConsequences.length === 0)
    needs.push('likelyConsequences.items: describe the likely consequences of the breach (Art. 33(3)(c))');
  if (f.measuresTaken.length === 0) needs.push('measures.taken: no measures taken are recorded (Art. 33(3)(d))');
  if (f.proposedMeasures.length === 0)
    needs.push('measures.proposed: list the measures proposed, incl. mitigation of adverse effects (Art. 33(3)(d))');
  if (f.measuresTaken.some((m) => Number.isNaN(Date.parse(m.at)))) needs.push('measures.taken: an entry has no valid time');
  if (late && blank(f.reasonsForDelay))
    needs.push(
      'reasonsForDelay.text: the notification is later than 72 hours after awareness; give the reasons for the delay (Art. 33(1))',
    );

  return {
    kind: 'gdpr-art33',
    incidentId: f.incidentId,
    preparedAt: f.preparedAt,
    displayZone: f.displayZone ?? 'UTC',
    controller: orNull(f.controllerName),
    recipient: { authority: orNull(f.supervisoryAuthority) },
    clock: { awareAt: aware.at, basis: aware.basis, conservative: aware.conservative, dueAt, late, note },
    nature: {
      citation: 'GDPR Art. 33(3)(a)',
      summary: summary(f),
      breachType: [...(f.breachType ?? [])],
      detectedAt: f.detectedAt,
      resource: { ...f.resource },
      alerts: f.alerts.map((a) => ({ ...a })),
      dataSubjects: { categories: [...c.dataSubjectCategories], approximateNumber: estimate(c.approxSubjects, c.estimateBasis) },
      records: {
        categories: [...c.personalDataCategories],
        specialCategories: [...(c.specialCategories ?? [])],
        approximateNumber: estimate(c.approxRecords, c.estimateBasis),
      },
    },
    contactPoint: { citation: 'GDPR Art. 33(3)(b)', name: orNull(f.dpo?.name), email: orNull(f.dpo?.email), phone: orNull(f.dpo?.phone) },
    likelyConsequences: { citation: 'GDPR Art. 33(3)(c)', items: [...f.likelyConsequences] },
    measures: { citation: 'GDPR Art. 33(3)(d)', taken: byTime(f.measuresTaken), proposed: [...f.proposedMeasures] },
    reasonsForDelay: { citation: 'GDPR Art. 33(1)', required: late, text: orNull(f.reasonsForDelay) },
    needsHuman: needs,
  };
}

/**
 * GDPR Art. 34 communication to data subjects, in clear and plain language (Art. 34(2)).
 * Null unless the risk is 'high', or when an Art. 34(3)(a)/(b) exemption is claimed; a (c)
 * exemption (disproportionate effort) turns it into a public communication.
 */
export function draftArticle34(f: BreachFacts): Article34Draft | null {
  if (f.risk !== 'high') return null;
  if (f.art34Exemption === '34_3_a_protected' || f.art34Exemption === '34_3_b_mitigated') return null;
  const needs: string[] = [];
  const c = f.classification;
  const data = [...c.personalDataCategories, ...(c.specialCategories ?? [])];
  if (data.length === 0) needs.push('dataInvolved: say which kinds of personal data were involved');
  if (f.likelyConsequences.length === 0)
    needs.push('likelyConsequences: explain the likely consequences in plain language (Art. 33(3)(c) via 34(2))');
  if (f.measuresTaken.length === 0 && f.proposedMeasures.length === 0)
    needs.push('measures: say what was done and will be done (Art. 33(3)(d) via 34(2))');
  if (!f.adviceToIndividuals || f.adviceToIndividuals.length === 0)
    needs.push('whatYouCanDo: add steps people can take to protect themselves (EDPB recommendation)');
  contactNeeds(f, 'contactPoint', needs);
  needs.push('whatHappened: machine-drafted; check it is clear, plain and free of technical detail (Art. 34(2))');
  return {
    kind: 'gdpr-art34',
    incidentId: f.incidentId,
    preparedAt: f.preparedAt,
    displayZone: f.displayZone ?? 'UTC',
    controller: orNull(f.controllerName),
    channel: f.art34Exemption === '34_3_c_disproportionate' ? 'public' : 'individual',
    whatHappened: `On ${plainDate(f.detectedAt, f.displayZone ?? 'UTC')} we detected a security incident on one of our systems. Your personal data may have been affected.`,
    dataInvolved: data,
    likelyConsequences: [...f.likelyConsequences],
    measuresTaken: byTime(f.measuresTaken).map((m) => m.detail),
    measuresProposed: [...f.proposedMeasures],
    whatYouCanDo: [...(f.adviceToIndividuals ?? [])],
    contactPoint: { name: orNull(f.dpo?.name), email: orNull(f.dpo?.email), phone: orNull(f.dpo?.phone) },
    citations: {
      nature: 'GDPR Art. 34(2)',
      contactPoint: 'GDPR Art. 33(3)(b)',
      likelyConsequences: 'GDPR Art. 33(3)(c)',
      measures: 'GDPR Art. 33(3)(d)',
    },
    needsHuman: needs,
  };
}
