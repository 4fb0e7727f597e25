/**
 * The breach workflow's pure parts without Temporal: classification tags, measures from steps,
 * clock events (a late start sends only the latest event of a clock), resolution rules and the
 * update validators' refusals.
 */
import type { StepState } from '../../../src/domain/incident';
import { BreachState } from '../../../workflows/regulator-notification/breach-state';
import { classifyTags, measuresFromSteps } from '../../../workflows/regulator-notification/classification';
import { dueEvents } from '../../../workflows/regulator-notification/clocks';
import type { BreachNotificationInput } from '../../../workflows/regulator-notification/types';

const T0 = '2026-03-27T09:00:00.000Z'; // a Friday: GDPR due Monday 09:00 (REGULATORY.md §17.1)
const at = (h: number) => new Date(Date.parse(T0) + h * 3_600_000).toISOString();
const dpo = { name: 'd', roles: ['dpo'] };

function input(): BreachNotificationInput {
  return {
    incidentId: 'inc-123456789012-eu-west-1-i-0123456789abcdef0',
    resource: { account: '123456789012', region: 'eu-west-1', instanceId: 'i-0123456789abcdef0' },
    detectedAt: T0,
    alerts: [{ title: 'C2', severity: 'high' }],
    classification: classifyTags(
      { 'data:personal': 'true', 'data:subject-regions': 'EU;mars', 'data:subject-count': '10', 'data:record-count': 'many' },
      'data:',
    ),
    settings: {
      jurisdictions: ['EU'],
      sectors: [],
      reminderFractions: [0.5],
      escalateAfterMinutes: 30,
      contacts: ['a', 'b'],
      displayZone: 'UTC',
    },
  };
}

test('classification tags: unknown regions and non-numeric counts are dropped, not guessed', () => {
  const c = input().classification;
  expect(c).toMatchObject({ personalData: true, subjectRegions: ['EU'], approxSubjects: 10 });
  expect(c.approxRecords).toBeUndefined();
  expect(classifyTags({ 'data:personal': 'false' }, 'data:').personalData).toBe(false);
});

test('measures come only from done steps, at the instant each step ended', () => {
  const steps: StepState[] = [
    { name: 'isolate', title: 'Isolate', status: 'done', endedAt: at(1), detail: 'moved 1 ENI' },
    { name: 'snapshot-volumes', title: 'Snapshot every volume', status: 'done', endedAt: at(2) },
    { name: 'cut-credentials', title: 'Cut', status: 'failed', endedAt: at(3) },
    { name: 'known-good', title: 'Pick image', status: 'done', endedAt: at(4) },
  ];
  expect(measuresFromSteps(steps)).toEqual([
    { step: 'isolate', at: at(1), detail: expect.stringMatching(/network-isolated.*moved 1 ENI/) },
    { step: 'snapshot-volumes', at: at(2), detail: 'Evidence sealed: Snapshot every volume' },
  ]);
});

test('the GDPR clock plans 50 % reminder, due and escalation; a late look sends only the latest', () => {
  const s = new BreachState(input(), T0);
  expect(s.nextEventAt(T0)).toBe(at(36));
  expect(s.view(T0).clocks.find((c) => c.obligationId === 'gdpr.33.1')).toMatchObject({
    dueAt: '2026-03-30T09:00:00.000Z',
    conservative: true,
  });
  const { send, skip } = dueEvents(s.record(), at(80));
  expect(send.map((e) => e.kind)).toEqual(['escalation']);
  expect(skip.map((e) => e.kind)).toEqual(['reminder', 'due']);
  const reqs = s.takeDueEvents(at(80), 'wf');
  expect(reqs).toEqual([
    expect.objectContaining({ kind: 'escalation', contact: 'b', escalationLevel: 1, idempotencyKey: `wf:gdpr.33.1|escalation||${at(72)}` }),
  ]);
});

test('validators: role, future instants, late without reasons, follow-up before initial', () => {
  const s = new BreachState(input(), T0);
  const sub = { obligationId: 'gdpr.33.1', phase: 'initial' as const, reference: 'R', submittedAt: at(73), operator: dpo };
  expect(s.refuseSubmission({ ...sub, operator: { name: 'x', roles: ['approver'] } }, at(74))?.type).toBe('Forbidden');
  expect(s.refuseSubmission(sub, at(74))?.type).toBe('LateWithoutReason');
  expect(s.refuseSubmission({ ...sub, reasonsForDelay: 'because' }, at(74))).toBeUndefined();
  expect(s.refuseSubmission({ ...sub, submittedAt: at(80) }, at(74))?.message).toMatch(/future/);
  expect(s.refuseSubmission({ ...sub, phase: 'follow-up', submittedAt: at(1) }, at(74))?.type).toBe('Conflict');
  expect(s.refuseSubmission({ ...sub, obligationId: 'gdpr.33.4', submittedAt: at(1) }, at(74))?.message).toMatch(/anchor has not happened/);
  expect(s.refuseNotRequired({ reasoning: 'too short', risk: 'unlikely', operator: dpo }, at(1))?.type).toBe('InvalidRequest');
  expect(s.refuseAwareness({ awareAt: at(2), reason: 'triage', operator: { name: 'b', roles: ['approver'] } }, at(3))).toBeUndefined();
});

test('awareness moves the clock; an initial then final submission resolves 33.1 and its phased 33.4', () => {
  const s = new BreachState(input(), T0);
  s.setAwareness({ awareAt: at(10), reason: 'confirmed', operator: dpo }, at(11));
  expect(s.view(at(11)).clocks.find((c) => c.obligationId === 'gdpr.33.1')).toMatchObject({ dueAt: at(82), conservative: false });
  s.recordSubmission({ obligationId: 'gdpr.33.1', phase: 'initial', reference: 'R1', submittedAt: at(20), operator: dpo }, at(20));
  expect(s.complete(at(20))).toBe(false); // Art. 33(4) continuation still open
  s.recordSubmission({ obligationId: 'gdpr.33.4', phase: 'final', reference: 'R2', submittedAt: at(30), operator: dpo }, at(30));
  expect(s.complete(at(30))).toBe(true);
  expect(s.registerEntry(at(31))).toMatchObject({ notifiedSupervisoryAuthority: true, notifiedAt: at(20), awareAt: at(10) });
});

test('subject-counts tags give US residents per State (HIPAA 164.406 media rule); malformed entries are dropped', () => {
  expect(classifyTags({ 'data:personal': 'true', 'data:subject-counts': 'CA=600; US-TX=20; mars=3; NY=x' }, 'data:').stateCounts).toEqual({
    CA: 600,
    TX: 20,
  });
  expect(classifyTags({ 'data:personal': 'true' }, 'data:').stateCounts).toBeUndefined();
});
