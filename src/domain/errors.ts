/**
 * The failure catalogue: every failure Cordon names, with whether trying again can help, the HTTP
 * answer (status and the envelope's `code`), the CLI's exit code and what it means to an operator.
 * Everything else is derived from it: the activity profiles' non-retryable types, the API's
 * failure → HTTP mapping (src/api/errors.ts), the CLI's exit codes and its `--help` list, and the
 * refusals of update validators (gates, breach notification, fleet guard), which carry a
 * catalogue type so the API answers them by this table. Code branches on the type, never on
 * message text.
 * Invariants: a `type` string, once in a workflow history, never changes; types that share an
 * envelope code or an HTTP status share the exit code (so the CLI can map either); transient
 * activity failures (throttling, 5xx, dropped connections) are plain errors, not catalogue types.
 * Pure data: bundled into the workflow sandbox, so no imports.
 */

/** Process exit codes of the `cordon` CLI: one number per meaning. */
export const ExitCode = {
  ok: 0,
  failed: 1,
  usage: 2,
  notFound: 3,
  refused: 4,
  unauthorized: 5,
  unreachable: 6,
} as const;

export type ExitCodeName = keyof typeof ExitCode;

/** What each exit code tells the operator (the CLI's `--help` prints these). */
export const exitCodeMeanings: Record<ExitCodeName, string> = {
  ok: 'done',
  failed: 'the server failed or answered unexpectedly (evidence verify: a link is broken; test-notifiers: a target failed)',
  usage: 'bad usage, configuration or request',
  notFound: 'not found',
  refused: 'refused by policy (role, four-eyes, same approver twice, step not awaiting approval, already decided)',
  unauthorized: 'token not accepted',
  unreachable: 'API unreachable',
};

/** Where a failure arises: the API's own request handling, an update validator's refusal, an activity. */
export type FailureOrigin = 'api' | 'update' | 'activity';

export interface FailureEntry {
  /** Whether the same call may succeed later without anyone changing anything. */
  retryable: boolean;
  http: { status: number; code: string };
  exit: ExitCodeName;
  from: readonly FailureOrigin[];
  /** One line for the operator: what happened and what to do. */
  meaning: string;
}

const entry = (
  status: number,
  code: string,
  exit: ExitCodeName,
  from: readonly FailureOrigin[],
  meaning: string,
  retryable = false,
): FailureEntry => ({
  retryable,
  http: { status, code },
  exit,
  from,
  meaning,
});

export const failureCatalogue = {
  // The request itself.
  InvalidRequest: entry(
    400,
    'invalid_request',
    'usage',
    ['api', 'update', 'activity'],
    'the request is malformed or misses a value (the issues name each field); fix it and send it again',
  ),
  Unauthorized: entry(
    401,
    'unauthorized',
    'unauthorized',
    ['api'],
    'no credential, or one Cordon does not accept (token, HMAC or SNS signature, timestamp)',
  ),
  Forbidden: entry(403, 'forbidden', 'refused', ['api', 'update'], "the caller's roles may not do this"),
  NotFound: entry(404, 'not_found', 'notFound', ['api'], 'no such incident, plan, evidence, route or resource'),
  RequestTimeout: entry(408, 'request_timeout', 'failed', ['api'], 'the request did not arrive in time; send it again', true),
  Conflict: entry(
    409,
    'conflict',
    'refused',
    ['api', 'update'],
    'the request contradicts what is already recorded (resolved, declared, decided); read the state first',
  ),
  PayloadTooLarge: entry(413, 'payload_too_large', 'usage', ['api'], 'the body is larger than the limit'),
  UriTooLong: entry(414, 'uri_too_long', 'usage', ['api'], 'the URL or a path segment is longer than the limit'),
  UnsupportedMediaType: entry(
    415,
    'unsupported_media_type',
    'usage',
    ['api'],
    'the body is not in a media type the route reads (JSON; SNS posts text/plain)',
  ),
  Unprocessable: entry(
    422,
    'unprocessable',
    'usage',
    ['api'],
    'well-formed, but nothing Cordon can act on (no EC2 instance, too many instances in one payload); nothing was started',
  ),
  RunbookConflict: entry(
    422,
    'runbook_conflict',
    'usage',
    ['api'],
    'the runbook cannot run for this request (two variants of a step both hold); fix the runbook; nothing was started',
  ),
  RateLimited: entry(
    429,
    'rate_limited',
    'failed',
    ['api'],
    'too many alerts from this source, or failed authentications from this address; retry after the window',
    true,
  ),
  HeadersTooLarge: entry(431, 'headers_too_large', 'usage', ['api'], 'the request headers are larger than the limit'),
  Internal: entry(500, 'internal', 'failed', ['api'], 'Cordon failed; the server log has the details under the requestId'),
  BadGateway: entry(
    502,
    'bad_gateway',
    'failed',
    ['api'],
    'a service Cordon called on the request path failed (e.g. confirming an SNS subscription)',
    true,
  ),
  Unavailable: entry(503, 'unavailable', 'failed', ['api'], 'Temporal or a signing certificate is out of reach for now; retry', true),

  // Gate decisions refused by the incident's update validator (src/domain/gate.ts).
  UnknownStep: entry(409, 'unknown_step', 'refused', ['update'], 'the incident has no step of that name'),
  StepNotAwaitingApproval: entry(
    409,
    'not_awaiting_approval',
    'refused',
    ['update'],
    "the step's gate is not open: not reached yet, already decided, or not a gate",
  ),
  RoleNotAllowed: entry(403, 'role_not_allowed', 'refused', ['update'], "the gate's policy does not let this operator's roles decide it"),
  SameApprover: entry(
    403,
    'same_approver',
    'refused',
    ['update'],
    'this operator already approved the step; the gate needs a different person',
  ),
  SelfApproval: entry(
    403,
    'self_approval',
    'refused',
    ['update'],
    'four-eyes: whoever raised an alert for the incident may not approve its actions',
  ),
  ReasonRequired: entry(400, 'reason_required', 'usage', ['update'], 'every decision needs a reason for the audit trail'),

  // Breach notification (workflows/regulator-notification/): other refusals are Forbidden, InvalidRequest, Conflict.
  LateWithoutReason: entry(
    400,
    'late_without_reason',
    'usage',
    ['update'],
    'a submission after its deadline must give the reasons for the delay (GDPR Art. 33(1))',
  ),

  // Activities: permanent failures, never retried (the activity profiles list them).
  TargetNotFound: entry(
    404,
    'target_not_found',
    'notFound',
    ['activity'],
    'the instance, group or launch template no longer exists in AWS; nothing left to act on',
  ),
  AwsUnauthorized: entry(
    502,
    'aws_unauthorized',
    'failed',
    ['activity'],
    "Cordon's AWS role lacks a permission; grant it and retry the step",
  ),
  AwsPermanent: entry(
    502,
    'aws_refused',
    'failed',
    ['activity'],
    'AWS refused the call for good (invalid or unsupported, not throttling); the step names the call and the reason',
  ),
  EvidenceConflict: entry(
    409,
    'evidence_conflict',
    'refused',
    ['activity'],
    'a write-once evidence key already holds an object; evidence is never overwritten',
  ),
  EvidenceIntegrity: entry(
    500,
    'evidence_integrity',
    'failed',
    ['activity'],
    'stored bytes do not hash to what was expected; they are never recorded as evidence',
  ),
  EvidenceStoreMisconfigured: entry(
    500,
    'evidence_store_misconfigured',
    'failed',
    ['activity'],
    'the evidence store cannot guarantee immutability, or the worker has none; evidence cannot be kept',
  ),
  /** Recorded on its step (a result, not a thrown failure): the memory capture ended failed. */
  MemoryCaptureFailed: entry(
    502,
    'memory_capture_failed',
    'failed',
    ['activity'],
    'the memory capture over SSM ended failed; the step records the command and why',
  ),
  WebhookRejected: entry(
    502,
    'webhook_rejected',
    'failed',
    ['activity'],
    'a webhook answered a permanent 4xx; fix the target or its configuration',
  ),
  EmailRejected: entry(502, 'email_rejected', 'failed', ['activity'], 'the mail server refused the notice with a permanent 5yz reply'),
  FleetGuardUnavailable: entry(
    500,
    'fleet_guard_unavailable',
    'failed',
    ['activity'],
    "this worker has no Temporal client to reach its group's fleet guard",
  ),
  // Organisation (README "Organisation"): where an incident may act, and the session to act with.
  AccountNotConfigured: entry(
    502,
    'account_not_configured',
    'failed',
    ['activity'],
    "the incident's account or region is not in the organisation configuration (CORDON_ACCOUNTS): add it with the responder role, restart the workers, send the alert again",
  ),
  AssumeRoleRefused: entry(
    502,
    'assume_role_refused',
    'failed',
    ['activity'],
    "AssumeRole into the account's responder role was refused, or Cordon's own credentials expired: fix the role's trust policy (iam/responder-trust-policy.json) or renew the credentials",
  ),
} as const satisfies Record<string, FailureEntry>;

export type FailureType = keyof typeof failureCatalogue;

/** Every failure type by name, as constants (`ErrorType.TargetNotFound === 'TargetNotFound'`). */
export const ErrorType = Object.fromEntries(Object.keys(failureCatalogue).map((k) => [k, k])) as { readonly [K in FailureType]: K };

export const failureTypes = Object.keys(failureCatalogue) as FailureType[];

export function isFailureType(type: unknown): type is FailureType {
  return typeof type === 'string' && Object.prototype.hasOwnProperty.call(failureCatalogue, type);
}

/** Activity failures Temporal must never retry: every activity profile lists them. */
export const nonRetryableErrorTypes: string[] = failureTypes.filter((t) => {
  const e: FailureEntry = failureCatalogue[t];
  return e.from.includes('activity') && !e.retryable;
});

/** A validator's answer when an update must not be applied: a catalogue type and a sentence for the operator. */
export interface Refusal<T extends FailureType = FailureType> {
  type: T;
  message: string;
}

/** The failure type whose envelope code this is (the CLI reads the code from the API's answer). */
export function failureTypeForCode(code: string | undefined): FailureType | undefined {
  return code === undefined ? undefined : failureTypes.find((t) => failureCatalogue[t].http.code === code);
}

/**
 * The exit code for an HTTP status, when no known envelope code came with it: the one every
 * catalogue type with that status shares, else `failed`.
 */
export function exitCodeForStatus(status: number): number {
  const exits = new Set(failureTypes.filter((t) => failureCatalogue[t].http.status === status).map((t) => failureCatalogue[t].exit));
  return exits.size === 1 ? ExitCode[[...exits][0]!] : ExitCode.failed;
}
