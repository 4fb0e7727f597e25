/**
 * Where the fleet guard's steps sit in the runbook (workflows/runbook/step-order.ts): the
 * reservation just before whichever of leave-group and isolate runs first, its return right
 * after the final tags; and which steps cannot run without it (step-registry.ts).
 */
import type { GatePolicy } from '../../../src/domain/gate';
import type { RunbookPolicy } from '../../../src/domain/runbook-policy';
import { runbookStepNames } from '../../../workflows/runbook/step-order';
import { stepRegistry } from '../../../workflows/runbook/step-registry';

const gate: GatePolicy = { mode: 'auto', approverRoles: ['approver'], forbidSelfApproval: true, timeoutMinutes: 30, onTimeout: 'escalate' };
const policy: RunbookPolicy = { contain: gate, replace: gate, isolateFirstOnActiveThreat: true, revokeSessions: gate };

test.each([
  ['the usual order: before leaving the group', false, 'leave-group'],
  ['isolation first on an active threat: before isolating', true, 'isolate'],
])('%s', (_name, activeThreat, next) => {
  const names = runbookStepNames(policy, { activeThreat });
  const at = names.indexOf('fleet-budget');
  expect(names[at + 1]).toBe(next);
  expect(at).toBeLessThan(names.indexOf('leave-group'));
  expect(at).toBeLessThan(names.indexOf('isolate'));
  expect(names[names.indexOf('tag-quarantined') + 1]).toBe('fleet-release');
  expect(names.filter((n) => n === 'fleet-budget' || n === 'fleet-release')).toEqual(['fleet-budget', 'fleet-release']);
});

test('every step that takes capacity away requires the reservation; release requires nothing', () => {
  const needing = [...stepRegistry.values()]
    .filter((s) => s.requires.includes('fleet-budget'))
    .map((s) => s.name)
    .sort();
  expect(needing).toEqual(['approve-revoke-sessions', 'cut-credentials', 'deregister-targets', 'isolate', 'leave-group']);
  expect(stepRegistry.get('fleet-release')!.requires).toEqual([]);
  expect(stepRegistry.get('fleet-budget')!.requires).toEqual(['contain']);
});
