import {
  doraInitial,
  gdprArt33,
  gdprArt34,
  nis2Final,
  planClock,
  planObligationClock,
  RegulatoryInputError,
} from '../../../src/regulatory';

const aware = '2026-06-05T07:00:00.000Z';
const due = '2026-06-08T07:00:00.000Z'; // 72 h later

test('default plan: reminders at 50/75/90 % of the window, then due, then escalation', () => {
  expect(planClock({ anchorAt: aware, dueAt: due })).toEqual([
    { kind: 'reminder', at: '2026-06-06T19:00:00.000Z', fraction: 0.5 },
    { kind: 'reminder', at: '2026-06-07T13:00:00.000Z', fraction: 0.75 },
    { kind: 'reminder', at: '2026-06-07T23:48:00.000Z', fraction: 0.9 },
    { kind: 'due', at: due },
    { kind: 'escalation', at: due },
  ]);
});

test('fractions are sorted and deduplicated; escalation can trail the due instant', () => {
  const plan = planClock({ anchorAt: aware, dueAt: due, reminderFractions: [0.9, 0.25, 0.9], escalateAfterMinutes: 30 });
  expect(plan.map((e) => [e.kind, e.at])).toEqual([
    ['reminder', '2026-06-06T01:00:00.000Z'],
    ['reminder', '2026-06-07T23:48:00.000Z'],
    ['due', due],
    ['escalation', '2026-06-08T07:30:00.000Z'],
  ]);
});

test('after drops what already fired, so a resumed workflow re-arms only future timers', () => {
  const plan = planClock({ anchorAt: aware, dueAt: due, after: '2026-06-07T13:00:00.000Z' });
  expect(plan.map((e) => e.kind)).toEqual(['reminder', 'due', 'escalation']);
  expect(plan[0].fraction).toBe(0.9);
});

test('a window that is already closed has no reminders', () => {
  expect(planClock({ anchorAt: due, dueAt: aware }).map((e) => e.kind)).toEqual(['due', 'escalation']);
});

test.each([[[0]], [[1]], [[-0.1]], [[Number.NaN]]])('refuses reminder fractions %j', (fractions) => {
  expect(() => planClock({ anchorAt: aware, dueAt: due, reminderFractions: fractions })).toThrow(RegulatoryInputError);
});

test('planObligationClock: from the obligation and its anchors', () => {
  expect(planObligationClock(gdprArt33, { awareness: aware })?.find((e) => e.kind === 'due')?.at).toBe(due);
});

test('planObligationClock: the DORA clock starts at the governing term of the min()', () => {
  const plan = planObligationClock(doraInitial, { doraAwareness: '2026-03-03T08:00:00Z', classification: '2026-03-03T10:00:00Z' });
  expect(plan?.[0]).toEqual({ kind: 'reminder', at: '2026-03-03T12:00:00.000Z', fraction: 0.5 });
});

test('planObligationClock: no plan for a qualitative standard or an anchor that has not happened', () => {
  expect(planObligationClock(gdprArt34, { awareness: aware })).toBeNull();
  expect(planObligationClock(nis2Final, { awareness: aware })).toBeNull();
});
