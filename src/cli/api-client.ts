/** The CLI's HTTP client for Cordon's API: bearer token, JSON, errors as one-line reasons. */

export class ApiError extends Error {
  constructor(readonly status: number, message: string) { super(message); }
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
    const json = text ? (JSON.parse(text) as unknown) : undefined;
    if (!res.ok) {
      const error = (json as { error?: { message?: string; issues?: { path: string; message: string }[] } } | undefined)?.error;
      const issues = error?.issues?.map((i) => `${i.path}: ${i.message}`).join('; ');
      throw new ApiError(res.status, `HTTP ${res.status}: ${error?.message ?? res.statusText}${issues ? ` (${issues})` : ''}`);
    }
    return json as T;
  }
}
