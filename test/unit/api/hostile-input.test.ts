/**
 * Hostile input answers like any other bad input: a 4xx in the error envelope. Asset names
 * that are built-in object members, %-escapes that do not decode and over-long path segments
 * used to reach Fastify's defaults or a 500; each case here is one of those.
 */
import { testApi, type TestApi } from './test-api';

let api: TestApi;
beforeAll(async () => {
  api = await testApi();
});
afterAll(async () => {
  await api.app.close();
});

const envelope = { error: { code: expect.any(String), message: expect.any(String), requestId: expect.stringMatching(/^req_/) } };
/** The envelope with `code`, and nothing but code, message, requestId and (optionally) issues. */
function expectEnvelope(body: { error: Record<string, unknown> }, code: string): void {
  expect(body).toEqual({ error: expect.objectContaining({ ...envelope.error, code }) });
  expect(Object.keys(body.error).filter((k) => !['code', 'message', 'requestId', 'issues'].includes(k))).toEqual([]);
}

test.each(['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', '__defineGetter__'])(
  'GET /console/%s → 404 not_found in the envelope',
  async (name) => {
    const res = await api.app.inject({ method: 'GET', url: `/console/${name}` });
    expect(res.statusCode).toBe(404);
    expectEnvelope(res.json(), 'not_found');
  },
);

test('a real asset is still served', async () => {
  const res = await api.app.inject({ method: 'GET', url: '/console/console.css' });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toMatch(/text\/css/);
});

test.each<[string, 'GET' | 'POST', string, number, string]>([
  ['a %-escape that does not decode', 'GET', '/v1/incidents/%zz', 400, 'invalid_request'],
  ['a %-escape that does not decode', 'POST', '/v1/incidents/%zz/close', 400, 'invalid_request'],
  ['a lone % as alert source', 'POST', '/v1/alerts/%', 400, 'invalid_request'],
  ['a path segment of 101 characters', 'GET', `/v1/incidents/${'a'.repeat(101)}`, 414, 'uri_too_long'],
  ['a path segment of 101 characters', 'POST', `/v1/alerts/${'a'.repeat(101)}`, 414, 'uri_too_long'],
  ['an over-long console asset name', 'GET', `/console/${'x'.repeat(300)}`, 414, 'uri_too_long'],
])('%s: %s %s → %i %s in the envelope', async (_name, method, url, status, code) => {
  const res = await api.app.inject({
    method,
    url,
    payload: method === 'POST' ? '{}' : undefined,
    headers: { 'content-type': 'application/json' },
  });
  expect(res.statusCode).toBe(status);
  expectEnvelope(res.json(), code);
});

test('an unknown route is a 404 in the envelope', async () => {
  const res = await api.app.inject({ method: 'GET', url: '/nothing/here' });
  expect(res.statusCode).toBe(404);
  expectEnvelope(res.json(), 'not_found');
});
