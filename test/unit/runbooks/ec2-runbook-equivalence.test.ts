/**
 * runbooks/ec2-compromised-instance.yaml is today's order as data: for every combination of the
 * policy's switches and the alert's active-threat flag, its resolved step list is exactly the one
 * `runbookStepNames` (workflows/runbook/step-order.ts) yields.
 */
import path from 'node:path';
import type { GatePolicy } from '../../../src/domain/gate';
import type { IncidentAlert } from '../../../src/domain/incident';
import { alertFacts, policyFacts, resolveRunbookSteps } from '../../../src/domain/runbook-definition';
import type { RunbookPolicy } from '../../../src/domain/runbook-policy';
import { defaultPolicies } from '../../../src/policy/runbook-policy';
import { loadRunbookFile } from '../../../src/runbooks/load-runbook';
import { runbookStepNames } from '../../../workflows/runbook/step-order';

const file = path.resolve(__dirname, '../../../runbooks/ec2-compromised-instance.yaml');
const gate: GatePolicy = {
  mode: 'approve',
  approverRoles: ['approver'],
  forbidSelfApproval: true,
  timeoutMinutes: 30,
  onTimeout: 'escalate',
};
const alert = (indicators: IncidentAlert['indicators']): IncidentAlert => ({
  source: 'guardduty',
  sourceId: 'f-1',
  dedupKey: 'guardduty:f-1',
  severity: 'high',
  title: 't',
  status: 'firing',
  firstSeen: '2026-11-29T10:00:00.000Z',
  lastSeen: '2026-11-29T10:00:00.000Z',
  receivedAt: '2026-11-29T10:00:01.000Z',
  indicators,
});

const loaded = loadRunbookFile(file);
if (!loaded.ok) throw new Error(loaded.problems.map((p) => p.message).join('\n'));
const definition = loaded.runbook.definition;

const policies: [string, RunbookPolicy][] = [];
for (const contain of ['record-only', gate] as const)
  for (const isolateFirstOnActiveThreat of [false, true])
    for (const memory of [undefined, false, true])
      for (const revokeSessions of [undefined, 'off', gate] as const)
        for (const imageSuspect of [undefined, { refresh: gate }])
          for (const leaveGroup of [undefined, 'standby'] as const) {
            const p: RunbookPolicy = {
              contain,
              replace: gate,
              isolateFirstOnActiveThreat,
              ...(leaveGroup ? { leaveGroup } : {}),
              ...(revokeSessions !== undefined ? { revokeSessions } : {}),
              ...(imageSuspect ? { imageSuspect } : {}),
              ...(memory !== undefined ? { forensics: { memory } } : {}),
            };
            policies.push([
              JSON.stringify({
                contain: typeof contain === 'string' ? contain : 'gate',
                isolateFirstOnActiveThreat,
                memory,
                revokeSessions: typeof revokeSessions === 'object' ? 'gate' : revokeSessions,
                imageSuspect: !!imageSuspect,
                leaveGroup,
              }),
              p,
            ]);
          }
for (const [severity, p] of Object.entries(defaultPolicies)) policies.push([`default ${severity}`, p]);

const threats: [string, IncidentAlert[]][] = [
  ['no indicators', [alert(undefined)]],
  ['quiet indicators', [alert({ exfiltration: false, commandAndControl: false })]],
  ['exfiltration', [alert({ exfiltration: true })]],
  ['command and control', [alert({ commandAndControl: true })]],
  ['threat on a later alert of the batch', [alert(undefined), alert({ exfiltration: true })]],
];

test(`every combination (${policies.length} policies × ${threats.length} alert shapes) yields today's step list`, () => {
  let compared = 0;
  for (const [label, policy] of policies) {
    for (const [threatLabel, alerts] of threats) {
      const activeThreat = alerts.some((a) => a.indicators?.exfiltration || a.indicators?.commandAndControl);
      const fromData = resolveRunbookSteps(definition.steps, {
        alert: alertFacts(alerts, 'high'),
        policy: policyFacts(policy),
        inputs: {},
      }).map((s) => s.step);
      expect({ label, threatLabel, steps: fromData }).toEqual({ label, threatLabel, steps: runbookStepNames(policy, { activeThreat }) });
      compared += 1;
    }
  }
  expect(compared).toBe(policies.length * threats.length);
});

test("the variants differ where today's order differs (the comparison is not vacuous)", () => {
  const on: RunbookPolicy = {
    contain: gate,
    replace: gate,
    isolateFirstOnActiveThreat: true,
    revokeSessions: gate,
    imageSuspect: { refresh: gate },
    forensics: { memory: true },
  };
  const steps = resolveRunbookSteps(definition.steps, {
    alert: alertFacts([alert({ exfiltration: true })], 'high'),
    policy: policyFacts(on),
    inputs: {},
  }).map((s) => s.step);
  expect(steps.slice(0, 4)).toEqual(['describe', 'contain', 'fleet-budget', 'isolate']);
  expect(steps).toEqual(
    expect.arrayContaining(['capture-memory', 'approve-revoke-sessions', 'revoke-sessions', 'approve-refresh', 'instance-refresh']),
  );
  const off = resolveRunbookSteps(definition.steps, {
    alert: alertFacts([alert(undefined)], 'low'),
    policy: policyFacts(defaultPolicies.low),
    inputs: {},
  }).map((s) => s.step);
  expect(off).not.toContain('capture-memory');
  expect(off.indexOf('isolate')).toBeGreaterThan(off.indexOf('leave-group'));
});
