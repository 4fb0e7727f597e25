/**
 * Classifications end to end on the dev server, through the HTTP API: at a NIS2 essential entity
 * (an entity profile with its CSIRT), a real runbook against moto on an instance whose
 * data-classification tags say *no* personal data still starts the breach-notification workflow,
 * with only the NIS2 clocks, all waiting; an operator's classification "significant" (POST
 * /v1/incidents/:id/notification/classifications) starts them, from the awareness instant given
 * with it; refusals answer 400/403/409. `GET /v1/profile` and `cordon profile` show the profile.
 */
import { CreateTagsCommand } from '@aws-sdk/client-ec2';
import type { FastifyInstance } from 'fastify';
import { createActivities } from '../../activities';
import { OperatorDirectory, type Role } from '../../src/api/auth/operators';
import { buildApi } from '../../src/api/server';
import type { DemoFleet } from '../../src/local/demo-fleet';
import { profileFromShorthand, type EntityProfile } from '../../src/regulatory/profile';
import { NotificationService } from '../../src/temporal/regulator-notification-service';
import type { BreachView } from '../../workflows/regulator-notification/types';
import { runCordon } from '../helpers/cli';
import { autoPolicy, freshFleet, openIncident, runbookFinished, settled } from '../helpers/containment';
import { ACCOUNT, REGION, UNBOUNDED_FLEET, eventually, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
let fleet: DemoFleet;
let api: FastifyInstance;
const tokens: Record<string, string> = { alice: 'tok-alice-responder-0001', bob: 'tok-bob-approver-00001', dora: 'tok-dora-dpo-000000001' };
const roles: Record<string, Role[]> = { alice: ['responder'], bob: ['approver'], dora: ['dpo'] };
const profile: EntityProfile = {
  ...profileFromShorthand(['EU'], []),
  source: 'file',
  name: 'Example Grid Operator',
  memberStates: ['NL'],
  nis2: { entityClass: 'essential', trustServiceProvider: false },
  authorities: [{ regime: 'nis2', name: 'NCSC-NL', memberState: 'NL', timeZone: 'Europe/Amsterdam' }],
};

beforeAll(async () => {
  stack = await startStack({ worker: false });
  const settings = {
    jurisdictions: ['EU' as const],
    sectors: [],
    profile,
    reminderFractions: [0.5, 0.9],
    escalateAfterMinutes: 0,
    contacts: ['ciso@example.eu'],
    displayZone: 'Europe/Amsterdam',
  };
  await stack.startWorker({
    activities: createActivities({
      aws: stack.aws,
      config: { verifiedImageTag: 'cordon:verified', dataTagPrefix: 'data:', compromiseLookbackHours: 24 },
      breach: { settings },
      evidence: { store: stack.evidence, collector: 'classification-it-worker' },
      fleetGuard: { client: stack.client, taskQueue: stack.taskQueue, limits: UNBOUNDED_FLEET },
    }),
  });
  const operators = new OperatorDirectory();
  for (const [name, token] of Object.entries(tokens)) operators.addToken({ name, roles: roles[name]! }, token);
  api = await buildApi({
    incidents: stack.incidents,
    operators,
    notifications: new NotificationService(stack.client, profile),
    alerts: { defaults: { account: ACCOUNT, region: REGION } },
    ready: async () => true,
  });
  fleet = await freshFleet(stack);
}, 180_000);
afterAll(async () => {
  await api?.close();
  await stack?.teardown();
});

const call = (who: string, method: 'GET' | 'POST', url: string, payload?: unknown) =>
  api.inject({
    method,
    url,
    headers: { authorization: `Bearer ${tokens[who]}` },
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
type Body = BreachView & { incidentId: string };
const notification = async (id: string) => {
  const r = await call('alice', 'GET', `/v1/incidents/${id}/notification`);
  return r.statusCode === 200 ? (r.json() as Body) : undefined;
};

test('a non-personal-data incident at a NIS2 essential entity starts the NIS2 clocks once an operator classifies it significant', async () => {
  const instanceId = fleet.instanceIds[0]!;
  await stack.aws.ec2.send(new CreateTagsCommand({ Resources: [instanceId], Tags: [{ Key: 'data:personal', Value: 'false' }] }));
  const id = await openIncident(stack, instanceId, autoPolicy);
  const snap = await settled(stack, id, runbookFinished, 120_000);
  expect(snap.timeline.find((t) => t.kind === 'notification' && t.message.startsWith('breach assessment'))?.message).toBe(
    `breach assessment: no personal data; nis2 apply to the entity and wait for the incident's classification; notification clocks started as ${id}/breach`,
  );

  const before = await eventually(() => notification(id), 30_000, 'the breach workflow');
  expect(before.clocks).toEqual([]); // nothing runs before the classification, and no GDPR clock at all
  expect(before.record.obligations.every((o) => o.regime === 'nis2')).toBe(true);
  expect(before.awaiting.find((w) => w.obligationId === 'nis2.23.4.a')?.missing).toEqual(['nis2Awareness']);

  const route = `/v1/incidents/${id}/notification/classifications`;
  const firstAlert = snap.alerts[0]!.firstSeen;
  const classifiedAt = new Date().toISOString();
  // Aware of the significant incident between the first alert and the decision (not the first alert: the recorded instant governs).
  const awareAt = new Date(Math.floor((Date.parse(firstAlert) + Date.parse(classifiedAt)) / 2)).toISOString();
  const decision = {
    kind: 'nis2-significant',
    at: classifiedAt,
    awareAt,
    reason: 'substation telemetry lost for 40 minutes: severe operational disruption',
  };
  expect((await call('alice', 'POST', route, decision)).statusCode).toBe(403);
  const bad = await call('bob', 'POST', route, { kind: 'nis2-major', at: 'today', reason: '' });
  expect(bad.statusCode).toBe(400);
  expect(
    bad
      .json()
      .error.issues.map((i: { path: string }) => i.path)
      .sort(),
  ).toEqual(['at', 'kind', 'reason']);
  const notUsed = await call('dora', 'POST', route, { ...decision, kind: 'sec-material', awareAt: undefined });
  expect(notUsed.statusCode).toBe(409);
  expect(notUsed.json().error.message).toMatch(/no obligation of this breach depends on sec-material; classifiable here: nis2-significant/);

  const ok = await call('bob', 'POST', route, decision);
  expect(ok.statusCode).toBe(200);
  expect(ok.json()).toMatchObject({ kind: 'nis2-significant', outcome: 'yes', notRequired: [] });
  expect(ok.json().started).toEqual(expect.arrayContaining(['nis2.23.4.a', 'nis2.23.4.b', 'nis2.23.1']));

  const after = (await notification(id))!;
  const early = after.clocks.find((c) => c.obligationId === 'nis2.23.4.a');
  // NIS2 Art. 23(4)(a): 24 hours from becoming aware of the significant incident.
  expect(early).toMatchObject({
    state: 'open',
    startedAt: awareAt,
    dueAt: new Date(Date.parse(awareAt) + 24 * 3_600_000).toISOString(),
    conservative: false,
  });
  expect(early!.dueDisplay).toContain('Europe/Amsterdam');
  expect(after.clocks.find((c) => c.obligationId === 'nis2.23.4.b')).toMatchObject({
    state: 'open',
    dueAt: new Date(Date.parse(awareAt) + 72 * 3_600_000).toISOString(),
  });
  expect(after.record.classifications).toEqual([
    expect.objectContaining({ kind: 'nis2-significant', outcome: 'yes', by: 'bob', awareAt, reason: decision.reason }),
  ]);
  expect((await call('bob', 'POST', route, decision)).statusCode).toBe(409); // the same outcome twice

  const deadlines = await call('alice', 'GET', '/v1/deadlines');
  expect(deadlines.json().deadlines).toContainEqual(
    expect.objectContaining({ incidentId: id, obligationId: 'nis2.23.4.a', state: 'open' }),
  );

  // Reclassified through the CLI: not significant after all → the NIS2 clocks are not required, with the reasoning, and the breach closes.
  const baseUrl = await api.listen({ host: '127.0.0.1', port: 0 });
  const cordon = (who: string, args: string[]) => runCordon(['--api', baseUrl, '--token', tokens[who]!, ...args]);
  const clocks = await cordon('alice', ['clocks', id]);
  expect(clocks.stdout).toMatch(/^nis2\.23\.4\.a\s+csirt\s+open/m);
  expect(clocks.stdout).toContain('nis2.23.4.a: open question — Whether the entity "becomes aware of the significant incident"');
  expect(clocks.stdout).toMatch(/^ {2}nis2-significant: yes at .* by bob — substation telemetry/m);
  const no = await cordon('bob', [
    'classify',
    id,
    'nis2-significant',
    '--no-classified',
    '--at',
    new Date().toISOString(),
    '--reason',
    'telemetry loss was a monitoring fault, no service impact',
  ]);
  expect(no).toMatchObject({ code: 0, stderr: '' });
  expect(no.stdout).toMatch(/^nis2-significant: no recorded; not required: .*nis2\.23\.4\.a/m);
  const result = await stack.client.workflow.getHandle(`${id}/breach`).result();
  expect(result.status).toBe('closed');
  expect(result.register?.entry.notificationDecisionReason).toContain('classified nis2-significant: no by bob');
}, 180_000);

test('GET /v1/profile (any operator) and `cordon profile` show the entity profile and what it makes apply', async () => {
  const r = await call('alice', 'GET', '/v1/profile');
  expect(r.statusCode).toBe(200);
  // The GDPR authority is not in this profile: the default it implies is stated, not applied silently.
  expect(r.json()).toMatchObject({
    profile: { name: 'Example Grid Operator', nis2: { entityClass: 'essential' } },
    assumptions: [expect.stringMatching(/^GDPR supervisory authority not configured/)],
  });
  expect(r.json().regimes.map((x: { regime: string; needsPersonalData: boolean }) => [x.regime, x.needsPersonalData])).toEqual([
    ['gdpr', true],
    ['nis2', false],
  ]);
  expect((await api.inject({ method: 'GET', url: '/v1/profile' })).statusCode).toBe(401);
  const baseUrl = api.server.listening
    ? `http://127.0.0.1:${(api.server.address() as { port: number }).port}`
    : await api.listen({ host: '127.0.0.1', port: 0 });
  const cli = await runCordon(['--api', baseUrl, '--token', tokens.alice!, 'profile']);
  expect(cli).toMatchObject({ code: 0, stderr: '' });
  expect(cli.stdout).toMatch(/^NIS2\s+essential entity$/m);
  expect(cli.stdout).toMatch(/^nis2\s+NCSC-NL\s+NL\s+Europe\/Amsterdam/m);
}, 60_000);
