/**
 * Conditional GET on the API's reads (what the console's live polling relies on): a read
 * carries an ETag, the same read with If-None-Match answers 304 without a body until the
 * incident changes, a wrong or missing token still gets 401 (never a 304), and writes are
 * untouched.
 */
import type { FastifyInstance } from 'fastify';
import { OperatorDirectory } from '../../../src/api/auth/operators';
import { noneMatchHits } from '../../../src/api/routes/conditional-get';
import { buildApi } from '../../../src/api/server';
import type { IncidentSnapshot } from '../../../src/domain/incident';
import type { IncidentService } from '../../../src/temporal/incident-service';

const id = 'inc-123456789012-eu-west-1-i-0123456789abcdef0';
const TOKEN = 'responder-token-0123456789abcdef';
let snapshot: Pick<IncidentSnapshot, 'incidentId' | 'phase'> = { incidentId: id, phase: 'containing' };
let app: FastifyInstance;

beforeAll(async () => {
  const operators = new OperatorDirectory();
  operators.addToken({ name: 'alice', roles: ['responder'] }, TOKEN);
  const incidents = { get: async () => snapshot, list: async () => [] } as unknown as IncidentService;
  app = await buildApi({
    incidents,
    operators,
    ready: async () => true,
    alerts: { defaults: { account: '123456789012', region: 'eu-west-1' } },
  });
});
afterAll(async () => {
  await app.close();
});

const read = (headers: Record<string, string> = {}) =>
  app.inject({ method: 'GET', url: `/v1/incidents/${id}`, headers: { authorization: `Bearer ${TOKEN}`, ...headers } });

test('a read carries an ETag; the same read with If-None-Match is 304 with no body until the incident changes', async () => {
  const first = await read();
  expect(first.statusCode).toBe(200);
  const etag = first.headers.etag as string;
  expect(etag).toMatch(/^"[\w-]{32}"$/);
  expect(first.headers['cache-control']).toBe('private, no-cache');

  const same = await read({ 'if-none-match': etag });
  expect(same.statusCode).toBe(304);
  expect(same.body).toBe('');
  expect(same.headers.etag).toBe(etag);

  snapshot = { incidentId: id, phase: 'contained' };
  const changed = await read({ 'if-none-match': etag });
  expect(changed.statusCode).toBe(200);
  expect(changed.json()).toMatchObject({ phase: 'contained' });
  expect(changed.headers.etag).not.toBe(etag);
});

test('without a valid token the answer is 401 whatever If-None-Match says', async () => {
  const etag = (await read()).headers.etag as string;
  const res = await app.inject({
    method: 'GET',
    url: `/v1/incidents/${id}`,
    headers: { authorization: 'Bearer wrong', 'if-none-match': etag },
  });
  expect(res.statusCode).toBe(401);
  expect(res.headers.etag).toBeUndefined();
});

test.each([
  ['"abc"', '"abc"', true],
  ['W/"abc"', '"abc"', true],
  ['"x", "abc"', '"abc"', true],
  ['*', '"abc"', true],
  ['"abd"', '"abc"', false],
  [undefined, '"abc"', false],
])('If-None-Match %p against %p → %p', (header, etag, hit) => {
  expect(noneMatchHits(header, etag)).toBe(hit);
});
