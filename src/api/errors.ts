/**
 * One HTTP error envelope, `{ error: { code, message, requestId, issues? } }`, mapped from
 * error types in one place. zod failures name the path of each bad field.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodError } from 'zod';

export interface FieldIssue { path: string; message: string }

export class HttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly issues?: FieldIssue[]) {
    super(message);
  }
}

export const badRequest = (message: string, issues?: FieldIssue[]) => new HttpError(400, 'invalid_request', message, issues);
export const unauthorized = (message = 'missing or invalid credentials') => new HttpError(401, 'unauthorized', message);
export const forbidden = (message: string) => new HttpError(403, 'forbidden', message);
export const notFound = (message: string) => new HttpError(404, 'not_found', message);
export const conflict = (message: string) => new HttpError(409, 'conflict', message);
export const unprocessable = (message: string, issues?: FieldIssue[]) => new HttpError(422, 'unprocessable', message, issues);

/** `a.b[2].c` from a zod path. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), '') || '(root)';
}

export function zodIssues(error: ZodError): FieldIssue[] {
  return error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
}

/** Maps an update's ApplicationFailure type (workflows/runbook/gate.ts) to HTTP. */
export function fromFailureType(type: string | undefined | null, message: string): HttpError | undefined {
  switch (type) {
    case 'Forbidden': return forbidden(message);
    case 'Conflict': return conflict(message);
    case 'InvalidRequest': case 'LateWithoutReason': return badRequest(message);
    default: return undefined;
  }
}

export function sendError(reply: FastifyReply, request: FastifyRequest, err: HttpError): FastifyReply {
  return reply.status(err.status).send({ error: { code: err.code, message: err.message, requestId: request.id, ...(err.issues ? { issues: err.issues } : {}) } });
}

/** Fastify's own errors (bad JSON, body too large, unsupported media type) in the same envelope. */
export function fromFastifyError(err: FastifyError): HttpError {
  const status = err.statusCode ?? 500;
  if (status === 413) return new HttpError(413, 'payload_too_large', 'request body is larger than the limit');
  if (status === 415) return new HttpError(415, 'unsupported_media_type', 'send application/json');
  if (status === 429) return new HttpError(429, 'rate_limited', err.message);
  if (status >= 400 && status < 500) return badRequest(err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ? 'the request body is empty' : `malformed JSON: ${err.message}`, [{ path: '(body)', message: err.message }]);
  return new HttpError(500, 'internal', 'internal error; see the server log with this requestId');
}
