/**
 * What a runbook cannot break, checked when it is loaded (each with the path of the step at fault):
 * - it starts by describing the target (every step reads the described target);
 * - every step acts on the kind of resource the runbook matches (`isolate` means nothing to an
 *   access key, `deactivate-access-key` nothing to an instance);
 * - the principal's state is evidence: a step that changes the principal or its keys has an
 *   unconditional `capture-principal` before it (no catalogue step deletes a user, role or key);
 * - evidence protection comes first: a step that could destroy evidence has an unconditional
 *   `protect-evidence` before it;
 * - the accused instance is never terminated or stopped unless the step says so: a step that
 *   could terminate it runs after an unconditional `leave-group`, or says `terminateAccused: true`;
 * - a replacement comes only from the known-good choice: a step that uses the image has an
 *   unconditional `known-good` before it (and no step takes an image, file-schema.ts);
 * - a step named twice has a `when:` on every entry (variants, not repeats);
 * - `when:` reads only declared inputs.
 * And what it should not do without saying so (warnings: the file loads, the loader and
 * `cordon runbooks validate` print them): a runbook in which no unconditional step waits for a
 * person has no human gate — every action runs as soon as a matching alert arrives.
 */
import { catalogueEntry, stepActsOn, type StepName } from '../domain/runbook-catalogue';
import type { RunbookDefinition, RunbookStepSpec } from '../domain/runbook-definition';
import { parseWhen, type WhenNode } from '../domain/runbook-when';

export interface InvariantIssue {
  path: (string | number)[];
  message: string;
}

const unconditionalBefore = (steps: RunbookStepSpec[], i: number, name: StepName) =>
  steps.slice(0, i).some((s) => s.step === name && s.when === undefined);

/** The `inputs.*` names a `when:` reads. */
export function inputNames(node: WhenNode, into: string[] = []): string[] {
  if (node.kind === 'path' && node.root === 'inputs' && node.names[0]) into.push(node.names[0]);
  if (node.kind === 'not') inputNames(node.operand, into);
  if (node.kind === 'and' || node.kind === 'or' || node.kind === 'compare') {
    inputNames(node.left, into);
    inputNames(node.right, into);
  }
  return into;
}

export function checkInvariants(def: RunbookDefinition): InvariantIssue[] {
  const issues: InvariantIssue[] = [];
  const steps = def.steps;
  if (steps[0]?.step !== 'describe' || steps[0].when !== undefined) {
    issues.push({
      path: ['steps', 0],
      message: 'a runbook starts with an unconditional "describe" step: every other step acts on the described target',
    });
  }
  steps.forEach((s, i) => {
    const at = ['steps', i];
    const entry = catalogueEntry(s.step);
    if (!stepActsOn(s.step, def.matches.resourceKind)) {
      issues.push({
        path: [...at, 'step'],
        message: `"${s.step}" acts on ${entry.kinds.join(', ')}; this runbook matches ${def.matches.resourceKind}`,
      });
    }
    if (entry.effects.includes('alters-principal') && !unconditionalBefore(steps, i, 'capture-principal')) {
      issues.push({
        path: at,
        message: `"${s.step}" changes the accused principal: an unconditional "capture-principal" step must come before it, so its state is evidence first`,
      });
    }
    if (steps.filter((t) => t.step === s.step).length > 1 && s.when === undefined) {
      issues.push({ path: at, message: `"${s.step}" appears more than once: each entry needs a when: so that at most one of them runs` });
    }
    if (entry.effects.includes('may-destroy-evidence') && !unconditionalBefore(steps, i, 'protect-evidence')) {
      issues.push({
        path: at,
        message: `"${s.step}" could destroy evidence: an unconditional "protect-evidence" step must come before it`,
      });
    }
    if (
      entry.effects.includes('may-terminate-accused') &&
      !unconditionalBefore(steps, i, 'leave-group') &&
      s.params?.terminateAccused !== true
    ) {
      issues.push({
        path: at,
        message: `"${s.step}" would terminate the accused instance while it is still in its group: put an unconditional "leave-group" before it, or say terminateAccused: true in its params`,
      });
    }
    if (entry.effects.includes('uses-known-good') && !unconditionalBefore(steps, i, 'known-good')) {
      issues.push({
        path: at,
        message: `"${s.step}" replaces from an image: a replacement comes only from the known-good choice, so an unconditional "known-good" step must come before it`,
      });
    }
    if (s.when !== undefined) {
      for (const name of inputNames(parseWhen(s.when))) {
        if (!Object.prototype.hasOwnProperty.call(def.inputs, name))
          issues.push({ path: [...at, 'when'], message: `when: reads inputs.${name}, which the runbook does not declare under inputs:` });
      }
    }
  });
  return issues;
}

/** A step that may wait for a person: a gate step left to the severity policy or given approvers, or any step with an approval gate of its own. */
function mayAskAPerson(s: RunbookStepSpec): boolean {
  if (typeof s.gate === 'object') return true;
  return catalogueEntry(s.step).kind === 'gate' && (s.gate === undefined || s.gate === 'policy');
}

/** What the engine runs but the author should know: a runbook without a human gate. */
export function checkWarnings(def: RunbookDefinition): InvariantIssue[] {
  if (def.steps.some((s) => s.when === undefined && mayAskAPerson(s))) return [];
  return [
    {
      path: ['steps'],
      message:
        'no human gate: no unconditional step waits for a person (a gate step such as "contain" with gate: policy or approvers, or an action with gate: { mode: approvers | two-person }), so every action runs as soon as a matching alert arrives or a manual run starts',
    },
  ];
}
