/**
 * Runs registry steps in order: checks each step's prerequisites, records every transition in
 * the incident's timeline, adds the step's AWS calls to the plan, and turns a thrown failure
 * into a failed step (a failure ends the step, not the incident, and is reported through
 * `onStepFailed`). A step skipped for want of a prerequisite says why that one was not done
 * (its error, or the reason it was skipped, back to the root cause). Gate steps make their own
 * awaiting-approval transition. With a pinned runbook, a step whose `when:` over the described
 * target is false is skipped with the condition as its reason, and an action with its own gate
 * waits for that gate's approvals before it runs. `outcomeSummary` lists what was done and what was not.
 */
import type {
  PlannedCall,
  PrincipalDescription,
  StepStatus,
  TargetDescription,
  KnownGoodChoice,
  GroupTemplateChange,
} from '../../src/domain/incident';
import type { CordonActivities } from '../../activities';
import type { IncidentInput } from '../definitions';
import type { RunbookBehaviour } from './definition-run';
import type { FleetHold } from './fleet-steps';
import type { GateKeeper } from './gate-keeper';
import type { IncidentState } from './incident-state';
import type { StepName } from './step-order';

const nowIso = (): string => new Date().toISOString();

export interface StepResult {
  status: Extract<StepStatus, 'done' | 'skipped' | 'failed'>;
  detail: string;
  calls?: PlannedCall[];
}

/** Facts steps hand to later steps. */
export interface RunFacts {
  target?: TargetDescription;
  /** The described principal of an access-key incident (principal-steps.ts). */
  principal?: PrincipalDescription;
  knownGood?: Extract<KnownGoodChoice, { kind: 'chosen' }>;
  change?: GroupTemplateChange;
  /** The containment reservation this pass holds at its group's fleet guard (fleet-steps.ts). */
  fleet?: FleetHold;
}

export interface RunContext {
  input: IncidentInput;
  state: IncidentState;
  gates: GateKeeper;
  facts: RunFacts;
  /** Quarantine chain: local activities (low latency, AWS.md §1.2 steps run back to back). */
  chain: CordonActivities;
  read: CordonActivities;
  mutate: CordonActivities;
  /** The pinned runbook's per-step choices (gates, parameters, `when:` over the target); absent for the built-in order. */
  runbook?: RunbookBehaviour;
  /** A gate started waiting (the workflow exports the timeline so far). */
  onGateWaiting?: () => void;
  /** Told of every step that ends failed, with the operator-readable reason (the workflow pages people). */
  onStepFailed?: (step: StepName, reason: string) => void;
}

export interface RunbookStep {
  name: StepName;
  kind: 'action' | 'gate';
  /** Steps that must be `done` first; otherwise this one is skipped and says why. */
  requires: StepName[];
  run(ctx: RunContext): Promise<StepResult>;
}

export const done = (detail: string, calls?: PlannedCall[]): StepResult => ({ status: 'done', detail, calls });
export const skipped = (detail: string): StepResult => ({ status: 'skipped', detail });
export const failed = (detail: string): StepResult => ({ status: 'failed', detail });

function failureText(err: unknown): string {
  const e = err as { message?: string; cause?: { message?: string; cause?: { message?: string } } };
  return e.cause?.cause?.message ?? e.cause?.message ?? e.message ?? String(err);
}

export async function runStep(ctx: RunContext, step: RunbookStep): Promise<StepStatus> {
  const { state } = ctx;
  const blocker = step.requires.find((r) => state.hasStep(r) && state.step(r).status !== 'done');
  if (blocker) {
    const b = state.step(blocker);
    const why = b.status === 'failed' ? b.error : b.status === 'skipped' ? b.detail : undefined;
    // A prerequisite skipped for want of its own names the root cause, not a chain of "needs".
    const detail =
      b.status === 'skipped' && why?.startsWith('not done: needs ')
        ? why
        : `not done: needs "${blocker}", which is ${b.status}${why ? ` (${why})` : ''}`;
    state.transition(step.name, 'skipped', nowIso(), detail);
    return 'skipped';
  }
  const notNow = ctx.runbook?.skipReason(step.name, ctx.facts.target ?? ctx.facts.principal);
  if (notNow) {
    state.transition(step.name, 'skipped', nowIso(), notNow);
    return 'skipped';
  }
  // A runbook may gate an action itself: the step waits for its approvals, then runs.
  const own = step.kind === 'action' ? ctx.runbook?.gateFor(step.name) : undefined;
  if (own === 'record-only') {
    state.transition(step.name, 'skipped', nowIso(), 'record-only by the runbook: nothing done');
    return 'skipped';
  }
  if (own && own.mode !== 'auto') {
    const waiting = ctx.gates.pass(step.name, own);
    ctx.onGateWaiting?.();
    const passed = await waiting;
    if (!passed.passed) {
      state.transition(step.name, 'skipped', nowIso(), passed.detail);
      return 'skipped';
    }
    state.log({ at: nowIso(), kind: 'approval', step: step.name, message: `${step.name}: ${passed.detail}; running` });
  }
  if (step.kind === 'action') state.transition(step.name, 'running', nowIso());
  let result: StepResult;
  try {
    result = await step.run(ctx);
  } catch (err) {
    result = failed(failureText(err));
  }
  if (result.calls?.length) state.addPlannedCalls(result.calls);
  state.transition(step.name, result.status, nowIso(), result.detail);
  if (result.status === 'failed') ctx.onStepFailed?.(step.name, result.detail);
  return result.status;
}

/** The terminal account of the runbook: done steps, and every step not done with its reason. */
export function outcomeSummary(state: IncidentState): {
  done: string[];
  notDone: { step: string; status: string; reason?: string }[];
  message: string;
} {
  const steps = state.snapshot().steps;
  const doneSteps = steps.filter((s) => s.status === 'done').map((s) => s.name);
  const notDone = steps.filter((s) => s.status !== 'done').map((s) => ({ step: s.name, status: s.status, reason: s.error ?? s.detail }));
  const message = `runbook finished: done ${doneSteps.join(', ') || 'nothing'}; not done ${notDone.map((n) => `${n.step} (${n.status}${n.reason ? `: ${n.reason}` : ''})`).join('; ') || 'nothing'}`;
  return { done: doneSteps, notDone, message };
}
