/**
 * Plan mode: what the runbook would do for one alert, computed against the live fleet and
 * returned at once. Its own workflow (`plan-<uuid>`), never the resource's incident id, so a
 * rehearsal can neither capture the real alerts that follow nor be changed by them, and it
 * never signals, starts or reads the resource's incident.
 * The steps are those of the runbook in its input, when the API gave one (the runbook a live
 * incident would pin, or a file being tried: its steps, `when:` conditions, gates and parameters,
 * resolved as the incident workflow resolves them), else the built-in order.
 * Invariants: every activity runs with `dryRun: true` (reads only, calls recorded as the plan);
 * a gate never waits (it records who it would wait for); nobody is paged; no evidence or audit
 * export is written; the workflow ends with the plan as its result.
 */
import { condition, allHandlersFinished, proxyActivities, proxyLocalActivities, setHandler } from '@temporalio/workflow';
import type { CordonActivities } from '../activities';
import type { IncidentAlert, IncidentSnapshot } from '../src/domain/incident';
import { requesterIdentity } from '../src/domain/provenance';
import { profiles } from './activity-profiles';
import { incidentStateQuery, type IncidentInput } from './definitions';
import { resolvePinned } from './runbook/definition-run';
import { GateKeeper } from './runbook/gate-keeper';
import { IncidentState } from './runbook/incident-state';
import { Pager } from './people-notices/pager';
import { outcomeSummary, runStep, type RunContext } from './runbook/runner';
import { runbookStepNames, stepTitles } from './runbook/step-order';
import { stepRegistry } from './runbook/step-registry';

const read = proxyActivities<CordonActivities>(profiles.awsRead);
const mutate = proxyActivities<CordonActivities>(profiles.awsMutation);
const chain = proxyLocalActivities<CordonActivities>({ ...profiles.awsMutation, localRetryThreshold: '10s' });

const nowIso = (): string => new Date().toISOString();

export interface PlanInput {
  /** `plan-<uuid>`: also the workflow id. */
  planId: string;
  /** The incident the plan is for: `incidentId` is the id a real alert would open (tags and calls name it; nothing is started under it). */
  incident: Omit<IncidentInput, 'incidentId' | 'dryRun' | 'carried' | 'requesters'> & { incidentId?: string };
  alerts: IncidentAlert[];
}

export async function planWorkflow(plan: PlanInput): Promise<IncidentSnapshot> {
  const input: IncidentInput = { ...plan.incident, incidentId: plan.incident.incidentId ?? plan.planId, dryRun: true };
  const activeThreat = plan.alerts.some((a) => a.indicators?.exfiltration || a.indicators?.commandAndControl);
  // Plans recorded before runbooks existed carry none and replay the built-in order.
  const pinned = input.runbook ? resolvePinned(input.runbook, input, plan.alerts, () => input) : undefined;
  const names = pinned ? pinned.specs.map((s) => s.step) : runbookStepNames(input.policy, { activeThreat });
  const state = new IncidentState(
    input,
    names.map((name) => ({ name, title: stepTitles[name] })),
    nowIso(),
  );
  setHandler(incidentStateQuery, () => state.snapshot());
  for (const alert of plan.alerts) state.recordAlert(alert);
  const requesters = input.provenance ? [requesterIdentity(input.provenance.requestedBy)] : [];
  const gates = new GateKeeper(state, {
    requesters,
    pager: new Pager(state, { incidentId: plan.planId, severity: () => state.snapshot().severity }),
    rehearse: true,
  });
  const ctx: RunContext = { input, state, gates, facts: {}, chain, read, mutate, runbook: pinned?.behaviour };
  for (const name of names) await runStep(ctx, stepRegistry.get(name)!);
  const outcome = outcomeSummary(state);
  state.log({
    at: nowIso(),
    kind: 'note',
    message: `plan finished: ${outcome.message.replace(/^runbook finished: /, '')}`,
    data: { done: outcome.done, notDone: outcome.notDone },
  });
  await condition(allHandlersFinished);
  return state.snapshot();
}
