/**
 * The failure catalogue is total and consistent, and what is derived from it agrees with it:
 * every type has its retryability, HTTP answer, exit code and meaning; the activity profiles'
 * non-retryable types are the catalogue's; every HTTP error the API builds (helpers, update
 * failures, Fastify's and Node's own refusals) carries a catalogue status and code; the CLI's
 * exit codes are one per meaning and map the API's envelope code (or, without one, its status).
 */
import { STATUS_CODES } from 'node:http';
import { PassThrough } from 'node:stream';
import {
  badGateway,
  badRequest,
  conflict,
  forbidden,
  fromFailureType,
  fromFastifyError,
  notFound,
  rateLimited,
  unauthorized,
  unavailable,
  unprocessable,
  writeClientError,
  type HttpError,
} from '../../../src/api/errors';
import { ApiError, exitCodeFor, exitCodeHelp } from '../../../src/cli/api-client';
import {
  ErrorType,
  ExitCode,
  exitCodeMeanings,
  failureCatalogue,
  failureTypes,
  nonRetryableErrorTypes,
  type ExitCodeName,
  type FailureEntry,
  type FailureType,
} from '../../../src/domain/errors';
import { profiles } from '../../../workflows/activity-profiles';

const entries = failureTypes.map((type) => [type, failureCatalogue[type] as FailureEntry] as const);
const pairs = new Set(entries.map(([, e]) => `${e.http.status} ${e.http.code}`));
const exitNames = Object.keys(ExitCode) as ExitCodeName[];

test.each(entries)('%s has a retryability, an HTTP status and code, an exit code and a one-line meaning', (type, e) => {
  expect(ErrorType[type]).toBe(type);
  expect(typeof e.retryable).toBe('boolean');
  expect(STATUS_CODES[e.http.status]).toBeDefined();
  expect(e.http.status).toBeGreaterThanOrEqual(400);
  expect(e.http.code).toMatch(/^[a-z]+(_[a-z]+)*$/);
  expect(exitNames).toContain(e.exit);
  expect(e.exit).not.toBe('ok');
  expect(e.from.length).toBeGreaterThan(0);
  expect(e.meaning).toMatch(/^[^\n]{10,200}$/);
});

test('each envelope code names one failure type, and types that share a status share the exit code', () => {
  const codes = entries.map(([, e]) => e.http.code);
  expect(new Set(codes).size).toBe(codes.length);
  const exitsByStatus = new Map<number, Set<string>>();
  for (const [, e] of entries) exitsByStatus.set(e.http.status, (exitsByStatus.get(e.http.status) ?? new Set()).add(e.exit));
  expect([...exitsByStatus].filter(([, exits]) => exits.size > 1)).toEqual([]);
});

test("every activity profile's non-retryable types are exactly the catalogue's permanent activity failures", () => {
  const permanent = entries.filter(([, e]) => e.from.includes('activity') && !e.retryable).map(([type]) => type);
  expect([...nonRetryableErrorTypes].sort()).toEqual([...permanent].sort());
  expect(permanent).toEqual(
    expect.arrayContaining(['TargetNotFound', 'AwsPermanent', 'AwsUnauthorized', 'EvidenceConflict', 'WebhookRejected', 'EmailRejected']),
  );
  for (const [name, profile] of Object.entries(profiles)) {
    expect({ name, types: [...(profile.retry.nonRetryableErrorTypes ?? [])].sort() }).toEqual({ name, types: [...permanent].sort() });
  }
});

const answer = (e: HttpError) => `${e.status} ${e.code}`;

test('an update failure of any catalogue type is answered with its status and code; other types are not mapped', () => {
  for (const [type, e] of entries) {
    const mapped = fromFailureType(type, 'why');
    expect({ type, status: mapped?.status, code: mapped?.code, message: mapped?.message }).toEqual({
      type,
      status: e.http.status,
      code: e.http.code,
      message: 'why',
    });
  }
  expect(fromFailureType('SomethingElse', 'x')).toBeUndefined();
  expect(fromFailureType(undefined, 'x')).toBeUndefined();
});

test("the API's helpers and its mapping of Fastify's and Node's refusals use only catalogue answers", () => {
  const helpers = [
    badRequest('m'),
    unauthorized(),
    forbidden('m'),
    notFound('m'),
    conflict('m'),
    unprocessable('m'),
    rateLimited('m'),
    badGateway('m'),
    unavailable('m'),
  ];
  const fastify = [
    ...[
      'FST_ERR_BAD_URL',
      'FST_ERR_MAX_PARAM_LENGTH',
      'FST_ERR_CTP_EMPTY_JSON_BODY',
      'FST_ERR_CTP_INVALID_JSON_BODY',
      'FST_ERR_CTP_INVALID_CONTENT_LENGTH',
    ].map((code) => fromFastifyError({ code, message: 'm' })),
    ...Array.from({ length: 200 }, (_, i) => fromFastifyError({ code: 'FST_ERR_OTHER', message: 'm', statusCode: 400 + i })),
    fromFastifyError({ code: 'FST_ERR_OTHER', message: 'm' }),
  ];
  for (const e of [...helpers, ...fastify]) expect(pairs).toContain(answer(e));

  for (const code of ['ERR_HTTP_REQUEST_TIMEOUT', 'HPE_HEADER_OVERFLOW', 'HPE_INVALID_METHOD']) {
    const socket = new PassThrough();
    let written = '';
    socket.write = ((chunk: string) => {
      written += chunk;
      return true;
    }) as typeof socket.write;
    socket.on('error', () => undefined); // writeClientError destroys the socket with the parser's error
    writeClientError(Object.assign(new Error('m'), { code }), socket, 'req-1');
    const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(written)?.[1]);
    const body = JSON.parse(written.slice(written.indexOf('\r\n\r\n') + 4)) as { error: { code: string } };
    expect(pairs).toContain(`${status} ${body.error.code}`);
  }
});

test('exit codes: one number per meaning, every one listed in --help', () => {
  const numbers = exitNames.map((n) => ExitCode[n]);
  expect(new Set(numbers).size).toBe(numbers.length);
  const meanings = exitNames.map((n) => exitCodeMeanings[n]);
  expect(new Set(meanings).size).toBe(meanings.length);
  for (const n of exitNames) expect(exitCodeHelp).toContain(`  ${ExitCode[n]}  ${exitCodeMeanings[n]}`);
});

test("the CLI's exit code is the catalogue's for the envelope code, by status without a known code", () => {
  for (const [type, e] of entries) {
    expect({ type, exit: exitCodeFor(new ApiError(e.http.status, 'm', e.http.code)) }).toEqual({ type, exit: ExitCode[e.exit] });
  }
  const byStatus: [number, string | undefined, number][] = [
    [409, undefined, ExitCode.refused],
    [403, 'a_code_from_a_newer_server', ExitCode.refused],
    [404, undefined, ExitCode.notFound],
    [400, undefined, ExitCode.usage],
    [413, undefined, ExitCode.usage],
    [401, undefined, ExitCode.unauthorized],
    [502, undefined, ExitCode.failed],
    [418, undefined, ExitCode.failed],
    [0, undefined, ExitCode.unreachable],
  ];
  expect(byStatus.map(([status, code]) => exitCodeFor(new ApiError(status, 'm', code)))).toEqual(byStatus.map(([, , exit]) => exit));
  expect(exitCodeFor(new Error('no API token'))).toBe(ExitCode.usage);
});

test('the gate refusals are catalogue members answered as before: 409 for the step, 403 for the person, 400 for the reason', () => {
  const gate: FailureType[] = [
    'UnknownStep',
    'StepNotAwaitingApproval',
    'RoleNotAllowed',
    'SameApprover',
    'SelfApproval',
    'ReasonRequired',
  ];
  expect(gate.map((t) => [t, failureCatalogue[t].http.status, failureCatalogue[t].exit])).toEqual([
    ['UnknownStep', 409, 'refused'],
    ['StepNotAwaitingApproval', 409, 'refused'],
    ['RoleNotAllowed', 403, 'refused'],
    ['SameApprover', 403, 'refused'],
    ['SelfApproval', 403, 'refused'],
    ['ReasonRequired', 400, 'usage'],
  ]);
});
