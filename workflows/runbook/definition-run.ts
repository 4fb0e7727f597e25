/**
 * How a pinned runbook (the definition the incident carries in its input) shapes a run: which
 * steps, in which order, which of them run alongside the chain, and per step its gate, its
 * parameters, its compensation switch and its `when:` over the described target.
 * Invariant: everything comes from the pinned copy and the incident's own facts, so editing the
 * file never changes a running incident and a replay resolves exactly the same steps.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import type { GatePolicy } from '../../src/domain/gate';
import { ErrorType } from '../../src/domain/errors';
import type { IncidentAlert, PrincipalDescription, TargetDescription } from '../../src/domain/incident';
import type { StepName } from '../../src/domain/runbook-catalogue';
import {
  alertFacts,
  decidedAtRun,
  policyFacts,
  resolveRunbookSteps,
  whenHolds,
  type ParamValue,
  type PinnedRunbook,
  type RunbookStepSpec,
} from '../../src/domain/runbook-definition';
import type { IncidentInput } from '../definitions';

/** What the runner asks of the pinned runbook for one step (runner.ts). */
export interface RunbookBehaviour {
  /** The step's own gate: a policy, `record-only`, or undefined for the step's default (the severity policy's, or none). */
  gateFor(step: StepName): GatePolicy | 'record-only' | undefined;
  param(step: StepName, name: string): ParamValue | undefined;
  compensate(step: StepName): boolean;
  /** Why the step is skipped when its `when:` over the described target is false; undefined when it runs. */
  skipReason(step: StepName, target: TargetDescription | PrincipalDescription | undefined): string | undefined;
}

const autoGate: GatePolicy = { mode: 'auto', approverRoles: [], forbidSelfApproval: false, timeoutMinutes: 1, onTimeout: 'proceed' };

export interface ResolvedRunbook {
  specs: RunbookStepSpec[];
  behaviour: RunbookBehaviour;
}

/**
 * The pinned runbook as continue-as-new carries it: the steps this incident resolved at start,
 * with the conditions decided then dropped (the next run has no starting alert to decide them
 * again), and those over the target kept.
 */
export function carriedRunbook(runbook: PinnedRunbook, specs: readonly RunbookStepSpec[]): PinnedRunbook {
  return {
    ...runbook,
    steps: specs.map((s) => (s.when !== undefined && !decidedAtRun(s) ? (({ when: _decided, ...rest }) => rest)(s) : s)),
  };
}

export function resolvePinned(
  runbook: PinnedRunbook,
  input: IncidentInput,
  alerts: readonly IncidentAlert[],
  live: () => IncidentInput,
): ResolvedRunbook {
  const facts = { alert: alertFacts(alerts, input.severity), policy: policyFacts(input.policy), inputs: runbook.inputs };
  let specs: RunbookStepSpec[];
  try {
    specs = resolveRunbookSteps(runbook.steps, facts);
  } catch (err) {
    throw ApplicationFailure.create({
      message: `runbook ${runbook.name} ${runbook.version}: ${(err as Error).message}`,
      type: ErrorType.InvalidRequest,
      nonRetryable: true,
    });
  }
  const specOf = new Map(specs.map((s) => [s.step, s]));
  return {
    specs,
    behaviour: {
      gateFor(step) {
        const g = specOf.get(step)?.gate;
        if (g === undefined || g === 'policy') return undefined;
        return g === 'auto' ? autoGate : g;
      },
      param: (step, name) => specOf.get(step)?.params?.[name],
      compensate: (step) => specOf.get(step)?.compensate !== false,
      skipReason(step, target) {
        const spec = specOf.get(step);
        if (!spec || !decidedAtRun(spec)) return undefined;
        const now = { alert: facts.alert, policy: policyFacts(live().policy), inputs: runbook.inputs, target: target ?? null };
        return whenHolds(spec, now) ? undefined : `when: ${spec.when} — false for this incident`;
      },
    },
  };
}
