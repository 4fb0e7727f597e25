/**
 * Cordon's error taxonomy: the ApplicationFailure `type` strings that code branches on.
 * Workflows and activities import these names; nobody matches on message text.
 */
export const ErrorType = {
  TargetNotFound: 'TargetNotFound',
  AwsPermanent: 'AwsPermanent',
  AwsUnauthorized: 'AwsUnauthorized',
  NoKnownGoodImage: 'NoKnownGoodImage',
  ReplacementUnhealthy: 'ReplacementUnhealthy',
  ApprovalRejected: 'ApprovalRejected',
  ApprovalTimedOut: 'ApprovalTimedOut',
  InvalidRequest: 'InvalidRequest',
  Forbidden: 'Forbidden',
  EvidenceConflict: 'EvidenceConflict',
  LateWithoutReason: 'LateWithoutReason',
  /** Forensics: a memory capture that ended failed (recorded on its step), no evidence store on the worker. */
  MemoryCaptureFailed: 'MemoryCaptureFailed',
  EvidenceStoreMisconfigured: 'EvidenceStoreMisconfigured',
  /** Notices: a webhook answered a permanent 4xx; a mail server refused with a permanent 5yz reply. */
  WebhookRejected: 'WebhookRejected',
  EmailRejected: 'EmailRejected',
  /** Fleet guard: the worker has no Temporal client to reach its group's guard. */
  FleetGuardUnavailable: 'FleetGuardUnavailable',
} as const;

export type ErrorTypeName = (typeof ErrorType)[keyof typeof ErrorType];

/** Non-retryable types every activity profile lists, so Temporal never retries them. */
export const permanentErrorTypes: string[] = [
  ErrorType.TargetNotFound, ErrorType.AwsPermanent, ErrorType.AwsUnauthorized, ErrorType.NoKnownGoodImage, ErrorType.EvidenceConflict,
];
