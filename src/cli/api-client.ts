/**
 * The CLI's HTTP client for Cordon's API: bearer token, JSON, errors as one-line reasons, and
 * the CLI's exit codes, read from the failure catalogue (src/domain/errors.ts) by the envelope's
 * `code` (by the HTTP status when the answer has no known code), and listed in `--help`.
 */
import { ExitCode, exitCodeForStatus, exitCodeMeanings, failureCatalogue, failureTypeForCode, type ExitCodeName } from '../domain/errors';

export class ApiError extends Error {
  /** `status` 0: the API could not be reached; `code`: the error envelope's code, when it had one. */
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

export const exitCodeHelp = [
  'Exit codes:',
  ...(Object.keys(ExitCode) as ExitCodeName[]).map((name) => `  ${ExitCode[name]}  ${exitCodeMeanings[name]}`),
].join('\n');

export function exitCodeFor(err: unknown): number {
  if (!(err instanceof ApiError)) return ExitCode.usage;
  if (err.status === 0) return ExitCode.unreachable;
  const type = failureTypeForCode(err.code);
  return type ? ExitCode[failureCatalogue[type].exit] : exitCodeForStatus(err.status);
}

export class CordonApi {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

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
      const error = (json as { error?: { code?: string; message?: string; issues?: { path: string; message: string }[] } } | undefined)
        ?.error;
      const issues = error?.issues?.map((i) => `${i.path}: ${i.message}`).join('; ');
      throw new ApiError(res.status, `HTTP ${res.status}: ${error?.message ?? res.statusText}${issues ? ` (${issues})` : ''}`, error?.code);
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
