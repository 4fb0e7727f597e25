/**
 * How an update validator refuses: a non-retryable ApplicationFailure whose type is the refusal's
 * failure-catalogue type (src/domain/errors.ts), so the API answers it with the catalogue's status
 * and envelope code and the CLI with its exit code. Nothing is refused by message text.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import type { FailureType, Refusal } from '../src/domain/errors';

export const refusalFailure = (refusal: Refusal): ApplicationFailure =>
  ApplicationFailure.create({ type: refusal.type, message: refusal.message, nonRetryable: true });

/** A validator's body: throws the refusal when there is one. */
export function refuse(refusal: Refusal | undefined): void {
  if (refusal) throw refusalFailure(refusal);
}

/** Shorthand for a refusal built in place. */
export const refusal = (type: FailureType, message: string): ApplicationFailure => refusalFailure({ type, message });
