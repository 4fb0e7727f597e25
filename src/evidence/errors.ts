/**
 * Typed errors of the evidence store. Callers branch on the class (or `type`), never on text.
 * Each `type` is a failure-catalogue type (src/domain/errors.ts): its retryability, HTTP answer
 * and exit code are the catalogue's.
 */
import { ErrorType } from '../domain/errors';

/** A write-once key already holds an object: the store never overwrites evidence. */
export class EvidenceOverwriteError extends Error {
  readonly type = ErrorType.EvidenceConflict;
  constructor(
    readonly key: string,
    readonly location: string,
  ) {
    super(`evidence ${key} already exists in ${location}; write-once stores never overwrite`);
    this.name = 'EvidenceOverwriteError';
  }
}

/** The key names no object. */
export class EvidenceNotFoundError extends Error {
  readonly type = ErrorType.NotFound;
  constructor(
    readonly key: string,
    readonly location: string,
  ) {
    super(`evidence ${key} does not exist in ${location}`);
    this.name = 'EvidenceNotFoundError';
  }
}

/** The store cannot guarantee immutability (e.g. an existing bucket without Object Lock). */
export class EvidenceStoreMisconfigured extends Error {
  readonly type = ErrorType.EvidenceStoreMisconfigured;
  constructor(message: string) {
    super(message);
    this.name = 'EvidenceStoreMisconfigured';
  }
}

/** Bytes read back (or stored) do not hash to what was expected: never recorded as evidence. */
export class EvidenceIntegrityError extends Error {
  readonly type = ErrorType.EvidenceIntegrity;
  constructor(
    readonly key: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`evidence ${key}: sha256 ${actual} where ${expected} was expected`);
    this.name = 'EvidenceIntegrityError';
  }
}
