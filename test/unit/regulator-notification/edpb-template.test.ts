/**
 * The Art. 33 draft on the EDPB template's sections (REGULATORY.md §3.2 [S]): every section is
 * present, and each field says who filled it — the runbook from the incident's facts, the
 * configuration, an operator's recorded decision — or that it is still empty; runbook suggestions
 * are marked to confirm.
 */
import { BreachState } from '../../../workflows/regulator-notification/breach-state';
import type { BreachNotificationInput } from '../../../workflows/regulator-notification/types';

const T0 = '2026-03-27T09:00:00.000Z';
const dpo = { name: 'dana', roles: ['dpo'] };
const input: BreachNotificationInput = {
  incidentId: 'inc-123456789012-eu-west-1-i-0123456789abcdef0',
  resource: { account: '123456789012', region: 'eu-west-1', instanceId: 'i-0123456789abcdef0' },
  detectedAt: T0,
  alerts: [{ title: 'Outbound traffic to C2', severity: 'high' }],
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
    escalateAfterMinutes: 0,
    contacts: [],
    displayZone: 'UTC',
    controllerName: 'Example Shop SA',
    dpo: { name: 'Dana', email: 'dpo@example.eu' },
  },
};
const fieldOf = (s: BreachState, now: string, key: string) =>
  s
    .draft(now)
    .edpb!.sections.flatMap((x) => x.fields)
    .find((f) => f.key === key);

test('all 16 template sections, each field with who filled it', () => {
  const s = new BreachState(input, T0);
  const v = s.draft(T0).edpb!;
  expect(v.sections.map((x) => x.section)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
  expect(fieldOf(s, T0, 'subjects.categories')).toEqual({
    key: 'subjects.categories',
    label: 'categories',
    filled: true,
    by: 'runbook',
    value: 'customers',
  });
  expect(fieldOf(s, T0, 'subjects.number')).toMatchObject({ filled: true, by: 'runbook', value: '900' });
  expect(fieldOf(s, T0, 'controller.name')).toMatchObject({ filled: true, by: 'configuration', value: 'Example Shop SA' });
  expect(fieldOf(s, T0, 'nature.cia')).toMatchObject({ filled: true, by: 'runbook', toConfirm: true });
  // Awareness defaults to the first alert: not a recorded value, so the template field stays empty.
  expect(fieldOf(s, T0, 'timeline.awareAt')).toEqual({
    key: 'timeline.awareAt',
    label: 'date-time of controller awareness',
    filled: false,
    by: null,
  });
  expect(fieldOf(s, T0, 'timeline.occurred')?.filled).toBe(false);
  expect(v.filled.empty).toBeGreaterThan(0);
  expect(v.filled.runbook + v.filled.configuration + v.filled.operator + v.filled.empty).toBe(v.sections.flatMap((x) => x.fields).length);
});

test('operator decisions fill their fields: awareness, risk assessment, the SA submission (then a follow-up)', () => {
  const s = new BreachState(input, T0);
  const at = (h: number) => new Date(Date.parse(T0) + h * 3_600_000).toISOString();
  s.setAwareness({ awareAt: at(2), reason: 'forensics', operator: dpo }, at(3));
  s.assessRisk(
    { level: 'medium', reasoning: 'Contact details only, no special categories; a risk, not a high one.', operator: dpo },
    at(4),
  );
  s.recordSubmission({ obligationId: 'gdpr.33.1', phase: 'initial', reference: 'APD-1', submittedAt: at(5), operator: dpo }, at(5));
  expect(fieldOf(s, at(6), 'timeline.awareAt')).toMatchObject({ filled: true, by: 'operator', value: at(2) });
  expect(fieldOf(s, at(6), 'risk.outcome')).toMatchObject({
    filled: true,
    by: 'operator',
    value: expect.stringMatching(/^medium: Contact details/),
  });
  expect(fieldOf(s, at(6), 'meta.type')).toMatchObject({ value: 'follow-up' });
  expect(fieldOf(s, at(6), 'meta.previousId')).toMatchObject({ value: 'APD-1', by: 'operator' });
});
