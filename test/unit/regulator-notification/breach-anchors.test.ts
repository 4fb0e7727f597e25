/**
 * Anchor events and risk assessments of the breach workflow's state, without Temporal: waiting
 * clocks say which anchor they need; the record-anchor validator's refusals (role per anchor,
 * future, unknown for this breach, twice); a recorded anchor starts its clocks and their reminder
 * plan; a high risk adds Art. 34 and its draft, a lowered one shows it as not required with the
 * reasoning, which reaches the Art. 33(5) register.
 */
import { computeDue } from '../../../src/regulatory/deadlines';
import { sec8k } from '../../../src/regulatory/sec';
import { BreachState } from '../../../workflows/regulator-notification/breach-state';
import type { BreachNotificationInput, BreachSettings } from '../../../workflows/regulator-notification/types';

const T0 = '2026-03-27T09:00:00.000Z';
const at = (h: number) => new Date(Date.parse(T0) + h * 3_600_000).toISOString();
const dpo = { name: 'dana', roles: ['dpo'] };
const approver = { name: 'bob', roles: ['approver'] };
const REASONING = 'Customer contact details and order history readable by the attacker; no special categories.';

function input(settings: Partial<BreachSettings> = {}): BreachNotificationInput {
  return {
    incidentId: 'inc-123456789012-eu-west-1-i-0123456789abcdef0',
    resource: { account: '123456789012', region: 'eu-west-1', instanceId: 'i-0123456789abcdef0' },
    detectedAt: T0,
    alerts: [{ title: 'C2', severity: 'high' }],
    classification: {
      personalData: true,
      subjectRegions: ['EU'],
      subjectCategories: ['customers'],
      recordCategories: ['contact details'],
      specialCategories: [],
      approxSubjects: 900,
      estimateBasis: 'tags',
    },
    settings: {
      jurisdictions: ['EU'],
      sectors: [],
      reminderFractions: [0.5],
      escalateAfterMinutes: 30,
      contacts: ['a', 'b'],
      displayZone: 'UTC',
      ...settings,
    },
  };
}
const financial = () => new BreachState(input({ sectors: ['financial', 'essential-entity', 'sec-registrant'] }), T0);
const clock = (s: BreachState, now: string, id: string) => s.view(now).clocks.find((c) => c.obligationId === id);

test('waiting clocks name the anchor they wait for and how to record it', () => {
  const v = financial().view(at(1));
  expect(v.awaiting.find((w) => w.obligationId === 'dora.5.1.a')).toMatchObject({
    missing: ['classification'],
    waitingFor: [{ anchor: 'classification', recordWith: 'anchor', description: 'the incident was classified as major' }],
  });
  expect(v.awaiting.find((w) => w.obligationId === 'sec.8k.1.05')?.waitingFor).toEqual([
    expect.objectContaining({ anchor: 'materiality', recordWith: 'anchor' }),
  ]);
  expect(v.awaiting.find((w) => w.obligationId === 'nis2.23.4.d')?.waitingFor).toEqual([
    { anchor: 'submitted:nis2.23.4.b', recordWith: 'submission', description: 'the submission of nis2.23.4.b is recorded' },
  ]);
  expect(v.anchors.find((a) => a.anchor === 'classification')).toMatchObject({
    basis: 'missing',
    recordable: true,
    waiting: ['dora.5.1.a'],
  });
  expect(v.anchors.find((a) => a.anchor === 'awareness')).toMatchObject({ basis: 'default', at: T0, recordable: false });
});

test('the record-anchor validator: role per anchor, reason, instant, known for this breach, once', () => {
  const s = financial();
  const ok = { anchor: 'classification' as const, at: at(2), reason: 'major per RTS 2024/1772: clients affected', operator: approver };
  expect(s.refuseAnchor(ok, at(3))).toBeUndefined();
  expect(s.refuseAnchor({ ...ok, operator: { name: 'al', roles: ['responder'] } }, at(3))?.type).toBe('Forbidden');
  expect(s.refuseAnchor({ ...ok, anchor: 'materiality' }, at(3))).toMatchObject({
    type: 'Forbidden',
    message: expect.stringContaining('materiality'),
  });
  expect(s.refuseAnchor({ ...ok, anchor: 'materiality', operator: dpo }, at(3))).toBeUndefined();
  expect(s.refuseAnchor({ ...ok, reason: ' ' }, at(3))?.type).toBe('InvalidRequest');
  expect(s.refuseAnchor({ ...ok, at: at(4) }, at(3))).toMatchObject({ type: 'InvalidRequest', message: expect.stringMatching(/future/) });
  expect(s.refuseAnchor({ ...ok, at: '2026-03-27' }, at(3))?.type).toBe('InvalidRequest');
  expect(s.refuseAnchor({ ...ok, anchor: 'awareness' }, at(3))?.message).toMatch(/set awareness/);
  expect(s.refuseAnchor({ ...ok, anchor: 'belief', operator: dpo }, at(3))).toMatchObject({
    type: 'Conflict',
    message: expect.stringContaining('classification'),
  });
  s.recordAnchor(ok, at(3));
  expect(s.refuseAnchor(ok, at(3))).toMatchObject({ type: 'Conflict', message: expect.stringContaining('already recorded') });
});

test('a recorded anchor starts its clocks, with reminders planned from the anchor', () => {
  const s = financial();
  expect(clock(s, at(3), 'dora.5.1.a')).toBeUndefined();
  const r = s.recordAnchor({ anchor: 'classification', at: at(2), reason: 'classified major', operator: approver }, at(3));
  expect(r).toEqual({ anchor: 'classification', at: at(2), started: ['dora.5.1.a'] });
  // DORA initial = min(classification + 4 h, awareness + 24 h); a NIS2 entity has no weekend relief.
  expect(clock(s, at(3), 'dora.5.1.a')).toMatchObject({ state: 'open', startedAt: at(2), dueAt: at(6) });
  expect(s.nextEventAt(at(3))).toBe(at(4));
  expect(s.view(at(3)).anchors.find((a) => a.anchor === 'classification')).toMatchObject({
    basis: 'recorded',
    at: at(2),
    waiting: [],
    record: { by: 'bob' },
  });

  s.recordAnchor({ anchor: 'materiality', at: at(3), reason: 'disclosure committee', operator: dpo }, at(3));
  expect(clock(s, at(3), 'sec.8k.1.05')?.dueAt).toBe(computeDue(sec8k, { materiality: at(3) }));
  s.recordAnchor({ anchor: 'request', at: at(3), reason: 'CSIRT e-mail ref 7', operator: approver }, at(3));
  expect(clock(s, at(5), 'nis2.23.4.c')).toMatchObject({ state: 'elapsed', elapsedMs: 2 * 3_600_000, standard: 'qualitative' });
});

test('risk: high adds Art. 34 and its draft; lowered, it is not required with the reasoning; low closes Art. 33 too', () => {
  const s = new BreachState(input(), T0);
  expect(s.refuseRiskAssessment({ level: 'high', reasoning: REASONING, operator: approver })?.type).toBe('Forbidden');
  expect(s.refuseRiskAssessment({ level: 'high', reasoning: 'bad', operator: dpo })?.type).toBe('InvalidRequest');
  expect(clock(s, at(1), 'gdpr.34.1')).toBeUndefined();
  expect(s.draft(at(1)).art34).toBeNull();

  expect(s.assessRisk({ level: 'high', reasoning: REASONING, operator: dpo }, at(1))).toEqual({
    level: 'high',
    risk: 'high',
    added: ['gdpr.34.1'],
    notRequired: [],
  });
  expect(clock(s, at(2), 'gdpr.34.1')).toMatchObject({ state: 'elapsed', recipient: 'data-subjects', resolved: false });
  expect(s.draft(at(2)).art34).toMatchObject({ kind: 'gdpr-art34' });

  const lowered = 'Data was encrypted at rest with a key the attacker could not reach: high risk no longer likely.';
  expect(s.assessRisk({ level: 'medium', reasoning: lowered, operator: dpo }, at(3)).notRequired).toEqual(['gdpr.34.1']);
  expect(clock(s, at(4), 'gdpr.34.1')).toMatchObject({
    state: 'not-required',
    resolved: true,
    notRequired: { basis: 'risk-assessment', reasoning: lowered, by: 'dana', risk: 'risk' },
  });
  expect(s.draft(at(4)).art34).toBeNull();
  expect(clock(s, at(4), 'gdpr.33.1')).toMatchObject({ state: 'open', resolved: false });
  expect(s.view(at(4)).riskAssessment).toMatchObject({ level: 'medium', reasoning: lowered });

  s.assessRisk({ level: 'high', reasoning: REASONING, operator: dpo }, at(5));
  expect(clock(s, at(5), 'gdpr.34.1')).toMatchObject({ state: 'elapsed', resolved: false });

  const low = 'Only test accounts were on the instance; unlikely to result in a risk to natural persons.';
  expect(s.assessRisk({ level: 'low', reasoning: low, operator: dpo }, at(6)).notRequired).toEqual(['gdpr.33.1', 'gdpr.33.4', 'gdpr.34.1']);
  expect(s.complete(at(6))).toBe(true); // only the 33(5) register remains, written at the end
  const entry = s.registerEntry(at(7));
  expect(entry.notifiedSupervisoryAuthority).toBe(false);
  expect(entry.notificationDecisionReason).toContain(`risk assessed low by dana`);
  expect(entry.notificationDecisionReason).toContain(low);
  expect(entry.art34DecisionReason).toContain(low);
});

test('a risk assessment never turns a submitted obligation into "not required"', () => {
  const s = new BreachState(input(), T0);
  s.recordSubmission({ obligationId: 'gdpr.33.1', phase: 'initial', reference: 'SA-1', submittedAt: at(5), operator: dpo }, at(5));
  const r = s.assessRisk({ level: 'low', reasoning: 'Later analysis: the rows read were synthetic test data only.', operator: dpo }, at(6));
  expect(r.notRequired).toEqual(['gdpr.33.4']);
  expect(clock(s, at(6), 'gdpr.33.1')).toMatchObject({ state: 'met', resolved: true });
});

test('a clock chained on the latest submission says it waits for a submission, not an anchor event', () => {
  const v = financial().view(at(1));
  expect(v.awaiting.find((w) => w.obligationId === 'dora.5.1.c')?.waitingFor).toEqual([
    {
      anchor: 'latestSubmitted:dora.5.1.b',
      recordWith: 'submission',
      description: 'the (latest updated) submission of dora.5.1.b is recorded',
    },
  ]);
});
