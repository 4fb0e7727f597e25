/**
 * Severity → runbook policy. The defaults follow the brief: high and critical contain
 * automatically, medium contains after one approval, low records only. Replacement always
 * needs an approver unless policy says otherwise.
 */
import type { GatePolicy } from '../domain/gate';
import type { RunbookPolicy } from '../domain/runbook-policy';
import type { Severity } from '../domain/incident';

const approverGate: GatePolicy = {
  mode: 'approve',
  approverRoles: ['approver'],
  forbidSelfApproval: true,
  timeoutMinutes: 30,
  onTimeout: 'escalate',
};
const autoGate: GatePolicy = { ...approverGate, mode: 'auto' };

export const defaultPolicies: Record<Severity, RunbookPolicy> = {
  critical: { contain: autoGate, replace: autoGate, isolateFirstOnActiveThreat: true },
  high: { contain: autoGate, replace: approverGate, isolateFirstOnActiveThreat: true },
  medium: { contain: approverGate, replace: approverGate, isolateFirstOnActiveThreat: true },
  low: { contain: 'record-only', replace: approverGate, isolateFirstOnActiveThreat: false },
};

export function policyFor(severity: Severity, overrides: Partial<Record<Severity, RunbookPolicy>> = {}): RunbookPolicy {
  return overrides[severity] ?? defaultPolicies[severity];
}
