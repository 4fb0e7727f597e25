/**
 * The state of one breach notification as a plain class the workflow drives and unit tests can
 * drive without Temporal: facts, awareness, anchor events, classifications, law-enforcement
 * delays, submissions, "not required" decisions, the pages sent, the draft and the register
 * entry. "Now" is always a parameter.
 *
 * Invariants: `refuse*` never mutate (they back the update validators, STYLE.md); the matching
 * mutators assume they passed. A late submission of an obligation whose late filing requires
 * reasons (GDPR 33(1)) is refused without them; a progress report only where the law takes one
 * (NIS2 23(4)(e)). Awareness, anchor events and classifications may not lie in the future.
 * Recording an anchor event, a classification, a delay or a risk assessment changes which clocks
 * run and when (anchors.ts, classify.ts, delays.ts, risk.ts); every decision stays in the record.
 */
import { draftArticle33, draftArticle34 } from '../../src/regulator-notification/draft';
import { edpbTemplate } from '../../src/regulator-notification/edpb-template';
import type { BreachFacts as DraftFacts } from '../../src/regulator-notification/facts';
import type { BreachRegisterEntry } from '../../src/regulator-notification/register';
import { renderDraftHtml, renderDraftMarkdown } from '../../src/regulator-notification/render';
import { refuseAnchor } from './anchors';
import { refuseClassification } from './classify';
import { allResolved, clockViews, dueEvents, governingAssessment, nextEventAt, type PlannedEvent } from './clocks';
import { refuseEndDelay, refuseStartDelay } from './delays';
import { obligationsFor, suggestedConsequences } from './obligations';
import { legacyObligations } from './legacy-rules';
import { breachRegisterEntry } from './register-entry';
import { blank, hasRole, instantProblem, utc, type Refusal } from './refusals';
import { RISK_OF, refuseRiskAssessment, riskEffect } from './risk';
import type {
  AssessRisk,
  AssessRiskResult,
  BreachFactsUpdate,
  BreachNotificationInput,
  BreachRecord,
  BreachView,
  DeclareNotRequired,
  DraftView,
  EndDelay,
  NotificationRequest,
  NotificationSent,
  RecordAnchor,
  RecordClassification,
  RecordSubmission,
  SetAwareness,
  StartDelay,
} from './types';

export { obligationsFor, profileOf } from './obligations';

export class BreachState {
  private readonly r: BreachRecord;
  /** Bumped on every change, so the workflow's wait re-plans its timers. */
  version = 0;

  /** `rules`: 1 for a workflow started before anchors per regime (its replay keeps the old timers, legacy-rules.ts). */
  constructor(input: BreachNotificationInput, now: string, rules: 1 | 2 = 2) {
    const obligations = obligationsFor(input, input.risk);
    this.r = {
      incidentId: input.incidentId,
      resource: input.resource,
      startedAt: now,
      detectedAt: input.detectedAt,
      settings: input.settings,
      anchorEvents: [],
      riskAssessments: [],
      classifications: [],
      delays: [],
      ...(rules === 2 ? { rules } : {}),
      ...(input.risk ? { risk: input.risk } : {}),
      obligations: rules === 2 ? obligations : legacyObligations(obligations, input.settings),
      facts: {
        alerts: input.alerts,
        classification: input.classification,
        measuresTaken: input.measuresTaken ?? [],
        proposedMeasures: [
          'Forensic analysis of the preserved evidence to establish whether personal data was accessed or exfiltrated',
          'Rotate credentials and secrets the instance could reach',
        ],
        likelyConsequences: suggestedConsequences(input.classification),
      },
      factsVersion: 1,
      submissions: [],
      notRequired: [],
      notifications: [],
      status: 'open',
    };
  }

  record(): BreachRecord {
    return this.r;
  }

  view(now: string): BreachView {
    const a = this.r.awareness;
    const assessment = governingAssessment(this.r);
    return {
      record: this.r,
      now,
      ...clockViews(this.r, now),
      ...(assessment ? { riskAssessment: assessment } : {}),
      awareness: a
        ? { at: a.at, basis: 'recorded', conservative: false, reason: a.reason }
        : { at: this.r.detectedAt, basis: 'first-alert', conservative: true },
    };
  }

  draftFacts(now: string): DraftFacts {
    const f = this.r.facts;
    const s = this.r.settings;
    const late = this.r.submissions.find((x) => x.reasonsForDelay);
    return {
      incidentId: this.r.incidentId,
      resource: this.r.resource,
      detectedAt: this.r.detectedAt,
      preparedAt: now,
      displayZone: s.displayZone,
      ...(this.r.awareness ? { awareAt: this.r.awareness.at } : {}),
      ...(s.controllerName ? { controllerName: s.controllerName } : {}),
      ...(s.supervisoryAuthority ? { supervisoryAuthority: s.supervisoryAuthority } : {}),
      ...(s.dpo ? { dpo: s.dpo } : {}),
      ...(this.r.risk ? { risk: this.r.risk } : {}),
      ...(late?.reasonsForDelay ? { reasonsForDelay: late.reasonsForDelay } : {}),
      alerts: f.alerts,
      breachType: ['confidentiality'],
      classification: {
        dataSubjectCategories: f.classification.subjectCategories,
        personalDataCategories: f.classification.recordCategories,
        specialCategories: f.classification.specialCategories,
        estimateBasis: f.classification.estimateBasis,
        ...(f.classification.approxSubjects !== undefined ? { approxSubjects: f.classification.approxSubjects } : {}),
        ...(f.classification.approxRecords !== undefined ? { approxRecords: f.classification.approxRecords } : {}),
      },
      measuresTaken: f.measuresTaken,
      proposedMeasures: f.proposedMeasures,
      likelyConsequences: f.likelyConsequences,
    };
  }

  draft(now: string): DraftView {
    const facts = this.draftFacts(now);
    const art33 = draftArticle33(facts);
    const art34 = draftArticle34(facts);
    const recipient = (id: string) => this.r.obligations.find((o) => o.id === id)?.recipient ?? '';
    const assessment = governingAssessment(this.r);
    const edpb = edpbTemplate(art33, {
      submissions: this.r.submissions.map((x) => ({ phase: x.phase, reference: x.reference, recipient: recipient(x.obligationId) })),
      awarenessRecorded: this.r.awareness !== undefined,
      subjectRegions: this.r.facts.classification.subjectRegions,
      ...(assessment ? { riskAssessment: { level: assessment.level, reasoning: assessment.reasoning } } : {}),
    });
    return {
      factsVersion: this.r.factsVersion,
      art33,
      art34,
      edpb,
      markdown: [renderDraftMarkdown(art33), ...(art34 ? [renderDraftMarkdown(art34)] : [])].join('\n\n'),
      html: [renderDraftHtml(art33), ...(art34 ? [renderDraftHtml(art34)] : [])].join('\n'),
    };
  }

  applyFacts(u: BreachFactsUpdate): void {
    const f = this.r.facts;
    if (u.measuresTaken) f.measuresTaken = u.measuresTaken;
    if (u.alerts) f.alerts = u.alerts;
    if (u.proposedMeasures) f.proposedMeasures = u.proposedMeasures;
    if (u.likelyConsequences) f.likelyConsequences = u.likelyConsequences;
    this.r.factsVersion += 1;
    this.version += 1;
  }

  refuseSubmission(s: RecordSubmission, now: string): Refusal | undefined {
    if (!hasRole(s.operator.roles, 'dpo'))
      return { type: 'Forbidden', message: `${s.operator.name} may not record submissions (dpo or admin)` };
    if (blank(s.reference)) return { type: 'InvalidRequest', message: "a submission needs the authority's reference" };
    const bad = instantProblem(s.submittedAt, 'submittedAt', now);
    if (bad) return bad;
    const clock = clockViews(this.r, now).clocks.find((c) => c.obligationId === s.obligationId);
    if (!clock) {
      const known = this.r.obligations.some((o) => o.id === s.obligationId);
      return {
        type: 'Conflict',
        message: known
          ? `${s.obligationId} has not started: its anchor has not happened`
          : `${s.obligationId} does not apply to this breach`,
      };
    }
    if (clock.state === 'not-required') return { type: 'Conflict', message: `${s.obligationId} was declared not required` };
    const previous = this.r.submissions.some((x) => x.obligationId === s.obligationId);
    if (s.phase === 'follow-up' && !previous)
      return { type: 'Conflict', message: 'a follow-up needs an initial submission first (Art. 33(4))' };
    const ob = this.r.obligations.find((o) => o.id === s.obligationId);
    if (s.phase === 'progress' && !ob?.acceptsProgressReport)
      return { type: 'InvalidRequest', message: `${s.obligationId} takes no progress report (only the NIS2 final report, Art. 23(4)(e))` };
    if (this.r.submissions.some((x) => x.obligationId === s.obligationId && x.phase === 'final'))
      return { type: 'Conflict', message: `${s.obligationId} already has its final submission` };
    // GDPR 33(1): a notification made after the 72 hours is accompanied by the reasons for the delay.
    const late = clock.dueAt !== undefined && Date.parse(s.submittedAt) > Date.parse(clock.dueAt) && !previous;
    if (late && clock.lateRequires.includes('reasonsForDelay') && blank(s.reasonsForDelay)) {
      return {
        type: 'LateWithoutReason',
        message: `${s.obligationId} was due ${clock.dueAt}; a late submission must give the reasons for the delay (GDPR Art. 33(1))`,
      };
    }
    return undefined;
  }

  recordSubmission(s: RecordSubmission, now: string): { obligationId: string; state: string; submissions: number } {
    this.r.submissions.push({
      obligationId: s.obligationId,
      phase: s.phase,
      reference: s.reference.trim(),
      submittedAt: new Date(Date.parse(s.submittedAt)).toISOString(),
      by: s.operator.name,
      recordedAt: now,
      ...(blank(s.reasonsForDelay) ? {} : { reasonsForDelay: (s.reasonsForDelay as string).trim() }),
    });
    this.r.factsVersion += 1;
    this.version += 1;
    const c = clockViews(this.r, now).clocks.find((x) => x.obligationId === s.obligationId)!;
    return { obligationId: s.obligationId, state: c.state, submissions: c.submissions };
  }

  refuseAwareness(a: SetAwareness, now: string): Refusal | undefined {
    if (!hasRole(a.operator.roles, 'dpo', 'approver'))
      return { type: 'Forbidden', message: `${a.operator.name} may not set awareness (dpo, approver or admin)` };
    if (blank(a.reason))
      return { type: 'InvalidRequest', message: 'say how and when the controller became aware (the DPC expects it to be demonstrable)' };
    return instantProblem(a.awareAt, 'awareAt', now);
  }

  setAwareness(a: SetAwareness, now: string): { awareAt: string } {
    const at = utc(a.awareAt);
    this.r.awareness = { at, reason: a.reason.trim(), by: a.operator.name, recordedAt: now };
    this.r.factsVersion += 1;
    this.version += 1;
    return { awareAt: at };
  }

  refuseAnchor(a: RecordAnchor, now: string): Refusal | undefined {
    return refuseAnchor(this.r, a, now);
  }

  /** Records an anchor event; the clocks waiting for it start (and with them, their reminders). */
  recordAnchor(a: RecordAnchor, now: string): { anchor: string; at: string; started: string[] } {
    const waiting = clockViews(this.r, now).awaiting.map((w) => w.obligationId);
    const at = utc(a.at);
    this.r.anchorEvents.push({ anchor: a.anchor, at, reason: a.reason.trim(), by: a.operator.name, recordedAt: now });
    this.version += 1;
    const running = new Set(clockViews(this.r, now).clocks.map((c) => c.obligationId));
    return { anchor: a.anchor, at, started: waiting.filter((id) => running.has(id)) };
  }

  refuseClassification(c: RecordClassification, now: string): Refusal | undefined {
    return refuseClassification(this.r, c, now);
  }

  /** Records a classification decision: "yes" starts the regime's clocks, "no" makes them not required. */
  recordClassification(c: RecordClassification, now: string): { kind: string; outcome: string; started: string[]; notRequired: string[] } {
    const waiting = clockViews(this.r, now).awaiting.map((w) => w.obligationId);
    (this.r.classifications ??= []).push({
      kind: c.kind,
      outcome: c.outcome,
      at: utc(c.at),
      ...(c.awareAt ? { awareAt: utc(c.awareAt) } : {}),
      reason: c.reason.trim(),
      by: c.operator.name,
      recordedAt: now,
    });
    this.r.factsVersion += 1;
    this.version += 1;
    const views = clockViews(this.r, now).clocks;
    const started = waiting.filter((id) => views.some((v) => v.obligationId === id && v.state !== 'not-required'));
    const submitted = new Set(this.r.submissions.map((x) => x.obligationId));
    const notRequired =
      c.outcome === 'no' ? this.r.obligations.filter((o) => o.classification === c.kind && !submitted.has(o.id)).map((o) => o.id) : [];
    return { kind: c.kind, outcome: c.outcome, started, notRequired };
  }

  refuseStartDelay(d: StartDelay, now: string): Refusal | undefined {
    return refuseStartDelay(this.r, d, now);
  }

  /** Pauses the named clocks until `until` (or until ended): law-enforcement delay, documented. */
  startDelay(d: StartDelay, now: string): { delayId: string; obligationIds: string[] } {
    const delays = (this.r.delays ??= []);
    const id = `delay-${delays.length + 1}`;
    delays.push({
      id,
      obligationIds: [...d.obligationIds],
      basis: d.basis,
      agency: d.agency.trim(),
      official: d.official.trim(),
      from: utc(d.from),
      until: utc(d.until),
      reason: d.reason.trim(),
      by: d.operator.name,
      recordedAt: now,
    });
    this.r.factsVersion += 1;
    this.version += 1;
    return { delayId: id, obligationIds: [...d.obligationIds] };
  }

  refuseEndDelay(e: EndDelay, now: string): Refusal | undefined {
    return refuseEndDelay(this.r, e, now);
  }

  /** Ends a delay early: the paused clocks run again, their due instants moved by the time paused. */
  endDelay(e: EndDelay): { delayId: string; endedAt: string } {
    const d = (this.r.delays ?? []).find((x) => x.id === e.delayId)!;
    d.endedAt = utc(e.at);
    d.endReason = e.reason.trim();
    d.endedBy = e.operator.name;
    this.r.factsVersion += 1;
    this.version += 1;
    return { delayId: d.id, endedAt: d.endedAt };
  }

  refuseRiskAssessment(a: AssessRisk): Refusal | undefined {
    return refuseRiskAssessment(a);
  }

  /** Records the DPO's assessment: Art. 34 appears on high risk; what no longer applies shows as not required, with the reasoning. */
  assessRisk(a: AssessRisk, now: string): AssessRiskResult {
    const risk = RISK_OF[a.level];
    const applicable = obligationsFor({ classification: this.r.facts.classification, settings: this.r.settings }, risk);
    const { added, notRequired } = riskEffect(this.r, this.r.rules === 2 ? applicable : legacyObligations(applicable, this.r.settings));
    this.r.obligations.push(...added);
    const reasoning = a.reasoning.trim();
    this.r.riskAssessments.push({
      level: a.level,
      risk,
      reasoning,
      by: a.operator.name,
      at: now,
      added: added.map((o) => o.id),
      notRequired,
    });
    this.r.risk = risk;
    this.r.factsVersion += 1;
    this.version += 1;
    return { level: a.level, risk, added: added.map((o) => o.id), notRequired };
  }

  refuseNotRequired(d: DeclareNotRequired, now: string): Refusal | undefined {
    if (!hasRole(d.operator.roles, 'dpo'))
      return { type: 'Forbidden', message: `${d.operator.name} may not declare a notification not required (dpo or admin)` };
    if (d.reasoning.trim().length < 20)
      return { type: 'InvalidRequest', message: 'give the risk-assessment reasoning (Art. 33(5): it is recorded in the register)' };
    const open = clockViews(this.r, now);
    const ids = new Set([...open.clocks.map((c) => c.obligationId), ...open.awaiting.map((a) => a.obligationId)]);
    const unknown = (d.obligationIds ?? []).find((id) => !ids.has(id));
    return unknown ? { type: 'Conflict', message: `${unknown} is not an obligation of this breach` } : undefined;
  }

  declareNotRequired(d: DeclareNotRequired, now: string): { obligationIds: string[] } {
    const { clocks, awaiting } = clockViews(this.r, now);
    const ids =
      d.obligationIds && d.obligationIds.length > 0
        ? d.obligationIds
        : [
            ...clocks.filter((c) => !c.resolved && c.recipient !== 'internal-register').map((c) => c.obligationId),
            ...awaiting.map((a) => a.obligationId),
          ];
    this.r.notRequired.push({ obligationIds: ids, reasoning: d.reasoning.trim(), risk: d.risk, by: d.operator.name, at: now });
    this.r.risk = d.risk;
    this.r.factsVersion += 1;
    this.version += 1;
    return { obligationIds: ids };
  }

  complete(now: string): boolean {
    return allResolved(this.r, now);
  }
  nextEventAt(now: string): string | undefined {
    return nextEventAt(this.r, now);
  }

  /** The pages due now, with their keys already recorded as sent (the caller reports outcomes). */
  takeDueEvents(now: string, workflowId: string): NotificationRequest[] {
    const { send, skip } = dueEvents(this.r, now);
    for (const e of skip)
      this.r.notifications.push({
        key: e.key,
        obligationId: e.obligationId,
        kind: e.kind,
        at: now,
        contact: null,
        outcome: 'recorded',
        detail: 'superseded by a later event of the same clock',
      });
    const notes = send.length
      ? new Map(clockViews(this.r, now).clocks.map((c) => [c.obligationId, c.anchorNotes ?? []]))
      : new Map<string, string[]>();
    return send.map((e) => this.request(e, workflowId, notes.get(e.obligationId) ?? []));
  }

  private request(e: PlannedEvent, workflowId: string, anchorNotes: string[]): NotificationRequest {
    const o = this.r.obligations.find((x) => x.id === e.obligationId)!;
    const contacts = this.r.settings.contacts;
    const level = e.kind === 'escalation' && contacts.length > 1 ? 1 : 0;
    const what =
      e.kind === 'reminder'
        ? `${Math.round((e.fraction ?? 0) * 100)}% of the window has passed`
        : e.kind === 'due'
          ? 'due now'
          : 'OVERDUE, escalated';
    return {
      idempotencyKey: `${workflowId}:${e.key}`,
      incidentId: this.r.incidentId,
      obligationId: e.obligationId,
      title: o.title,
      kind: e.kind,
      ...(e.fraction !== undefined ? { fraction: e.fraction } : {}),
      dueAt: e.dueAt,
      contact: contacts[level] ?? null,
      escalationLevel: level,
      text: `${o.id} ${o.title} for ${this.r.incidentId}: ${what} (due ${e.dueAt}${anchorNotes.map((n) => `; ${n}`).join('')})`,
    };
  }

  noteSent(req: NotificationRequest, key: string, at: string, outcome: NotificationSent['outcome'], detail?: string): void {
    this.r.notifications.push({
      key,
      obligationId: req.obligationId,
      kind: req.kind,
      ...(req.fraction !== undefined ? { fraction: req.fraction } : {}),
      at,
      contact: req.contact,
      outcome,
      ...(detail ? { detail } : {}),
    });
  }

  /** The Art. 33(5) entry: facts, effects, remedial action, and the notification decisions with reasons. */
  registerEntry(now: string): BreachRegisterEntry {
    return breachRegisterEntry(this.r, this.draftFacts(now), now);
  }

  close(now: string, register: { entry: BreachRegisterEntry; location: string | null }): void {
    this.r.status = 'closed';
    this.r.closedAt = now;
    this.r.register = register;
    this.version += 1;
  }
}
