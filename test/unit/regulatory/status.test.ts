import { formatDuration, gdprArt33, gdprArt33Phased, gdprArt34, nis2Final, obligationStatus, sgAssessment } from '../../../src/regulatory';

const aware = '2026-06-05T07:00:00Z';
const due = '2026-06-08T07:00:00.000Z';
const H = 3_600_000;

test.each([
  ['open before the limit', {}, '2026-06-06T07:00:00Z', { state: 'open', due, remainingMs: 48 * H }],
  [
    'overdue after the limit, with what a late notice must add',
    {},
    '2026-06-08T09:00:00Z',
    { state: 'overdue', due, overdueMs: 2 * H, lateRequires: ['reasonsForDelay'] },
  ],
  [
    'met when submitted in time',
    { 'gdpr.33.1': '2026-06-07T07:00:00Z' },
    '2026-06-09T00:00:00Z',
    { state: 'met', due, submittedAt: '2026-06-07T07:00:00Z' },
  ],
  [
    'late when submitted after the limit',
    { 'gdpr.33.1': '2026-06-08T08:00:00Z' },
    '2026-06-09T00:00:00Z',
    { state: 'late', lateMs: H, lateRequires: ['reasonsForDelay'] },
  ],
] as const)('GDPR 33(1): %s', (_n, submitted, now, expected) => {
  expect(obligationStatus(gdprArt33, { awareness: aware, submitted }, now)).toMatchObject(expected);
});

test('awaiting its anchor: NIS2 final before the notification is submitted', () => {
  expect(obligationStatus(nis2Final, { awareness: aware }, '2026-06-06T07:00:00Z')).toEqual({
    state: 'awaiting-anchor',
    missing: ['submitted:nis2.23.4.b'],
  });
});

test('qualitative: only elapsed time, never overdue however long it runs', () => {
  const s = obligationStatus(gdprArt34, { awareness: aware }, '2027-06-05T07:00:00Z');
  expect(s).toEqual({ state: 'elapsed', startedAt: '2026-06-05T07:00:00.000Z', elapsedMs: 365 * 24 * H });
});

test('qualitative: once submitted, elapsed stops at the submission, still not "met"', () => {
  const s = obligationStatus(gdprArt34, { awareness: aware, submitted: { 'gdpr.34.1': '2026-06-06T07:00:00Z' } }, '2026-07-01T00:00:00Z');
  expect(s).toMatchObject({ state: 'elapsed', elapsedMs: 24 * H, submittedAt: '2026-06-06T07:00:00Z' });
});

test('qualitative with a guidance target shows it as a marker', () => {
  expect(obligationStatus(gdprArt33Phased, { submitted: { 'gdpr.33.1': aware } }, '2026-06-06T07:00:00Z')).toMatchObject({
    state: 'elapsed',
    guidanceTargetAt: '2026-06-08T07:00:00.000Z',
  });
  expect(obligationStatus(sgAssessment, { suspicion: '2026-06-01T02:00:00Z' }, '2026-06-02T00:00:00Z')).toMatchObject({
    state: 'elapsed',
    guidanceTargetAt: '2026-07-01T15:59:59.999Z',
  });
});

test.each([
  [0, '00h 00m'],
  [59_999, '00h 00m'],
  [90 * 60_000, '01h 30m'],
  [(3 * 24 + 4) * H + 12 * 60_000, '3d 04h 12m'],
  [-2 * H, '-02h 00m'],
])('formatDuration(%d) = %s', (ms, text) => {
  expect(formatDuration(ms)).toBe(text);
});
