/**
 * Breach notification end to end on the dev server: a real runbook against moto starts the
 * breach workflow at its breach-assessment point (the demo fleet is tagged personal data); the
 * draft read over HTTP carries every Art. 33(3) item, with measures taken at the timeline's
 * times; the DPO's decisions go through the API to the workflow's update validators (a late
 * submission without reasons is refused; "not required" needs the dpo role and reasoning); the
 * register entry lands in the evidence store when every clock is resolved. Anchor events and
 * risk assessments go through HTTP and the `cordon` CLI: waiting clocks start when their anchor
 * is recorded, Art. 34 follows the risk, and refusals answer 400/403/409.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { artifactKey, findArtifact } from '../../src/evidence/manifest';
import path from 'node:path';
import { createActivities } from '../../activities';
import { OperatorDirectory, type Role } from '../../src/api/auth/operators';
import { buildApi } from '../../src/api/server';
import type { IncidentSnapshot } from '../../src/domain/incident';
import type { DemoFleet } from '../../src/local/demo-fleet';
import { computeDue } from '../../src/regulatory/deadlines';
import { NotificationService } from '../../src/temporal/regulator-notification-service';
import type { BreachNotificationInput } from '../../workflows/definitions';
import type { BreachView, DraftView } from '../../workflows/regulator-notification/types';
import { runCordon, type CliRun } from '../helpers/cli';
import { approverGate, autoPolicy, freshFleet, openIncident, runbookFinished, settled } from '../helpers/containment';
import { ACCOUNT, REGION, UNBOUNDED_FLEET, eventually, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
let fleet: DemoFleet;
let api: FastifyInstance;
let evidenceDir: string;
const tokens: Record<string, string> = {
  alice: 'tok-alice-responder-0001',
  bob: 'tok-bob-approver-00001',
  dora: 'tok-dora-dpo-000000001',
  admin: 'tok-admin-0000000000001',
};
const roles: Record<string, Role[]> = { alice: ['responder'], bob: ['approver'], dora: ['dpo'], admin: ['admin'] };
const dpo = { name: 'Dana Data-Protection', email: 'dpo@example.eu', phone: '+32 2 000 00 00' };

beforeAll(async () => {
  stack = await startStack({ worker: false });
  evidenceDir = path.join(stack.dir, 'evidence');
  const settings = {
    jurisdictions: ['EU' as const],
    sectors: [],
    reminderFractions: [0.5, 0.75, 0.9],
    escalateAfterMinutes: 0,
    contacts: ['dpo@example.eu', 'ciso@example.eu'],
    dpo,
    controllerName: 'Example Shop SA',
    supervisoryAuthority: 'Autorité de protection des données (BE)',
    displayZone: 'Europe/Brussels',
  };
  await stack.startWorker({
    activities: createActivities({
      aws: stack.aws,
      config: { verifiedImageTag: 'cordon:verified', dataTagPrefix: 'data:', compromiseLookbackHours: 24 },
      breach: { settings },
      evidence: { store: stack.evidence, collector: 'breach-it-worker' },
      fleetGuard: { client: stack.client, taskQueue: stack.taskQueue, limits: UNBOUNDED_FLEET },
    }),
  });
  const operators = new OperatorDirectory();
  for (const [name, token] of Object.entries(tokens)) operators.addToken({ name, roles: roles[name]! }, token);
  api = await buildApi({
    incidents: stack.incidents,
    operators,
    notifications: new NotificationService(stack.client),
    alerts: { defaults: { account: ACCOUNT, region: REGION } },
    ready: async () => true,
  });
  fleet = await freshFleet(stack);
}, 180_000);
afterAll(async () => {
  await api?.close();
  await stack?.teardown();
});

type NotificationBody = BreachView & { incidentId: string; draft: DraftView };
const call = (who: string, method: 'GET' | 'POST', url: string, payload?: unknown) =>
  api.inject({
    method,
    url,
    headers: { authorization: `Bearer ${tokens[who]}` },
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
const notification = async (id: string) => {
  const r = await call('alice', 'GET', `/v1/incidents/${id}/notification`);
  return r.statusCode === 200 ? (r.json() as NotificationBody) : undefined;
};

/** The time the timeline says a step finished (its `done` transition). */
const doneAt = (s: IncidentSnapshot, step: string) =>
  s.timeline.find((t) => t.kind === 'step' && t.step === step && t.message.includes(': done'))?.at;

test("a real runbook run produces a draft with every Art. 33(3) item and measures taken at the timeline's times", async () => {
  const id = await openIncident(stack, fleet.instanceIds[0]!, autoPolicy);
  const snap = await settled(stack, id, runbookFinished, 120_000);
  expect(snap.timeline.some((t) => t.kind === 'notification' && t.message.includes(`${id}/breach`))).toBe(true);
  const n = await eventually(
    async () => {
      const body = await notification(id);
      return body?.draft.art33.measures.taken.some((m) => m.step === 'verify-replacement') ? body : undefined;
    },
    30_000,
    'the draft to include the replacement',
  );
  const d = n.draft.art33;

  // 33(3)(a) nature, categories and approximate numbers (estimates, from the classification tags).
  expect(d.nature.citation).toBe('GDPR Art. 33(3)(a)');
  expect(d.nature.summary).toContain(fleet.instanceIds[0]);
  expect(d.nature.dataSubjects).toEqual({
    categories: ['customers'],
    approximateNumber: expect.objectContaining({ value: 25000, estimate: true }),
  });
  expect(d.nature.records.categories).toEqual(['contact details', 'order history', 'payment references']);
  expect(d.nature.records.approximateNumber).toMatchObject({ value: 120000, estimate: true });
  // 33(3)(b) contact point from config; (c) likely consequences; (d) measures taken and proposed.
  expect(d.contactPoint).toEqual({ citation: 'GDPR Art. 33(3)(b)', ...dpo });
  expect(d.likelyConsequences.citation).toBe('GDPR Art. 33(3)(c)');
  expect(d.likelyConsequences.items.length).toBeGreaterThan(0);
  expect(d.measures.citation).toBe('GDPR Art. 33(3)(d)');
  expect(d.measures.proposed.length).toBeGreaterThan(0);
  for (const step of ['protect-evidence', 'snapshot-volumes', 'isolate', 'cut-credentials', 'tag-quarantined', 'verify-replacement']) {
    const m = d.measures.taken.find((x) => x.step === step);
    expect({ step, at: m?.at }).toEqual({ step, at: doneAt(snap, step) });
  }
  expect(d.measures.taken.find((m) => m.step === 'snapshot-volumes')?.detail).toMatch(/^Evidence sealed/);
  // Awareness not recorded: the clock runs from the first alert, and the draft says so.
  expect(d.clock).toMatchObject({ conservative: true, basis: 'first-alert', awareAt: snap.alerts[0]!.firstSeen });
  expect(d.needsHuman.some((h) => h.startsWith('clock.awareAt'))).toBe(true);
  expect(n.draft.markdown).toContain('runs conservatively from the first alert');
  expect(n.draft.markdown).toContain('Measures taken or proposed');
  expect(n.draft.html).toContain('<');
  expect(n.clocks.find((c) => c.obligationId === 'gdpr.33.1')).toMatchObject({ state: 'open', conservative: true });

  const deadlines = await call('alice', 'GET', '/v1/deadlines');
  expect(deadlines.statusCode).toBe(200);
  expect(deadlines.json().deadlines).toContainEqual(expect.objectContaining({ incidentId: id, obligationId: 'gdpr.33.1', state: 'open' }));
}, 180_000);

test('a late submission without reasons for the delay is refused; with them it is recorded as late', async () => {
  const id = await openIncident(stack, fleet.instanceIds[1]!, { ...autoPolicy, replace: approverGate });
  await eventually(() => notification(id), 60_000, 'the breach workflow');
  const awareAt = new Date(Date.now() - 80 * 3_600_000).toISOString();

  expect((await call('alice', 'POST', `/v1/incidents/${id}/notification/awareness`, { awareAt, reason: 'x' })).statusCode).toBe(403);
  const bad = await call('bob', 'POST', `/v1/incidents/${id}/notification/awareness`, { awareAt: 'yesterday', reason: '' });
  expect(bad.statusCode).toBe(400);
  expect(
    bad
      .json()
      .error.issues.map((i: { path: string }) => i.path)
      .sort(),
  ).toEqual(['awareAt', 'reason']);
  const aware = await call('bob', 'POST', `/v1/incidents/${id}/notification/awareness`, {
    awareAt,
    reason: 'forensic triage confirmed customer records were readable from the instance',
  });
  expect(aware.statusCode).toBe(200);

  expect(
    (await call('bob', 'POST', `/v1/incidents/${id}/notification/submissions`, { obligationId: 'gdpr.33.1', reference: 'APD-1' }))
      .statusCode,
  ).toBe(403);
  const late = await call('dora', 'POST', `/v1/incidents/${id}/notification/submissions`, {
    obligationId: 'gdpr.33.1',
    reference: 'APD-2026-17',
  });
  expect(late.statusCode).toBe(400);
  expect(late.json().error.message).toMatch(/reasons for the delay/);
  const before = await notification(id);
  expect(before!.record.submissions).toEqual([]);
  expect(before!.clocks.find((c) => c.obligationId === 'gdpr.33.1')).toMatchObject({ state: 'overdue', conservative: false });

  const ok = await call('dora', 'POST', `/v1/incidents/${id}/notification/submissions`, {
    obligationId: 'gdpr.33.1',
    reference: 'APD-2026-17',
    reasonsForDelay: 'the affected tables were only identified after the disk image was analysed',
  });
  expect(ok.statusCode).toBe(200);
  expect(ok.json()).toMatchObject({ obligationId: 'gdpr.33.1', state: 'late' });
  const after = await notification(id);
  expect(after!.record.submissions[0]).toMatchObject({ obligationId: 'gdpr.33.1', reference: 'APD-2026-17', by: 'dora', phase: 'initial' });
  expect(after!.draft.art33.reasonsForDelay).toMatchObject({ required: true, text: expect.stringContaining('disk image') });
}, 120_000);

test('"not required" needs the dpo role and reasoning, is recorded, and the register entry is written to the evidence store', async () => {
  const id = await openIncident(stack, fleet.instanceIds[2]!, { ...autoPolicy, replace: approverGate });
  await eventually(() => notification(id), 60_000, 'the breach workflow');
  const reasoning =
    'Disk encrypted with a key held outside the instance; no evidence of data access in the logs, so unlikely to result in a risk.';

  expect((await call('bob', 'POST', `/v1/incidents/${id}/notification/not-required`, { reasoning })).statusCode).toBe(403);
  const short = await call('dora', 'POST', `/v1/incidents/${id}/notification/not-required`, { reasoning: 'fine' });
  expect(short.statusCode).toBe(400);
  expect(short.json().error.issues[0].path).toBe('reasoning');
  // The workflow's own validator refuses the role too, whoever calls it.
  const direct = new NotificationService(stack.client).declareNotRequired(id, {
    reasoning,
    risk: 'unlikely',
    operator: { name: 'bob', roles: ['approver'] },
  });
  await expect(direct).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
  await expect(direct).rejects.toMatchObject({ cause: { type: 'Forbidden' } });

  const ok = await call('dora', 'POST', `/v1/incidents/${id}/notification/not-required`, { reasoning, risk: 'unlikely' });
  expect(ok.statusCode).toBe(200);
  expect(ok.json().obligationIds).toEqual(expect.arrayContaining(['gdpr.33.1']));

  const result = await stack.client.workflow.getHandle(`${id}/breach`).result();
  expect(result.status).toBe('closed');
  expect(result.notRequired[0]).toMatchObject({ by: 'dora', reasoning, risk: 'unlikely' });
  // The register entry is an artifact like any other: named in the manifest, its bytes at their content address.
  const listed = (await findArtifact(stack.evidence, id, 'breach-register/entry.json'))!;
  expect(listed).toMatchObject({ source: 'cordon:breach-register', mediaType: 'application/json' });
  const file = path.join(evidenceDir, artifactKey(id, listed));
  const register = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    entries: { notifiedSupervisoryAuthority: boolean; notificationDecisionReason: string }[];
  };
  expect(register.entries[0]).toMatchObject({ notifiedSupervisoryAuthority: false });
  expect(register.entries[0]!.notificationDecisionReason).toContain(reasoning);
  expect(result.register?.location).toBe(listed.location);
}, 120_000);

const HOUR = 3_600_000;
const iso = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();

/** A breach workflow started directly (an EU financial entity that is an SEC registrant), so DORA and SEC clocks wait for anchors. */
async function startFinancialBreach(): Promise<string> {
  const instanceId = `i-${crypto.randomBytes(8).toString('hex')}`;
  const id = `inc-${ACCOUNT}-${REGION}-${instanceId}`;
  const input: BreachNotificationInput = {
    incidentId: id,
    resource: { account: ACCOUNT, region: REGION, instanceId },
    detectedAt: iso(2 * HOUR),
    alerts: [{ title: 'Ransomware note on the payments host', severity: 'critical' }],
    classification: {
      personalData: true,
      subjectRegions: ['EU'],
      subjectCategories: ['customers'],
      recordCategories: ['payment references'],
      specialCategories: [],
      approxSubjects: 4000,
      estimateBasis: 'tags',
    },
    settings: {
      jurisdictions: ['EU'],
      sectors: ['financial', 'sec-registrant'],
      reminderFractions: [0.5, 0.9],
      escalateAfterMinutes: 0,
      contacts: ['dpo@example.eu'],
      dpo,
      displayZone: 'Europe/Brussels',
    },
  };
  await stack.client.workflow.start('breachNotificationWorkflow', {
    taskQueue: stack.taskQueue,
    workflowId: `${id}/breach`,
    args: [input],
  });
  await eventually(() => notification(id), 30_000, 'the breach workflow');
  return id;
}

function cordon(baseUrl: string, who: string, args: string[]): Promise<CliRun> {
  return runCordon(['--api', baseUrl, '--token', tokens[who]!, ...args]);
}

const clockOf = (n: NotificationBody | undefined, obligationId: string) => n?.clocks.find((c) => c.obligationId === obligationId);
const waiting = (n: NotificationBody | undefined, obligationId: string) => n?.awaiting.find((a) => a.obligationId === obligationId);

test('anchor events over HTTP: waiting clocks say what they wait for and start when it is recorded; refusals answer 400, 403 and 409', async () => {
  const id = await startFinancialBreach();
  const events = `/v1/incidents/${id}/notification/events`;
  const before = await notification(id);
  expect(clockOf(before, 'gdpr.33.1')).toMatchObject({ state: 'open', conservative: true });
  expect(clockOf(before, 'dora.5.1.a')).toBeUndefined();
  expect(waiting(before, 'dora.5.1.a')?.waitingFor).toEqual([
    expect.objectContaining({ anchor: 'classification', recordWith: 'anchor', description: 'the incident was classified as major' }),
  ]);
  expect(waiting(before, 'sec.8k.1.05')?.waitingFor).toEqual([expect.objectContaining({ anchor: 'materiality', recordWith: 'anchor' })]);
  expect(before!.anchors.find((a) => a.anchor === 'classification')).toMatchObject({ basis: 'missing', waiting: ['dora.5.1.a'] });

  const classifiedAt = iso(HOUR);
  const reason = 'classified major under RTS 2024/1772: payment services down for clients';
  expect((await call('alice', 'POST', events, { anchor: 'classification', at: classifiedAt, reason })).statusCode).toBe(403);
  const bad = await call('bob', 'POST', events, { anchor: 'nope', at: 'yesterday' });
  expect(bad.statusCode).toBe(400);
  expect(
    bad
      .json()
      .error.issues.map((i: { path: string }) => i.path)
      .sort(),
  ).toEqual(['anchor', 'at', 'reason']);
  const unused = await call('bob', 'POST', events, { anchor: 'handled', at: classifiedAt, reason });
  expect(unused.statusCode).toBe(409);
  expect(unused.json().error.message).toMatch(/no obligation of this breach starts at handled; recordable here: .*classification/);
  const future = await call('bob', 'POST', events, { anchor: 'classification', at: new Date(Date.now() + HOUR).toISOString(), reason });
  expect(future.statusCode).toBe(400);
  expect(future.json().error.message).toMatch(/future/);
  // SEC materiality is a legal determination: the dpo's, not an approver's.
  expect((await call('bob', 'POST', events, { anchor: 'materiality', at: classifiedAt, reason })).statusCode).toBe(403);
  expect(waiting(await notification(id), 'dora.5.1.a')).toBeDefined();

  const ok = await call('bob', 'POST', events, { anchor: 'classification', at: classifiedAt, reason });
  expect(ok.statusCode).toBe(200);
  expect(ok.json()).toEqual({ anchor: 'classification', at: classifiedAt, started: ['dora.5.1.a'] });
  const after = await notification(id);
  const dora = after!.record.obligations.find((o) => o.id === 'dora.5.1.a')!;
  expect(clockOf(after, 'dora.5.1.a')).toMatchObject({
    state: 'open',
    startedAt: classifiedAt,
    dueAt: computeDue(dora, { classification: classifiedAt, doraAwareness: after!.record.detectedAt }),
  });
  expect(waiting(after, 'dora.5.1.a')).toBeUndefined();
  expect(after!.record.anchorEvents).toEqual([expect.objectContaining({ anchor: 'classification', at: classifiedAt, reason, by: 'bob' })]);
  const twice = await call('bob', 'POST', events, { anchor: 'classification', at: classifiedAt, reason });
  expect(twice.statusCode).toBe(409);
  expect(twice.json().error.message).toMatch(/already recorded/);

  const material = await call('dora', 'POST', events, {
    anchor: 'materiality',
    at: iso(30 * 60_000),
    reason: 'disclosure committee minute 2026-17',
  });
  expect(material.statusCode).toBe(200);
  expect(clockOf(await notification(id), 'sec.8k.1.05')).toMatchObject({ state: 'open', startedAt: material.json().at });
}, 120_000);

test('risk assessments over HTTP and the CLI: high adds Art. 34 and its draft, lowered shows it not required with the reasoning, kept in the register', async () => {
  const id = await startFinancialBreach();
  const risk = `/v1/incidents/${id}/notification/risk`;
  const high = 'Payment references and names readable by the attacker; fraud against customers is likely.';
  expect((await call('bob', 'POST', risk, { level: 'high', reasoning: high })).statusCode).toBe(403);
  const bad = await call('dora', 'POST', risk, { level: 'severe', reasoning: 'short' });
  expect(bad.statusCode).toBe(400);
  expect(
    bad
      .json()
      .error.issues.map((i: { path: string }) => i.path)
      .sort(),
  ).toEqual(['level', 'reasoning']);
  expect(clockOf(await notification(id), 'gdpr.34.1')).toBeUndefined();

  const raised = await call('dora', 'POST', risk, { level: 'high', reasoning: high });
  expect(raised.statusCode).toBe(200);
  expect(raised.json()).toEqual({ level: 'high', risk: 'high', added: ['gdpr.34.1'], notRequired: [] });
  const n1 = await notification(id);
  expect(clockOf(n1, 'gdpr.34.1')).toMatchObject({ state: 'elapsed', recipient: 'data-subjects', resolved: false });
  expect(n1!.draft.art34).toMatchObject({ kind: 'gdpr-art34' });
  expect(n1!.riskAssessment).toMatchObject({ level: 'high', by: 'dora', reasoning: high });

  const medium = 'Payment references were tokenised; the tokens cannot be used outside our processor, so no high risk.';
  const lowered = await call('dora', 'POST', risk, { level: 'medium', reasoning: medium });
  expect(lowered.json()).toMatchObject({ level: 'medium', notRequired: ['gdpr.34.1'] });
  const n2 = await notification(id);
  expect(clockOf(n2, 'gdpr.34.1')).toMatchObject({
    state: 'not-required',
    resolved: true,
    notRequired: { basis: 'risk-assessment', reasoning: medium, by: 'dora' },
  });
  expect(n2!.draft.art34).toBeNull();
  expect(clockOf(n2, 'gdpr.33.1')).toMatchObject({ state: 'open', resolved: false });

  // The CLI: same routes, exit codes from the HTTP answer, and `clocks` says what to record next.
  const baseUrl = await api.listen({ host: '127.0.0.1', port: 0 });
  const triage = 'forensic triage confirmed payment references were readable from the instance';
  expect((await cordon(baseUrl, 'alice', ['aware', id, '--at', iso(5 * 60_000), '--reason', triage])).code).toBe(4);
  const aware = await cordon(baseUrl, 'bob', ['aware', id, '--at', iso(5 * 60_000), '--reason', triage]);
  expect(aware).toMatchObject({ code: 0, stderr: '' });
  expect(aware.stdout).toMatch(/^awareness recorded at .*; the clocks now run from it$/m);
  expect(clockOf(await notification(id), 'gdpr.33.1')).toMatchObject({ state: 'open', conservative: false });
  const recovered = await cordon(baseUrl, 'bob', [
    'anchor',
    id,
    'recovery',
    '--at',
    iso(10 * 60_000),
    '--reason',
    'payments back to normal per the service desk',
  ]);
  expect(recovered).toMatchObject({ code: 0, stderr: '' });
  expect(recovered.stdout).toMatch(/^recovery recorded at .*; clocks started: dora\.5\.1\.b-upd$/m);
  expect((await cordon(baseUrl, 'bob', ['risk', id, 'low', '--reason', 'an approver may not decide this'])).code).toBe(4);
  const low = 'Forensics: the host only held synthetic test data; unlikely to result in a risk to natural persons.';
  const cliLow = await cordon(baseUrl, 'dora', ['risk', id, 'low', '--reason', low]);
  expect(cliLow).toMatchObject({ code: 0, stderr: '' });
  expect(cliLow.stdout.trim()).toBe('risk low recorded; not required: gdpr.33.1, gdpr.33.4, gdpr.34.1');
  const clocks = await cordon(baseUrl, 'alice', ['clocks', id]);
  expect(clocks.code).toBe(0);
  expect(clocks.stdout).toMatch(/^gdpr\.33\.1\s+supervisory-authority\s+not-required\s+.*risk-assessment: Forensics/m);
  expect(clocks.stdout).toContain(
    `dora.5.1.a Initial notification of a major ICT-related incident — waits until the incident was classified as major: cordon classify ${id} dora-major --at <iso> --reason <text>`,
  );

  // DORA and SEC do not depend on the GDPR risk; declaring them not required closes the breach and writes the register.
  const rest = 'No major ICT incident under RTS 2024/1772 and not material for the registrant: no DORA or SEC report.';
  expect((await cordon(baseUrl, 'bob', ['not-required', id, '--reason', rest])).code).toBe(4);
  const declared = await cordon(baseUrl, 'dora', ['not-required', id, '--reason', rest]);
  expect(declared).toMatchObject({ code: 0, stderr: '' });
  expect(declared.stdout).toMatch(/^not required \(recorded for the Art\. 33\(5\) register\): .*dora/m);
  const result = await stack.client.workflow.getHandle(`${id}/breach`).result();
  expect(result.status).toBe('closed');
  expect(result.riskAssessments.map((a: { level: string }) => a.level)).toEqual(['high', 'medium', 'low']);
  const entry = result.register!.entry;
  expect(entry.notifiedSupervisoryAuthority).toBe(false);
  expect(entry.notificationDecisionReason).toContain(
    `risk assessed low by dora (unlikely to result in a risk: Art. 33(1) notification not required): ${low}`,
  );
  expect(entry.art34DecisionReason).toContain(low);
}, 120_000);
