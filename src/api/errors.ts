/**
 * One HTTP error envelope, `{ error: { code, message, requestId, issues? } }`, whose status and
 * code come from the failure catalogue (src/domain/errors.ts): every HttpError names a catalogue
 * type. zod failures name the path of each bad field, whether a route parsed the value itself or
 * its schema did (the type provider's FST_ERR_VALIDATION).
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ZodError } from 'zod';
import { failureCatalogue, isFailureType, type FailureType } from '../domain/errors';

export interface FieldIssue {
  path: string;
  message: string;
}

export class HttpError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(
    readonly type: FailureType,
    message: string,
    readonly issues?: FieldIssue[],
  ) {
    super(message);
    this.status = failureCatalogue[type].http.status;
    this.code = failureCatalogue[type].http.code;
  }
}

export const badRequest = (message: string, issues?: FieldIssue[]) => new HttpError('InvalidRequest', message, issues);
export const unauthorized = (message = 'missing or invalid credentials') => new HttpError('Unauthorized', message);
export const forbidden = (message: string) => new HttpError('Forbidden', message);
export const notFound = (message: string) => new HttpError('NotFound', message);
export const conflict = (message: string) => new HttpError('Conflict', message);
export const unprocessable = (message: string, issues?: FieldIssue[]) => new HttpError('Unprocessable', message, issues);
export const runbookConflict = (message: string, issues?: FieldIssue[]) => new HttpError('RunbookConflict', message, issues);
export const rateLimited = (message: string) => new HttpError('RateLimited', message);
export const badGateway = (message: string) => new HttpError('BadGateway', message);
/** Temporal (or another dependency) could not be reached in time: nothing was decided, retry. */
export const unavailable = (message = 'temporarily unavailable; retry') => new HttpError('Unavailable', message);

/** `a.b[2].c` from a zod path. */
export function formatPath(path: readonly PropertyKey[]): string {
  return (
    path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), '') ||
    '(root)'
  );
}

export function zodIssues(error: ZodError): FieldIssue[] {
  return error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
}

/**
 * The zod path back from a schema issue's `instancePath` (`/a/0/b`, as fastify-type-provider-zod
 * reports it): all-digit segments were array indexes, since route schemas have no records.
 */
function pointerPath(pointer: string): string {
  return formatPath(
    pointer
      .split('/')
      .slice(1)
      .filter((s) => s !== '')
      .map((s) => (/^\d+$/.test(s) ? Number(s) : s)),
  );
}

const SCHEMA_PARTS: Record<string, string> = { params: 'path', body: 'body', querystring: 'query string', headers: 'headers' };

/** An update's ApplicationFailure (a validator's refusal, workflows/refusal.ts) as HTTP, by its catalogue type; undefined for a type outside the catalogue. */
export function fromFailureType(type: string | undefined | null, message: string): HttpError | undefined {
  return isFailureType(type) ? new HttpError(type, message) : undefined;
}

export function sendError(reply: FastifyReply, request: FastifyRequest, err: HttpError): FastifyReply {
  return reply
    .status(err.status)
    .send({ error: { code: err.code, message: err.message, requestId: request.id, ...(err.issues ? { issues: err.issues } : {}) } });
}

/**
 * Fastify's own errors (router, parser, limits) in the same envelope, by code and then by
 * status: a request Fastify could not route or parse is a 4xx like any other bad input, and
 * only an error Fastify marks 5xx (or one without a status) is answered 500 `internal`.
 */
export function fromFastifyError(
  err: Pick<FastifyError, 'code' | 'message' | 'validation' | 'validationContext'> & { statusCode?: number },
): HttpError {
  switch (err.code) {
    case 'FST_ERR_VALIDATION':
      return badRequest(
        `invalid ${SCHEMA_PARTS[err.validationContext ?? ''] ?? 'request'}`,
        err.validation?.map((v) => ({ path: pointerPath(v.instancePath), message: v.message ?? 'invalid' })),
      );
    case 'FST_ERR_BAD_URL':
      return badRequest('the URL has an invalid %-escape', [{ path: '(url)', message: 'not a valid URL component' }]);
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new HttpError('UriTooLong', 'a path segment is longer than the limit (100 characters)');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return badRequest('the request body is empty', [{ path: '(body)', message: err.message }]);
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return badRequest(`malformed JSON: ${err.message}`, [{ path: '(body)', message: err.message }]);
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return badRequest('the body size does not match Content-Length', [{ path: '(body)', message: err.message }]);
    default:
      break;
  }
  const status = err.statusCode ?? 500;
  if (status === 404) return notFound('no such resource');
  if (status === 413) return new HttpError('PayloadTooLarge', 'request body is larger than the limit');
  if (status === 414) return new HttpError('UriTooLong', 'the request URL is too long');
  if (status === 415) return new HttpError('UnsupportedMediaType', 'send application/json');
  if (status === 429) return rateLimited(err.message);
  if (status === 431) return new HttpError('HeadersTooLarge', 'the request headers are too large');
  if (status >= 400 && status < 500) return badRequest(`invalid request: ${err.message}`);
  if (status === 503) return unavailable('temporarily unavailable; retry');
  return new HttpError('Internal', 'internal error; see the server log with this requestId');
}

/**
 * Node's HTTP parser refusals (a request line or headers that are not HTTP: no request was
 * formed, so no route, hook or handler ran) written to the socket in the same envelope.
 */
export function writeClientError(err: NodeJS.ErrnoException, socket: Duplex, requestId: string): void {
  // A reset connection has no one to answer (Node's own client-error behaviour).
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const mapped =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? new HttpError('RequestTimeout', 'the request did not arrive in time')
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? new HttpError('HeadersTooLarge', 'the request headers are too large')
        : badRequest('the request is not valid HTTP');
  const body = JSON.stringify({ error: { code: mapped.code, message: mapped.message, requestId } });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${mapped.status} ${STATUS_CODES[mapped.status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}
