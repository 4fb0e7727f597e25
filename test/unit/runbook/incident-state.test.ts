import type { IncidentAlert } from '../../../src/domain/incident';
import { defaultPolicies } from '../../../src/policy/runbook-policy';
import { IncidentState } from '../../../workflows/runbook/incident-state';

const input = {
  incidentId: 'inc-123456789012-eu-west-1-i-0123456789abcdef0',
  resource: { account: '123456789012', region: 'eu-west-1', instanceId: 'i-0123456789abcdef0' },
  severity: 'medium' as const,
  openedBy: 'test',
  policy: defaultPolicies.medium,
  dryRun: false,
};
const steps = [
  { name: 'describe', title: 'Describe' },
  { name: 'isolate', title: 'Isolate' },
];
const alert = (dedupKey: string, extra: Partial<IncidentAlert> = {}): IncidentAlert => ({
  source: 'generic',
  sourceId: dedupKey,
  dedupKey,
  severity: 'medium',
  title: `alert ${dedupKey}`,
  status: 'firing',
  firstSeen: '2026-11-24T10:00:00.000Z',
  lastSeen: '2026-11-24T10:00:00.000Z',
  receivedAt: '2026-11-24T10:00:01.000Z',
  ...extra,
});

test('tallies repeated alerts by dedup key and raises severity to the worst seen', () => {
  const state = new IncidentState(input, steps, '2026-11-24T10:00:00.000Z');
  expect(state.recordAlert(alert('a'))).toBe(true);
  expect(state.recordAlert(alert('a', { lastSeen: '2026-11-24T11:00:00.000Z' }))).toBe(false);
  expect(state.recordAlert(alert('b', { severity: 'critical', firstSeen: '2026-11-24T09:00:00.000Z' }))).toBe(true);
  const snap = state.snapshot();
  expect(snap.alertCount).toBe(3);
  expect(snap.alerts.map((a) => [a.dedupKey, a.count])).toEqual([
    ['a', 2],
    ['b', 1],
  ]);
  expect(snap.alerts[0]!.lastSeen).toBe('2026-11-24T11:00:00.000Z');
  expect(snap.severity).toBe('critical');
  expect(state.firstSeen()).toBe('2026-11-24T09:00:00.000Z');
  expect(snap.timeline.filter((t) => t.kind === 'alert')).toHaveLength(2);
});

test('a resolved notice is recorded once and does not close anything', () => {
  const state = new IncidentState(input, steps, '2026-11-24T10:00:00.000Z');
  state.recordAlert(alert('a'));
  state.recordAlert(alert('a', { status: 'resolved' }));
  state.recordAlert(alert('a', { status: 'resolved' }));
  const snap = state.snapshot();
  expect(snap.alerts[0]!.status).toBe('resolved');
  expect(snap.timeline.filter((t) => t.message.includes('resolved'))).toHaveLength(1);
  expect(snap.phase).toBe('open');
});

test('every step transition appends one timeline entry and stamps times', () => {
  const state = new IncidentState(input, steps, '2026-11-24T10:00:00.000Z');
  const before = state.timeline.length;
  state.transition('describe', 'running', '2026-11-24T10:00:01.000Z');
  state.transition('describe', 'done', '2026-11-24T10:00:02.000Z', 'found it');
  state.transition('isolate', 'failed', '2026-11-24T10:00:03.000Z', 'AccessDenied');
  const snap = state.snapshot();
  expect(snap.timeline.length - before).toBe(3);
  expect(snap.steps[0]).toMatchObject({
    status: 'done',
    startedAt: '2026-11-24T10:00:01.000Z',
    endedAt: '2026-11-24T10:00:02.000Z',
    detail: 'found it',
  });
  expect(snap.steps[1]).toMatchObject({ status: 'failed', error: 'AccessDenied' });
  expect(() => state.transition('nope', 'done', 'x')).toThrow('unknown step');
});
