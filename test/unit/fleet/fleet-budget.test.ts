/**
 * The fleet guard's budget (workflows/fleet/budget.ts) without Temporal: grants, the queue,
 * releases, the sliding window and the percentage cap, idempotency per incident, overrides,
 * and what survives a continue-as-new (the snapshot carried into a new budget).
 */
import { FleetBudget, LEDGER_SIZE, limitsProblem, windowCap } from '../../../workflows/fleet/budget';
import type { FleetLimits } from '../../../workflows/fleet/types';

const group = { account: '123456789012', region: 'eu-west-1', groupName: 'web' };
const K3: FleetLimits = { maxConcurrent: 3, maxPercent: 34, windowMinutes: 60 };
const T0 = Date.parse('2026-11-25T10:00:00.000Z');
const min = (m: number) => T0 + m * 60_000;

test.each([
  [20, 34, 6],
  [3, 34, 1],
  [10, 34, 3],
  [100, 34, 34],
  [1, 34, 1],
  [0, 34, 1],
  [20, 100, 20],
  [7, 50, 3],
  [2, 10, 1],
])('window cap: %i desired at %i %% → %i (rounded down, at least 1)', (desired, percent, cap) => {
  expect(windowCap(desired, percent)).toBe(cap);
});

test.each([
  [{ maxConcurrent: 0, maxPercent: 34, windowMinutes: 60 }, /maxConcurrent/],
  [{ maxConcurrent: 1.5, maxPercent: 34, windowMinutes: 60 }, /maxConcurrent/],
  [{ maxConcurrent: 3, maxPercent: 0, windowMinutes: 60 }, /maxPercent/],
  [{ maxConcurrent: 3, maxPercent: 101, windowMinutes: 60 }, /maxPercent/],
  [{ maxConcurrent: 3, maxPercent: 34, windowMinutes: -1 }, /windowMinutes/],
])('limits refused: %j', (limits, problem) => {
  expect(limitsProblem(limits)).toMatch(problem);
});

test('limits accepted, window 0 included', () => {
  expect(limitsProblem(K3)).toBeUndefined();
  expect(limitsProblem({ maxConcurrent: 1, maxPercent: 100, windowMinutes: 0 })).toBeUndefined();
});

type Op =
  | ['reserve', string, number, string]
  | ['release', string, number, string]
  | ['override', string, number, string]
  | ['promote', number, string];

/** Each op at a minute offset and what it must answer (`granted`, `queued#<position>`, released kinds, promoted ids). */
function run(limits: FleetLimits, desired: number, ops: Op[]): FleetBudget {
  const budget = new FleetBudget(group, limits, desired);
  for (const op of ops) {
    if (op[0] === 'promote') {
      expect([
        op,
        budget
          .promote(min(op[1]))
          .map((r) => r.incidentId)
          .join(','),
      ]).toEqual([op, op[2]]);
      continue;
    }
    const [kind, id, at, expected] = op;
    const got =
      kind === 'reserve'
        ? ((a) => (a.status === 'granted' ? 'granted' : `queued#${a.position}`))(
            budget.reserve({ incidentId: id, desiredCapacity: desired, limits }, min(at)),
          )
        : kind === 'release'
          ? budget.release(id, min(at)).released
          : budget.override({ incidentId: id, by: 'bob', reason: 'go' }, min(at)).status;
    expect([op, got]).toEqual([op, expected]);
  }
  return budget;
}

test.each<[string, FleetLimits, number, Op[]]>([
  [
    'grants up to K at once, queues the rest in order',
    K3,
    20,
    [
      ['reserve', 'a', 0, 'granted'],
      ['reserve', 'b', 0, 'granted'],
      ['reserve', 'c', 0, 'granted'],
      ['reserve', 'd', 0, 'queued#1'],
      ['reserve', 'e', 0, 'queued#2'],
    ],
  ],
  [
    'asking again answers what the incident has (a retried activity)',
    K3,
    20,
    [
      ['reserve', 'a', 0, 'granted'],
      ['reserve', 'a', 1, 'granted'],
      ['reserve', 'b', 1, 'granted'],
      ['reserve', 'c', 1, 'granted'],
      ['reserve', 'd', 1, 'queued#1'],
      ['reserve', 'd', 2, 'queued#1'],
      ['reserve', 'e', 2, 'queued#2'],
      ['reserve', 'd', 3, 'queued#1'],
    ],
  ],
  [
    'a release lets the head of the queue in, in arrival order',
    K3,
    20,
    [
      ['reserve', 'a', 0, 'granted'],
      ['reserve', 'b', 0, 'granted'],
      ['reserve', 'c', 0, 'granted'],
      ['reserve', 'd', 0, 'queued#1'],
      ['reserve', 'e', 0, 'queued#2'],
      ['release', 'b', 1, 'reservation'],
      ['promote', 1, 'd'],
      ['promote', 1, ''],
      ['release', 'a', 2, 'reservation'],
      ['release', 'c', 2, 'reservation'],
      ['promote', 2, 'e'],
    ],
  ],
  [
    'a newcomer never passes a waiter, even when a slot is free',
    K3,
    20,
    [
      ['reserve', 'a', 0, 'granted'],
      ['reserve', 'b', 0, 'granted'],
      ['reserve', 'c', 0, 'granted'],
      ['reserve', 'd', 0, 'queued#1'],
      ['release', 'a', 1, 'reservation'],
      ['reserve', 'late', 1, 'queued#2'],
      ['promote', 1, 'd'],
      ['release', 'b', 2, 'reservation'],
      ['promote', 2, 'late'],
    ],
  ],
  [
    'the window caps grants at P % of desired capacity (20 × 34 % = 6 per hour), releases do not give window slots back',
    K3,
    20,
    [
      ['reserve', 'a', 0, 'granted'],
      ['reserve', 'b', 0, 'granted'],
      ['reserve', 'c', 0, 'granted'],
      ['release', 'a', 1, 'reservation'],
      ['release', 'b', 1, 'reservation'],
      ['release', 'c', 1, 'reservation'],
      ['reserve', 'd', 2, 'granted'],
      ['reserve', 'e', 2, 'granted'],
      ['reserve', 'f', 2, 'granted'],
      ['release', 'd', 3, 'reservation'],
      ['reserve', 'g', 3, 'queued#1'],
      ['promote', 30, ''],
      // The first three grants leave the window at minute 60: g, then h and i (one concurrent slot each).
      ['promote', 60, 'g'],
      ['reserve', 'h', 60, 'queued#1'],
      ['release', 'e', 61, 'reservation'],
      ['promote', 61, 'h'],
    ],
  ],
  [
    'a small group still gets one per window (3 × 34 % rounds down to 1)',
    K3,
    3,
    [
      ['reserve', 'a', 0, 'granted'],
      ['release', 'a', 5, 'reservation'],
      ['reserve', 'b', 5, 'queued#1'],
      ['promote', 59, ''],
      ['promote', 60, 'b'],
    ],
  ],
  [
    'window 0 means no window limit: only K',
    { ...K3, windowMinutes: 0 },
    3,
    [
      ['reserve', 'a', 0, 'granted'],
      ['release', 'a', 0, 'reservation'],
      ['reserve', 'b', 0, 'granted'],
      ['reserve', 'c', 0, 'granted'],
      ['reserve', 'd', 0, 'granted'],
      ['reserve', 'e', 0, 'queued#1'],
    ],
  ],
  [
    'an override releases a waiter past the budget and counts toward both limits',
    K3,
    20,
    [
      ['reserve', 'a', 0, 'granted'],
      ['reserve', 'b', 0, 'granted'],
      ['reserve', 'c', 0, 'granted'],
      ['reserve', 'd', 0, 'queued#1'],
      ['reserve', 'e', 0, 'queued#2'],
      ['override', 'e', 1, 'granted'],
      ['override', 'e', 2, 'already-granted'],
      ['release', 'a', 3, 'reservation'],
      ['promote', 3, ''],
      ['release', 'b', 3, 'reservation'],
      ['promote', 3, 'd'],
    ],
  ],
  [
    'an override of an incident the guard already granted keeps that grant',
    K3,
    20,
    [
      ['reserve', 'a', 0, 'granted'],
      ['override', 'a', 1, 'already-granted'],
      ['reserve', 'b', 1, 'granted'],
    ],
  ],
  [
    'a second release finds nothing; a withdrawn waiter leaves the queue',
    K3,
    20,
    [
      ['reserve', 'a', 0, 'granted'],
      ['reserve', 'b', 0, 'granted'],
      ['reserve', 'c', 0, 'granted'],
      ['reserve', 'd', 0, 'queued#1'],
      ['reserve', 'e', 0, 'queued#2'],
      ['release', 'd', 1, 'waiter'],
      ['release', 'd', 1, 'nothing'],
      ['release', 'a', 1, 'reservation'],
      ['release', 'a', 2, 'nothing'],
      ['promote', 2, 'e'],
    ],
  ],
  [
    'after its release an incident may reserve again (a second pass of the runbook)',
    { ...K3, windowMinutes: 0 },
    20,
    [
      ['reserve', 'a', 0, 'granted'],
      ['release', 'a', 1, 'reservation'],
      ['reserve', 'a', 2, 'granted'],
    ],
  ],
])('%s', (_name, limits, desired, ops) => {
  run(limits, desired, ops);
});

test('the over-budget reason carries the numbers operators decide on', () => {
  const budget = run(K3, 20, [
    ['reserve', 'a', 0, 'granted'],
    ['reserve', 'b', 0, 'granted'],
    ['reserve', 'c', 0, 'granted'],
    ['reserve', 'd', 0, 'queued#1'],
  ]);
  const answer = budget.reserve({ incidentId: 'e', desiredCapacity: 20, limits: K3 }, min(1));
  expect(answer.status).toBe('queued');
  expect(answer.status === 'queued' && answer.reason).toBe(
    'fleet budget exceeded (group web: 3 of 3 concurrent containments held; 3 of 6 granted in the last 60 min (34% of desired capacity 20); 2 incident(s) waiting)',
  );
  expect(budget.usage(min(1))).toEqual({
    groupName: 'web',
    concurrent: 3,
    maxConcurrent: 3,
    grantedInWindow: 3,
    windowCap: 6,
    windowMinutes: 60,
    maxPercent: 34,
    desiredCapacity: 20,
  });
});

test('the guard wakes when a window slot frees the head of the queue, and when the window drains', () => {
  const budget = run(K3, 3, [
    ['reserve', 'a', 0, 'granted'],
    ['release', 'a', 10, 'reservation'],
  ]);
  expect(budget.nextWindowExpiry(min(10))).toBeUndefined();
  expect(budget.windowDrainsAt(min(10))).toBe(min(60));
  budget.reserve({ incidentId: 'b', desiredCapacity: 3, limits: K3 }, min(20));
  expect(budget.nextWindowExpiry(min(20))).toBe(min(60));
  expect(budget.windowDrainsAt(min(20))).toBeUndefined();
  expect(budget.isEmpty(min(20))).toBe(false);
  expect(budget.promote(min(60)).map((r) => r.incidentId)).toEqual(['b']);
  budget.release('b', min(70));
  expect(budget.isEmpty(min(119))).toBe(false);
  expect(budget.isEmpty(min(120))).toBe(true);
});

test('the latest request sets the limits and the desired capacity (the worker config travels with it)', () => {
  const budget = new FleetBudget(group, K3, 20);
  for (const id of ['a', 'b', 'c']) budget.reserve({ incidentId: id, desiredCapacity: 20, limits: K3 }, T0);
  expect(budget.reserve({ incidentId: 'd', desiredCapacity: 20, limits: K3 }, T0).status).toBe('queued');
  expect(budget.promote(T0)).toEqual([]);
  budget.reserve({ incidentId: 'e', desiredCapacity: 20, limits: { ...K3, maxConcurrent: 5 } }, T0);
  expect(budget.promote(T0).map((r) => r.incidentId)).toEqual(['d', 'e']);
});

test('a snapshot carried into a new budget (continue-as-new) keeps reservations, queue, window and tickets', () => {
  const before = run(K3, 20, [
    ['reserve', 'a', 0, 'granted'],
    ['reserve', 'b', 0, 'granted'],
    ['reserve', 'c', 0, 'granted'],
    ['reserve', 'd', 0, 'queued#1'],
    ['override', 'e', 1, 'granted'],
  ]);
  const carried = before.snapshot(min(2));
  const after = new FleetBudget(group, K3, 20, carried);
  expect(after.reserve({ incidentId: 'a', desiredCapacity: 20, limits: K3 }, min(3))).toMatchObject({ status: 'granted', ticket: 1 });
  expect(after.reserve({ incidentId: 'd', desiredCapacity: 20, limits: K3 }, min(3))).toMatchObject({
    status: 'queued',
    ticket: 4,
    position: 1,
  });
  expect(after.reserve({ incidentId: 'f', desiredCapacity: 20, limits: K3 }, min(3))).toMatchObject({
    status: 'queued',
    ticket: 6,
    position: 2,
  });
  after.release('a', min(4));
  after.release('b', min(4));
  // 4 held then 2: d gets in (3 of 6 in the window would allow it, concurrency 2 < 3); f waits for the next slot.
  expect(after.promote(min(4)).map((r) => r.incidentId)).toEqual(['d']);
  const state = after.snapshot(min(4));
  expect(state.active.map((r) => [r.incidentId, r.kind])).toEqual([
    ['c', 'budget'],
    ['e', 'override'],
    ['d', 'budget'],
  ]);
  expect(state.totals).toEqual({ granted: 5, overrides: 1, released: 2, withdrawn: 0 });
  expect(state.ledger.filter((l) => l.incidentId === 'e')).toEqual([expect.objectContaining({ kind: 'override', by: 'bob' })]);
  // The carried object is a copy: changing the new budget leaves the old snapshot as it was.
  expect(carried.active).toHaveLength(4);
});

test('the ledger keeps the most recent grants only', () => {
  const budget = new FleetBudget(group, { maxConcurrent: 1, maxPercent: 100, windowMinutes: 0 }, 20);
  for (let i = 0; i < LEDGER_SIZE + 10; i++) {
    budget.reserve({ incidentId: `i${i}`, desiredCapacity: 20, limits: { maxConcurrent: 1, maxPercent: 100, windowMinutes: 0 } }, T0 + i);
    budget.release(`i${i}`, T0 + i);
  }
  const { ledger, totals } = budget.snapshot(T0 + LEDGER_SIZE + 10);
  expect(ledger).toHaveLength(LEDGER_SIZE);
  expect(ledger[0]!.incidentId).toBe('i10');
  expect(totals.granted).toBe(LEDGER_SIZE + 10);
});
