/**
 * Continue-as-new carries the pinned runbook as this incident resolved it: the next run, which has
 * no starting alert, resolves exactly the same steps with the same gates, and conditions over the
 * target are still decided when their step runs.
 */
import path from 'node:path';
import type { IncidentAlert } from '../../../src/domain/incident';
import type { PinnedRunbook } from '../../../src/domain/runbook-definition';
import { defaultPolicies } from '../../../src/policy/runbook-policy';
import { loadRunbookFile, parseRunbook } from '../../../src/runbooks/load-runbook';
import { pin } from '../../../src/runbooks/runbook-library';
import type { IncidentInput } from '../../../workflows/definitions';
import { carriedRunbook, resolvePinned } from '../../../workflows/runbook/definition-run';

const threat: IncidentAlert = {
  source: 'guardduty',
  sourceId: 'f',
  dedupKey: 'guardduty:f',
  severity: 'high',
  title: 't',
  status: 'firing',
  indicators: { commandAndControl: true },
  firstSeen: '2026-11-29T10:00:00.000Z',
  lastSeen: '2026-11-29T10:00:00.000Z',
  receivedAt: '2026-11-29T10:00:00.000Z',
};
const inputFor = (runbook: PinnedRunbook): IncidentInput => ({
  incidentId: 'inc-1',
  resource: { account: '123456789012', region: 'eu-west-1', instanceId: 'i-0123456789abcdef0' },
  severity: 'high',
  openedBy: 't',
  policy: defaultPolicies.high,
  dryRun: false,
  runbook,
});

test('the EC2 runbook resolved under an active threat stays isolate-first after continue-as-new', () => {
  const loaded = loadRunbookFile(path.resolve(__dirname, '../../../runbooks/ec2-compromised-instance.yaml'));
  if (!loaded.ok) throw new Error('EC2 runbook does not load');
  const runbook = pin(loaded.runbook);
  const first = resolvePinned(runbook, inputFor(runbook), [threat], () => inputFor(runbook));
  expect(first.specs.map((s) => s.step).slice(0, 4)).toEqual(['describe', 'contain', 'fleet-budget', 'isolate']);
  const carried = carriedRunbook(runbook, first.specs);
  const next = resolvePinned(carried, inputFor(carried), [], () => inputFor(carried));
  expect(next.specs.map((s) => s.step)).toEqual(first.specs.map((s) => s.step));
  // Without carrying, the next run would have lost the variant.
  expect(
    resolvePinned(runbook, inputFor(runbook), [], () => inputFor(runbook))
      .specs.map((s) => s.step)
      .slice(0, 4),
  ).not.toEqual(['describe', 'contain', 'fleet-budget', 'isolate']);
});

test('gates survive, and a condition over the target is still decided when its step runs', () => {
  const text =
    'name: tt\nversion: 1\nmatches:\n  resourceKind: ec2-instance\nsteps:\n  - step: describe\n  - step: isolate\n    when: alert.activeThreat\n    gate: { mode: two-person }\n  - step: capture-console\n    when: "target.state == \'running\'"\n';
  const loaded = parseRunbook(text, 't.yaml');
  if (!loaded.ok) throw new Error(loaded.problems.map((p) => p.message).join('; '));
  const runbook = pin(loaded.runbook);
  const carried = carriedRunbook(runbook, resolvePinned(runbook, inputFor(runbook), [threat], () => inputFor(runbook)).specs);
  const next = resolvePinned(carried, inputFor(carried), [], () => inputFor(carried));
  expect(next.specs.map((s) => s.step)).toEqual(['describe', 'isolate', 'capture-console']);
  expect(next.behaviour.gateFor('isolate')).toEqual(expect.objectContaining({ mode: 'two-person', approverRoles: ['approver'] }));
  expect(next.behaviour.skipReason('capture-console', { state: 'stopped' } as never)).toBe(
    "when: target.state == 'running' — false for this incident",
  );
  expect(next.behaviour.skipReason('capture-console', { state: 'running' } as never)).toBeUndefined();
});
