/**
 * The breach's Art. 33(5) register entry from its record: facts, effects, remedial action, and
 * every decision with its reasons — submissions, "not required" declarations, risk assessments,
 * classifications and law-enforcement delays. Pure.
 *
 * Invariant: nothing decided is left out; a record with no decision says so.
 */
import type { BreachFacts as DraftFacts } from '../../src/regulator-notification/facts';
import { registerEntryFromFacts, type BreachRegisterEntry } from '../../src/regulator-notification/register';
import { governingAssessment } from './clocks';
import { riskDecisionText } from './risk';
import type { BreachRecord } from './types';

export function breachRegisterEntry(r: BreachRecord, facts: DraftFacts, now: string): BreachRegisterEntry {
  const recipientOf = (id: string) => r.obligations.find((o) => o.id === id)?.recipient;
  const toSa = r.submissions.filter((s) => recipientOf(s.obligationId) === 'supervisory-authority');
  const toSubjects = r.submissions.some((s) => recipientOf(s.obligationId) === 'data-subjects');
  const decisions = r.notRequired.map((d) => `not required (${d.obligationIds.join(', ')}) by ${d.by}: ${d.reasoning}`);
  const assessments = r.riskAssessments.map((x) => `${x.at} ${riskDecisionText(x.level, x.by, x.reasoning)}`);
  const classified = (r.classifications ?? []).map(
    (c) =>
      `${c.recordedAt} classified ${c.kind}: ${c.outcome} by ${c.by} (at ${c.at}${c.awareAt ? `, aware ${c.awareAt}` : ''}): ${c.reason}`,
  );
  const delays = (r.delays ?? []).map(
    (d) =>
      `law-enforcement delay ${d.id} (${d.basis}, ${d.agency}, ${d.official}) of ${d.obligationIds.join(', ')} from ${d.from} until ${d.endedAt ?? d.until}: ${d.reason}`,
  );
  const governing = governingAssessment(r);
  const contained = r.facts.measuresTaken.find((m) => m.step === 'isolate' || m.step === 'tag-quarantined');
  return registerEntryFromFacts(facts, {
    recordedAt: now,
    cause: `to be completed by the investigation; alerts: ${r.facts.alerts.map((a) => a.title).join('; ') || 'none'}`,
    effects: r.facts.likelyConsequences.join('; ') || 'to be assessed',
    notifiedSupervisoryAuthority: toSa.length > 0,
    notificationDecisionReason:
      [
        ...toSa.map((s) => `notified (${s.phase}) ref ${s.reference} by ${s.by}`),
        ...decisions,
        ...assessments,
        ...classified,
        ...delays,
      ].join('; ') || 'no decision recorded',
    ...(toSa[0] ? { notifiedAt: toSa[0].submittedAt } : {}),
    communicatedToDataSubjects: toSubjects ? 'yes' : 'no',
    art34DecisionReason: [
      r.risk === 'high'
        ? toSubjects
          ? 'high risk: data subjects informed'
          : 'high risk: communication pending'
        : `risk assessed as ${r.risk ?? 'not yet assessed'}: Art. 34(1) high-risk threshold not met`,
      ...(governing ? [`reasoning (${governing.by}, ${governing.at}): ${governing.reasoning}`] : []),
    ].join('; '),
    ...(contained ? { containedAt: contained.at } : {}),
    communications: r.notifications
      .filter((n) => n.outcome !== 'recorded' || n.contact)
      .map((n) => `${n.at} ${n.kind} ${n.obligationId} → ${n.contact ?? 'nobody configured'} (${n.outcome})`),
  });
}
