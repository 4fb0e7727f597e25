/**
 * Breach notification end to end on the dev server: a real runbook against moto starts the
 * breach workflow at its breach-assessment point (the demo fleet is tagged personal data); the
 * draft read over HTTP carries every Art. 33(3) item, with measures taken at the timeline's
 * times; the DPO's decisions go through the API to the workflow's update validators (a late
 * submission without reasons is refused; "not required" needs the dpo role and reasoning); the
 * register entry lands in the evidence store when every clock is resolved.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import fs from 'node:fs';
import path from 'node:path';
import { createActivities } from '../../activities';
import { OperatorDirectory, type Role } from '../../src/api/auth/operators';
import { buildApi } from '../../src/api/server';
import type { IncidentSnapshot } from '../../src/domain/incident';
import type { DemoFleet } from '../../src/local/demo-fleet';
import { NotificationService } from '../../src/temporal/notification-service';
import type { BreachView, DraftView } from '../../workflows/notification/types';
import { approverGate, autoPolicy, freshFleet, openIncident, runbookFinished, settled } from '../helpers/containment';
import { ACCOUNT, REGION, eventually, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
let fleet: DemoFleet;
let api: FastifyInstance;
let evidenceDir: string;
const tokens: Record<string, string> = { alice: 'tok-alice-responder-0001', bob: 'tok-bob-approver-00001', dora: 'tok-dora-dpo-000000001', admin: 'tok-admin-0000000000001' };
const roles: Record<string, Role[]> = { alice: ['responder'], bob: ['approver'], dora: ['dpo'], admin: ['admin'] };
const dpo = { name: 'Dana Data-Protection', email: 'dpo@example.eu', phone: '+32 2 000 00 00' };

beforeAll(async () => {
  stack = await startStack({ worker: false });
  evidenceDir = path.join(stack.dir, 'evidence');
  const settings = {
    jurisdictions: ['EU' as const], sectors: [], reminderFractions: [0.5, 0.75, 0.9], escalateAfterMinutes: 0, contacts: ['dpo@example.eu', 'ciso@example.eu'],
    dpo, controllerName: 'Example Shop SA', supervisoryAuthority: 'Autorité de protection des données (BE)', displayZone: 'Europe/Brussels',
  };
  await stack.startWorker({
    activities: createActivities({
      aws: stack.aws, config: { verifiedImageTag: 'cordon:verified', dataTagPrefix: 'data:', compromiseLookbackHours: 24 },
      breach: { settings }, evidence: { store: stack.evidence, collector: 'breach-it-worker' },
    }),
  });
  const operators = new OperatorDirectory();
  for (const [name, token] of Object.entries(tokens)) operators.addToken({ name, roles: roles[name]! }, token);
  api = await buildApi({
    incidents: stack.incidents, operators, notifications: new NotificationService(stack.client),
    alerts: { defaults: { account: ACCOUNT, region: REGION } }, ready: async () => true,
  });
  fleet = await freshFleet(stack);
}, 180_000);
afterAll(async () => { await api?.close(); await stack?.teardown(); });

type NotificationBody = BreachView & { incidentId: string; draft: DraftView };
const call = (who: string, method: 'GET' | 'POST', url: string, payload?: unknown) =>
  api.inject({ method, url, headers: { authorization: `Bearer ${tokens[who]}` }, ...(payload !== undefined ? { payload: payload as object } : {}) });
const notification = async (id: string) => {
  const r = await call('alice', 'GET', `/v1/incidents/${id}/notification`);
  return r.statusCode === 200 ? (r.json() as NotificationBody) : undefined;
};

/** The time the timeline says a step finished (its `done` transition). */
const doneAt = (s: IncidentSnapshot, step: string) => s.timeline.find((t) => t.kind === 'step' && t.step === step && t.message.includes(': done'))?.at;

test('a real runbook run produces a draft with every Art. 33(3) item and measures taken at the timeline\'s times', async () => {
  const id = await openIncident(stack, fleet.instanceIds[0]!, autoPolicy);
  const snap = await settled(stack, id, runbookFinished, 120_000);
  expect(snap.timeline.some((t) => t.kind === 'notification' && t.message.includes(`${id}/breach`))).toBe(true);
  const n = await eventually(async () => {
    const body = await notification(id);
    return body?.draft.art33.measures.taken.some((m) => m.step === 'verify-replacement') ? body : undefined;
  }, 30_000, 'the draft to include the replacement');
  const d = n.draft.art33;

  // 33(3)(a) nature, categories and approximate numbers (estimates, from the classification tags).
  expect(d.nature.citation).toBe('GDPR Art. 33(3)(a)');
  expect(d.nature.summary).toContain(fleet.instanceIds[0]);
  expect(d.nature.dataSubjects).toEqual({ categories: ['customers'], approximateNumber: expect.objectContaining({ value: 25000, estimate: true }) });
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
  expect(bad.json().error.issues.map((i: { path: string }) => i.path).sort()).toEqual(['awareAt', 'reason']);
  const aware = await call('bob', 'POST', `/v1/incidents/${id}/notification/awareness`, { awareAt, reason: 'forensic triage confirmed customer records were readable from the instance' });
  expect(aware.statusCode).toBe(200);

  expect((await call('bob', 'POST', `/v1/incidents/${id}/notification/submissions`, { obligationId: 'gdpr.33.1', reference: 'APD-1' })).statusCode).toBe(403);
  const late = await call('dora', 'POST', `/v1/incidents/${id}/notification/submissions`, { obligationId: 'gdpr.33.1', reference: 'APD-2026-17' });
  expect(late.statusCode).toBe(400);
  expect(late.json().error.message).toMatch(/reasons for the delay/);
  const before = await notification(id);
  expect(before!.record.submissions).toEqual([]);
  expect(before!.clocks.find((c) => c.obligationId === 'gdpr.33.1')).toMatchObject({ state: 'overdue', conservative: false });

  const ok = await call('dora', 'POST', `/v1/incidents/${id}/notification/submissions`, {
    obligationId: 'gdpr.33.1', reference: 'APD-2026-17', reasonsForDelay: 'the affected tables were only identified after the disk image was analysed',
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
  const reasoning = 'Disk encrypted with a key held outside the instance; no evidence of data access in the logs, so unlikely to result in a risk.';

  expect((await call('bob', 'POST', `/v1/incidents/${id}/notification/not-required`, { reasoning })).statusCode).toBe(403);
  const short = await call('dora', 'POST', `/v1/incidents/${id}/notification/not-required`, { reasoning: 'fine' });
  expect(short.statusCode).toBe(400);
  expect(short.json().error.issues[0].path).toBe('reasoning');
  // The workflow's own validator refuses the role too, whoever calls it.
  const direct = new NotificationService(stack.client).declareNotRequired(id, { reasoning, risk: 'unlikely', operator: { name: 'bob', roles: ['approver'] } });
  await expect(direct).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
  await expect(direct).rejects.toMatchObject({ cause: { type: 'Forbidden' } });

  const ok = await call('dora', 'POST', `/v1/incidents/${id}/notification/not-required`, { reasoning, risk: 'unlikely' });
  expect(ok.statusCode).toBe(200);
  expect(ok.json().obligationIds).toEqual(expect.arrayContaining(['gdpr.33.1']));

  const result = await stack.client.workflow.getHandle(`${id}/breach`).result();
  expect(result.status).toBe('closed');
  expect(result.notRequired[0]).toMatchObject({ by: 'dora', reasoning, risk: 'unlikely' });
  const file = path.join(evidenceDir, 'incidents', id, 'artifacts', 'breach-register', 'entry.json');
  const register = JSON.parse(fs.readFileSync(file, 'utf8')) as { entries: { notifiedSupervisoryAuthority: boolean; notificationDecisionReason: string }[] };
  expect(register.entries[0]).toMatchObject({ notifiedSupervisoryAuthority: false });
  expect(register.entries[0]!.notificationDecisionReason).toContain(reasoning);
  expect(result.register?.location).toContain('breach-register/entry.json');
}, 120_000);
