/**
 * When the incident's phase changes, as a table: before or after a step, given the steps'
 * statuses. The workflow asks the state to apply it around every step, so the runbook loop
 * reads as the runbook's story and the phase lifecycle reads here in one place:
 * open → containing → contained → recovering → monitoring (or failed), closed by an operator.
 */
import type { IncidentPhase, StepStatus } from '../../src/domain/incident';
import type { StepName } from './step-order';

export type StatusOf = (step: StepName) => StepStatus | undefined;

export interface PhaseRule {
  moment: 'before' | 'after';
  step: StepName;
  /** Whether the rule applies, read from the steps' statuses at that moment. */
  when: (status: StatusOf) => boolean;
  phase: (status: StatusOf) => IncidentPhase;
}

export const phaseRules: readonly PhaseRule[] = [
  // Nothing is known about the target: the runbook cannot act.
  { moment: 'after', step: 'describe', when: (s) => s('describe') !== 'done', phase: () => 'failed' },
  { moment: 'after', step: 'contain', when: (s) => s('contain') === 'done', phase: () => 'containing' },
  // The chain's last step: contained only if the network isolation held (an instance), or the key was
  // deactivated or the principal's older sessions denied (an access key).
  {
    moment: 'after',
    step: 'tag-quarantined',
    when: (s) => s('contain') === 'done',
    phase: (s) =>
      s('isolate') === 'done' || s('deactivate-access-key') === 'done' || s('revoke-principal-sessions') === 'done'
        ? 'contained'
        : 'failed',
  },
  { moment: 'before', step: 'verify-replacement', when: (s) => s('replace') === 'done', phase: () => 'recovering' },
  {
    moment: 'after',
    step: 'verify-replacement',
    when: (s) => s('replace') === 'done',
    phase: (s) => (s('verify-replacement') === 'done' ? 'monitoring' : 'contained'),
  },
];
