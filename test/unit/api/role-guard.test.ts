/**
 * The role guard: every route declares who may call it (`config.roles`) or that it is public,
 * or the API does not start; a declared route refuses callers without one of its roles (403,
 * admin always admitted) before it looks at what they sent.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { OperatorDirectory } from '../../../src/api/auth/operators';
import { AUDITOR_TOKEN, SENSOR_TOKEN, testApi } from './test-api';

const ADMIN_TOKEN = 'admin-token-0123456789abcdef';

/** buildApi with its /v1/me resource replaced by `routes` (a fresh module registry, so other tests keep the real one). */
async function buildWithMe(routes: (scope: FastifyInstance) => void): Promise<unknown> {
  return jest.isolateModulesAsync(async () => {
    jest.doMock('../../../src/api/routes/me', () => ({
      meRoutes: async (scope: FastifyInstance) => {
        routes(scope);
      },
    }));
    const fresh = await import('./test-api');
    const { app } = await fresh.testApi();
    await app.close();
  });
}

test.each<[string, (scope: FastifyInstance) => void, RegExp]>([
  ['no declaration', (s) => s.get('/me', async () => 'x'), /GET \/v1\/me must declare exactly one of config\.roles .* or config\.public/],
  ['an empty role list', (s) => s.post('/me', { config: { roles: [] } }, async () => 'x'), /POST \/v1\/me must declare/],
  [
    'roles and public both',
    (s) => s.get('/me', { config: { roles: ['auditor'], public: true } }, async () => 'x'),
    /GET \/v1\/me must declare exactly one/,
  ],
])('buildApi throws when a resource registers a route with %s', async (_name, routes, message) => {
  await expect(buildWithMe(routes)).rejects.toThrow(message);
});

test('buildApi with every route declared starts', async () => {
  await expect(buildWithMe((s) => s.get('/me', { config: { roles: ['auditor'] } }, async () => 'x'))).resolves.toBeUndefined();
});

test('a declared route admits its roles and admin, refuses the rest with its refusal, before reading the body', async () => {
  const operators = new OperatorDirectory();
  operators.addToken({ name: 'sensor', roles: ['alert-source'] }, SENSOR_TOKEN);
  operators.addToken({ name: 'audrey', roles: ['auditor'] }, AUDITOR_TOKEN);
  operators.addToken({ name: 'root', roles: ['admin'] }, ADMIN_TOKEN);
  const { app } = await testApi({}, { operators });
  void app.register(
    async (scope) => {
      const body = z.object({ a: z.number(), b: z.array(z.object({ c: z.string() })).optional() }).strict();
      scope.post(
        '/extra',
        { config: { roles: ['auditor'], refusal: 'may not use the extra route' }, schema: { body } },
        async (request) => ({ body: request.body }),
      );
    },
    { prefix: '/v1' },
  );
  await app.ready();
  const post = (token: string | undefined, payload = '{"a":1}') =>
    app.inject({
      method: 'POST',
      url: '/v1/extra',
      payload,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    });

  expect((await post(AUDITOR_TOKEN)).json()).toEqual({ body: { a: 1 } });
  expect((await post(ADMIN_TOKEN)).statusCode).toBe(200);
  const refused = await post(SENSOR_TOKEN);
  expect([refused.statusCode, refused.json().error.code, refused.json().error.message]).toEqual([
    403,
    'forbidden',
    'sensor may not use the extra route',
  ]);
  expect((await post(undefined)).statusCode).toBe(401);
  // A body that is not JSON is the parser's 400 before the guard, as for every route.
  expect((await post(SENSOR_TOKEN, '{"a":')).statusCode).toBe(400);
  // The schema is checked after the guard: 403 whatever a refused caller sends; the issue paths for an admitted one.
  const bad = '{"a":"one","b":[{"c":"x"},{"c":2}]}';
  expect((await post(SENSOR_TOKEN, bad)).statusCode).toBe(403);
  expect((await post(AUDITOR_TOKEN, bad)).json()).toEqual({
    error: {
      code: 'invalid_request',
      message: 'invalid body',
      requestId: expect.stringMatching(/^req_/),
      issues: [
        { path: 'a', message: expect.stringContaining('expected number') },
        { path: 'b[1].c', message: expect.stringContaining('expected string') },
      ],
    },
  });
  await app.close();
});
