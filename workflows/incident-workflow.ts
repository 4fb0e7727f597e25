/**
 * The incident runbook: one workflow per accused instance while the incident is open.
 * Order (DESIGN.md, AWS.md §1.2): describe → gate "contain" → quarantine steps → gate "replace"
 * → recovery; then the incident stays open, tallying late alerts, until an operator closes it.
 * Deterministic: all side effects are activities; time comes from the workflow clock.
 */
import {
  ApplicationFailure, allHandlersFinished, condition, continueAsNew, log, proxyActivities, setHandler, workflowInfo,
} from '@temporalio/workflow';
import type { CordonActivities } from '../activities';
import { ErrorType } from '../src/domain/errors';
import type { IncidentSnapshot } from '../src/domain/incident';
import { profiles } from './activity-profiles';
import {
  alertReceivedSignal, closeIncidentUpdate, decideStepUpdate, incidentStateQuery, type GatePolicy, type IncidentInput,
  type OperatorIdentity, type StepDecision,
} from './definitions';
import { refuseDecision, requiredApprovals } from './runbook/gate';
import { IncidentState, type StepDefinition } from './runbook/incident-state';

const read = proxyActivities<CordonActivities>(profiles.awsRead);
const mutate = proxyActivities<CordonActivities>(profiles.awsMutation);

export const incidentSteps: StepDefinition[] = [
  { name: 'describe', title: 'Describe the target' },
  { name: 'contain', title: 'Approve containment' },
  { name: 'isolate', title: 'Isolate the network (two-stage security-group swap)' },
];

const nowIso = (): string => new Date().toISOString();
/** Continue-as-new well before Temporal's history limits during an alert storm. */
const CONTINUE_AFTER_EVENTS = 10_000;

export async function incidentWorkflow(input: IncidentInput): Promise<IncidentSnapshot> {
  const state = new IncidentState(input, incidentSteps, nowIso());
  const gates = new Map<string, GatePolicy>();
  const decisions = new Map<string, 'approve' | 'reject'>();
  let closeRequested = false;

  setHandler(alertReceivedSignal, (alert) => { state.recordAlert(alert); });
  setHandler(incidentStateQuery, () => state.snapshot());
  setHandler(decideStepUpdate, (d: StepDecision) => {
    const at = nowIso();
    const policy = gates.get(d.step)!;
    if (d.decision === 'reject') {
      state.log({ at, kind: 'approval', step: d.step, actor: d.operator.name, message: `${d.operator.name} rejected: ${d.reason}` });
      decisions.set(d.step, 'reject');
      return { step: d.step, status: 'rejected', approvals: state.step(d.step).approvals?.length ?? 0, required: requiredApprovals(policy) };
    }
    const count = state.recordApproval(d.step, d.operator.name, d.reason, at);
    if (count >= requiredApprovals(policy)) decisions.set(d.step, 'approve');
    return { step: d.step, status: count >= requiredApprovals(policy) ? 'approved' : 'awaiting-approval', approvals: count, required: requiredApprovals(policy) };
  }, {
    validator: (d: StepDecision) => {
      const refusal = refuseDecision(d, state.hasStep(d.step) ? state.step(d.step) : undefined, gates.get(d.step), input.openedBy);
      if (refusal) throw ApplicationFailure.create({ message: refusal.message, type: refusal.code === 'unknown-step' || refusal.code === 'not-awaiting' ? 'Conflict' : refusal.code === 'missing-reason' ? ErrorType.InvalidRequest : ErrorType.Forbidden, nonRetryable: true });
    },
  });
  setHandler(closeIncidentUpdate, ({ operator, reason }) => {
    closeRequested = true;
    state.log({ at: nowIso(), kind: 'note', actor: operator.name, message: `closed by ${operator.name}: ${reason}` });
    return { closed: true };
  }, {
    validator: ({ operator, reason }: { operator: OperatorIdentity; reason: string }) => {
      if (!operator.roles.some((r) => ['responder', 'approver', 'admin'].includes(r))) throw ApplicationFailure.create({ message: `${operator.name} may not close incidents`, type: ErrorType.Forbidden, nonRetryable: true });
      if (!reason.trim()) throw ApplicationFailure.create({ message: 'a reason is required to close an incident', type: ErrorType.InvalidRequest, nonRetryable: true });
    },
  });

  /** Runs one step's activity, recording each transition; failures end the step, not the incident. */
  async function runStep<T>(name: string, fn: () => Promise<T>, summary: (r: T) => string): Promise<T | undefined> {
    state.transition(name, 'running', nowIso());
    try {
      const result = await fn();
      state.transition(name, 'done', nowIso(), summary(result));
      return result;
    } catch (err) {
      const cause = (err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message;
      state.transition(name, 'failed', nowIso(), cause);
      return undefined;
    }
  }

  /** Waits for the gate's approvals; returns true when the step may proceed. */
  async function gate(name: string, policy: GatePolicy): Promise<boolean> {
    if (policy.mode === 'auto') {
      state.transition(name, 'done', nowIso(), 'approved automatically by policy');
      return true;
    }
    gates.set(name, policy);
    state.transition(name, 'awaiting-approval', nowIso(), `needs ${requiredApprovals(policy)} approval(s) from ${policy.approverRoles.join('/')}`);
    for (;;) {
      const decided = await condition(() => decisions.has(name), `${policy.timeoutMinutes}m`);
      if (decided) break;
      if (policy.onTimeout === 'proceed') {
        state.transition(name, 'done', nowIso(), `no decision within ${policy.timeoutMinutes} min: proceeding by policy`);
        return true;
      }
      if (policy.onTimeout === 'abort') {
        state.transition(name, 'skipped', nowIso(), `no decision within ${policy.timeoutMinutes} min: aborted by policy`);
        return false;
      }
      state.log({ at: nowIso(), kind: 'approval', step: name, message: `no decision within ${policy.timeoutMinutes} min: escalating` });
    }
    const approved = decisions.get(name) === 'approve';
    state.transition(name, approved ? 'done' : 'skipped', nowIso(), approved ? 'approved' : 'rejected by an operator');
    return approved;
  }

  if (!input.carried) {
    const target = await runStep('describe', () => read.describeTarget(input.resource), (t) => `${t.instanceId} (${t.state}) in ${t.vpcId}, ${t.networkInterfaces.length} ENI(s), ${t.volumes.length} volume(s)${t.autoScalingGroup ? `, group ${t.autoScalingGroup.name}` : ''}`);
    if (!target) {
      state.setPhase('failed', nowIso());
    } else {
      state.setTarget(target);
      const policy = input.policy.contain;
      if (policy === 'record-only') {
        for (const s of ['contain', 'isolate']) state.transition(s, 'skipped', nowIso(), 'severity policy records only');
      } else if (await gate('contain', policy)) {
        state.setPhase('containing', nowIso());
        const isolated = await runStep('isolate', () => mutate.isolateNetwork({ incidentId: input.incidentId, target, dryRun: input.dryRun }),
          (r: { isolationGroupId: string; alreadyIsolated: boolean }) => `${input.dryRun ? 'would move' : 'moved'} ${target.networkInterfaces.length} ENI(s) to ${r.isolationGroupId}${r.alreadyIsolated ? ' (already isolated)' : ''}`);
        if (isolated) state.addPlannedCalls(isolated.calls);
        state.setPhase(isolated ? 'contained' : 'failed', nowIso());
      } else {
        state.transition('isolate', 'skipped', nowIso(), 'containment not approved');
      }
    }
  }

  // The incident stays open for late alerts and operators until someone closes it.
  await condition(() => closeRequested || workflowInfo().historyLength > CONTINUE_AFTER_EVENTS);
  await condition(allHandlersFinished);
  if (!closeRequested) {
    log.info('continuing as new to keep history small', { incidentId: input.incidentId });
    await continueAsNew<typeof incidentWorkflow>({ ...input, carried: state.snapshot() });
  }
  state.setPhase('closed', nowIso());
  return state.snapshot();
}
