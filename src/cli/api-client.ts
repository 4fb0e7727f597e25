/**
 * The CLI's HTTP client for Cordon's API: bearer token, JSON, errors as one-line reasons, and
 * the CLI's exit codes, derived from the HTTP answer in one place (documented in `--help`).
 */

export class ApiError extends Error {
  constructor(readonly status: number, message: string) { super(message); }
}

/** Process exit codes of every API-backed command. */
export const ExitCode = {
  ok: 0,
  /** The server failed (5xx) or answered something unexpected. */
  failed: 1,
  /** Bad usage, configuration or request (400/422). */
  usage: 2,
  /** No such incident or resource (404). */
  notFound: 3,
  /** Refused by policy: role, four-eyes, same person twice, step not awaiting approval (403/409). */
  refused: 4,
  /** The token was not accepted (401). */
  unauthorized: 5,
  /** The API could not be reached. */
  unreachable: 6,
} as const;

export const exitCodeHelp = [
  'Exit codes:',
  '  0  done',
  '  1  the server failed or answered unexpectedly',
  '  2  bad usage, configuration or request',
  '  3  not found',
  '  4  refused by policy (role, four-eyes, same approver twice, step not awaiting approval)',
  '  5  token not accepted',
  '  6  API unreachable',
].join('\n');

export function exitCodeFor(err: unknown): number {
  if (!(err instanceof ApiError)) return ExitCode.usage;
  if (err.status === 0) return ExitCode.unreachable;
  if (err.status === 401) return ExitCode.unauthorized;
  if (err.status === 403 || err.status === 409) return ExitCode.refused;
  if (err.status === 404) return ExitCode.notFound;
  if (err.status === 400 || err.status === 422) return ExitCode.usage;
  return ExitCode.failed;
}

export class CordonApi {
  constructor(private readonly baseUrl: string, private readonly token: string) {}

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
    } catch (err) {
      throw new ApiError(0, `cannot reach Cordon at ${this.baseUrl} (${(err as Error).message}); is \`npm start\` running?`);
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? (JSON.parse(text) as unknown) : undefined;
    } catch {
      throw new ApiError(res.ok ? 502 : res.status, `HTTP ${res.status}: the answer is not JSON (${text.slice(0, 80)})`);
    }
    if (!res.ok) {
      const error = (json as { error?: { message?: string; issues?: { path: string; message: string }[] } } | undefined)?.error;
      const issues = error?.issues?.map((i) => `${i.path}: ${i.message}`).join('; ');
      throw new ApiError(res.status, `HTTP ${res.status}: ${error?.message ?? res.statusText}${issues ? ` (${issues})` : ''}`);
    }
    return json as T;
  }

  /**
   * GET for optional sections (evidence, clocks): undefined when there is nothing (404) or the
   * caller's role may not read it (403, e.g. evidence is for auditor/dpo/responder), so `show`
   * prints what this operator may see instead of failing.
   */
  async optional<T>(path: string): Promise<T | undefined> {
    try {
      return await this.request<T>('GET', path);
    } catch (err) {
      if (err instanceof ApiError && (err.status === 404 || err.status === 403 || err.status === 405)) return undefined;
      throw err;
    }
  }
}
