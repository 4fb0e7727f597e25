/**
 * Typed errors of the evidence store. Callers branch on the class (or `type`), never on text.
 * `type` reuses the domain taxonomy so activities can turn them into non-retryable failures.
 */
import { ErrorType } from '../domain/errors';

/** A write-once key already holds an object: the store never overwrites evidence. */
export class EvidenceOverwriteError extends Error {
  readonly type = ErrorType.EvidenceConflict;
  constructor(readonly key: string, readonly location: string) {
    super(`evidence ${key} already exists in ${location}; write-once stores never overwrite`);
    this.name = 'EvidenceOverwriteError';
  }
}

/** The key names no object. */
export class EvidenceNotFoundError extends Error {
  constructor(readonly key: string, readonly location: string) {
    super(`evidence ${key} does not exist in ${location}`);
    this.name = 'EvidenceNotFoundError';
  }
}

/** The store cannot guarantee immutability (e.g. an existing bucket without Object Lock). */
export class EvidenceStoreMisconfigured extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EvidenceStoreMisconfigured';
  }
}

/** Bytes read back (or stored) do not hash to what was expected: never recorded as evidence. */
export class EvidenceIntegrityError extends Error {
  constructor(readonly key: string, readonly expected: string, readonly actual: string) {
    super(`evidence ${key}: sha256 ${actual} where ${expected} was expected`);
    this.name = 'EvidenceIntegrityError';
  }
}
