/**
 * Sorts AWS SDK errors, by their AWS error code and HTTP status (never their message), into
 * transient (thrown as-is, Temporal retries with backoff) and permanent failure-catalogue types
 * (ApplicationFailure.nonRetryable with a sentence an operator understands).
 */
import { ApplicationFailure } from '@temporalio/activity';
import { ErrorType } from '../src/domain/errors';

interface SdkError {
  name?: string;
  Code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $fault?: string;
  /** The raw answer (the SDK attaches it to errors it could not deserialise). */
  $response?: { headers?: Record<string, string | undefined> };
}

const unauthorized =
  /^(UnauthorizedOperation|AccessDenied|AccessDeniedException|AuthFailure|InvalidClientTokenId|ExpiredToken|UnrecognizedClientException)$/;
const notFound = /(NotFound|NoSuchEntity|NoSuchBucket|DoesNotExist|Malformed)/;
const throttled =
  /^(Throttling|ThrottlingException|RequestLimitExceeded|TooManyRequestsException|SlowDown|RequestThrottled|ResourceContention|ScalingActivityInProgress|ServiceUnavailable|InternalError|InternalFailure)/;

export function errorCode(err: unknown): string {
  const e = err as SdkError;
  return e?.Code ?? e?.name ?? 'Error';
}

export function isNotFound(err: unknown): boolean {
  return notFound.test(errorCode(err));
}

/**
 * moto answers an unimplemented action with HTTP 500 and an HTML page instead of an AWS error
 * document, so the SDK's error has no AWS error code (AWS.md Part 2, G13): the XML protocols'
 * clients name it `Error`, the JSON protocols' (CloudTrail) fail to parse the page and name it
 * `SyntaxError`. Treated as "unsupported", not transient: a 500 from AWS itself names its code
 * (InternalError) in a document the SDK parses.
 */
export function isUnsupported(err: unknown): boolean {
  const e = err as SdkError;
  const contentType = e?.$response?.headers?.['content-type'] ?? '';
  return e?.$metadata?.httpStatusCode === 500 && /^(Error|SyntaxError)$/.test(errorCode(err)) && /^text\/html\b/i.test(contentType);
}

/** Rethrows `err`, marking permanent AWS errors non-retryable; `what` names the action for the operator. */
export function rethrowAws(err: unknown, what: string): never {
  if (err instanceof ApplicationFailure) throw err;
  const e = err as SdkError;
  const code = errorCode(err);
  const status = e?.$metadata?.httpStatusCode ?? 0;
  const message = `${what} failed: ${code}: ${e?.message ?? String(err)}`;
  if (throttled.test(code) || status >= 500 || status === 429 || status === 0) throw err;
  if (unauthorized.test(code) || status === 401 || status === 403) {
    throw ApplicationFailure.nonRetryable(
      `${message} — Cordon's AWS role lacks permission; grant it and retry the step`,
      ErrorType.AwsUnauthorized,
    );
  }
  if (notFound.test(code)) throw ApplicationFailure.nonRetryable(message, ErrorType.TargetNotFound);
  throw ApplicationFailure.nonRetryable(message, ErrorType.AwsPermanent);
}

/** Runs one AWS call, classifying its failure. */
export async function awsCall<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    rethrowAws(err, what);
  }
}
