import { defaultPolicies } from '../../../src/policy/runbook-policy';
import type { StepStatus } from '../../../src/domain/incident';
import { IncidentState } from '../../../workflows/runbook/incident-state';
import type { StepName } from '../../../workflows/runbook/step-order';

const input = {
  incidentId: 'inc-123456789012-eu-west-1-i-0123456789abcdef0',
  resource: { account: '123456789012', region: 'eu-west-1', instanceId: 'i-0123456789abcdef0' },
  severity: 'high' as const,
  openedBy: 'test',
  policy: defaultPolicies.high,
  dryRun: false,
};
const names: StepName[] = ['describe', 'contain', 'isolate', 'tag-quarantined', 'replace', 'verify-replacement'];
const at = '2026-11-24T10:00:00.000Z';

/** Walks the steps as the runbook loop does, each ending with the given status. */
function walk(outcome: Partial<Record<StepName, StepStatus>>): string[] {
  const state = new IncidentState(
    input,
    names.map((name) => ({ name, title: name })),
    at,
  );
  const phases: string[] = [state.phase];
  const note = () => {
    if (phases.at(-1) !== state.phase) phases.push(state.phase);
  };
  for (const name of names) {
    state.applyPhaseRules('before', name, at);
    note();
    state.transition(name, outcome[name] ?? 'done', at);
    state.applyPhaseRules('after', name, at);
    note();
  }
  return phases;
}

test('a clean run goes open → containing → contained → recovering → monitoring', () => {
  expect(walk({})).toEqual(['open', 'containing', 'contained', 'recovering', 'monitoring']);
});

test('an undescribed target fails the incident at once', () => {
  expect(
    walk({
      describe: 'failed',
      contain: 'skipped',
      isolate: 'skipped',
      'tag-quarantined': 'skipped',
      replace: 'skipped',
      'verify-replacement': 'skipped',
    }),
  ).toEqual(['open', 'failed']);
});

test('isolation that did not hold leaves the incident failed, not contained', () => {
  expect(walk({ isolate: 'failed', replace: 'skipped', 'verify-replacement': 'skipped' })).toEqual(['open', 'containing', 'failed']);
});

test('a replacement that never verifies goes back from recovering to contained', () => {
  expect(walk({ 'verify-replacement': 'failed' })).toEqual(['open', 'containing', 'contained', 'recovering', 'contained']);
});

test('record-only (contain not done) never leaves open', () => {
  expect(
    walk({ contain: 'skipped', isolate: 'skipped', 'tag-quarantined': 'skipped', replace: 'skipped', 'verify-replacement': 'skipped' }),
  ).toEqual(['open']);
});

test('each phase change is one timeline note', () => {
  const state = new IncidentState(
    input,
    names.map((name) => ({ name, title: name })),
    at,
  );
  for (const name of names) {
    state.applyPhaseRules('before', name, at);
    state.transition(name, 'done', at);
    state.applyPhaseRules('after', name, at);
  }
  expect(
    state
      .snapshot()
      .timeline.filter((t) => t.message.startsWith('incident is '))
      .map((t) => t.message),
  ).toEqual(['incident is containing', 'incident is contained', 'incident is recovering', 'incident is monitoring']);
});
