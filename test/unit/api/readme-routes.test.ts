/**
 * The README's HTTP API table is the API: every route Fastify registers has a row and every row
 * a route, and each row's "who" column is what the API does at each route's door — a caller
 * with a listed role (or any operator, or anyone without a token) is admitted, every other role
 * is refused 403, checked by calling the route with a token of each role. Where the column
 * names what an approver may record ("`approver` for discovery, …"), an approver is admitted for
 * exactly those values and refused for the others.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OperatorDirectory, roles, type Role } from '../../../src/api/auth/operators';
import { LocalWormStore } from '../../../src/evidence/local-worm-store';
import { ANCHOR_EVENT_NAMES, ANCHOR_EVENTS } from '../../../src/regulatory/anchors';
import { createApiMetrics } from '../../../src/observability/metrics';
import { builtInRunbooksDir, RunbookLibrary } from '../../../src/runbooks/runbook-library';
import type { NotificationService } from '../../../src/temporal/regulator-notification-service';
import { registeredRoutes } from '../../helpers/route-table';
import { CLASSIFICATION_KINDS } from '../../../workflows/regulator-notification/classify';
import { testApi, type TestApi } from './test-api';

interface Row {
  method: string;
  paths: string[];
  who: string;
  roles: Role[] | 'anyone';
  approverFor?: string[];
}

/** The rows of the table under "## HTTP API": paths as Fastify spells them (`{id}` → `:id`), roles as listed. */
function readmeRows(): Row[] {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
  const section = readme.split(/^## /m).find((s) => s.startsWith('HTTP API'))!;
  const rows: Row[] = [];
  for (const line of section.split('\n')) {
    const cells = /^\| (GET|POST|PUT|PATCH|DELETE) \| ([^|]+) \| ([^|]+) \|/.exec(line);
    if (!cells) continue;
    const [, method, pathCell, who] = cells as unknown as [string, string, string, string];
    const paths = [...pathCell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!.replace(/\{(\w+)\}/g, ':$1'));
    const listed = [...who.matchAll(/`([\w-]+)`/g)].map((m) => m[1]!).filter((r): r is Role => (roles as readonly string[]).includes(r));
    const kind: Row['roles'] = who.startsWith('anyone')
      ? 'anyone'
      : who.startsWith('any operator')
        ? [...roles]
        : who.trim() === 'same'
          ? rows[rows.length - 1]!.roles
          : listed;
    const approverFor = /`approver` for ([^|]+)$/
      .exec(who.trim())?.[1]!
      .split(',')
      .map((v) => v.trim());
    rows.push({ method, paths, who: who.trim(), roles: kind, ...(approverFor ? { approverFor } : {}) });
  }
  return rows;
}

const tokenOf = (role: Role) => `${role}-token-0123456789abcdef`;
let api: TestApi;
let storeDir: string;

beforeAll(async () => {
  const operators = new OperatorDirectory();
  for (const role of roles) operators.addToken({ name: `${role}-person`, roles: [role] }, tokenOf(role));
  storeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-readme-routes-'));
  const notifications = new Proxy({}, { get: (_t, name) => (name === 'then' ? undefined : async () => ({})) }) as NotificationService;
  api = await testApi(
    {},
    {
      operators,
      notifications,
      evidence: new LocalWormStore(storeDir),
      runbooks: RunbookLibrary.load([{ dir: builtInRunbooksDir, origin: 'built-in' }]),
      metrics: createApiMetrics(async () => ({ incidentsByPhase: {}, approvalsPending: 0, clocksByUrgency: {} }) as never),
    },
  );
});
afterAll(async () => {
  await api.app.close();
  fs.rmSync(storeDir, { recursive: true, force: true });
});

test('every registered route has a row in the README table, and every row is a route', () => {
  const registered = registeredRoutes(api.app)
    .filter((r) => r.method !== 'HEAD')
    .map((r) => `${r.method} ${r.path}`)
    .sort();
  const documented = readmeRows()
    .flatMap((row) => row.paths.map((p) => `${row.method} ${p}`))
    .sort();
  expect(documented).toEqual(registered);
});

/** A request that reaches the route's door: parameters that fail validation, so an admitted caller gets a 4xx from the route, never an action. */
async function call(method: string, route: string, token: string | undefined) {
  const url = route.replace(':source', 'generic').replace(/:\w+/g, 'x');
  return api.app.inject({
    method: method as 'GET',
    url,
    payload: method === 'POST' ? '{}' : undefined,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });
}

test.each(readmeRows().flatMap((row) => row.paths.map((p) => [`${row.method} ${p}`, row] as const)))(
  '%s admits exactly who the README says',
  async (name, row) => {
    const route = name.slice(row.method.length + 1);
    const refused: string[] = [];
    for (const role of roles) {
      const res = await call(row.method, route, tokenOf(role));
      if (res.statusCode === 401 || res.statusCode === 403) refused.push(role);
    }
    const admitted = row.roles === 'anyone' ? [...roles] : row.roles;
    expect({ who: row.who, refused }).toEqual({ who: row.who, refused: roles.filter((r) => !admitted.includes(r)) });
    const anonymous = (await call(row.method, route, undefined)).statusCode;
    if (row.roles === 'anyone') expect(anonymous).not.toBe(401);
    else expect(anonymous).toBe(401);
  },
);

/** The routes whose body decides whether an approver may act: the field, and every value it accepts. */
const approverChoices: Record<string, { field: string; values: readonly string[] }> = {
  '/v1/incidents/:id/notification/events': { field: 'anchor', values: ANCHOR_EVENT_NAMES.filter((a) => ANCHOR_EVENTS[a].recordable) },
  '/v1/incidents/:id/notification/classifications': { field: 'kind', values: CLASSIFICATION_KINDS },
};

test.each(
  readmeRows()
    .filter((row) => row.approverFor)
    .flatMap((row) => row.paths.map((p) => [p, row.approverFor!] as const)),
)('%s admits an approver for exactly what the README lists', async (route, listed) => {
  const choice = approverChoices[route];
  expect(choice).toBeDefined();
  const url = route.replace(':id', 'inc-123456789012-eu-west-1-i-0123456789abcdef0');
  const admitted: string[] = [];
  for (const value of choice!.values) {
    const res = await api.app.inject({
      method: 'POST',
      url,
      payload: { [choice!.field]: value, at: '2026-01-01T00:00:00Z', reason: 'recorded for the README check' },
      headers: { authorization: `Bearer ${tokenOf('approver')}` },
    });
    expect([400, 401]).not.toContain(res.statusCode);
    if (res.statusCode !== 403) admitted.push(value);
  }
  expect(admitted.sort()).toEqual([...listed].sort());
});
