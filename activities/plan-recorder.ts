/**
 * Plan mode for every mutating activity: each AWS mutation goes through `act`, which records
 * the call (service, operation, arguments) and, unless the run is a dry run, makes it.
 * Reads always happen, so a plan reflects current state (check-before-act) and changes nothing.
 */
import type { PlannedCall, StepOutcome } from '../src/domain/incident';
import { awsCall } from './aws-errors';

export class PlanRecorder {
  readonly calls: PlannedCall[] = [];

  constructor(
    private readonly step: string,
    readonly dryRun: boolean,
  ) {}

  /** Records the mutation; makes it only outside plan mode. Returns undefined in plan mode. */
  async act<T>(service: PlannedCall['service'], operation: string, input: object, fn: () => Promise<T>): Promise<T | undefined> {
    this.calls.push({ step: this.step, service, operation, input: { ...input } as Record<string, unknown> });
    return this.dryRun ? undefined : awsCall(operation, fn);
  }

  get changed(): boolean {
    return this.calls.length > 0;
  }

  /** The step's outcome; the summary switches tense in plan mode. */
  outcome(did: string, wouldDo: string, nothing: string): StepOutcome {
    return { changed: this.changed, calls: this.calls, summary: !this.changed ? nothing : this.dryRun ? wouldDo : did };
  }
}
