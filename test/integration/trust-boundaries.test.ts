/**
 * Trust boundaries, tried through the user's door (POST /v1/alerts, the decisions route) on the
 * dev server and moto: a rehearsal (`?dryRun=true`) runs as its own plan and never touches or
 * captures the resource's incident; four-eyes recognises an approver who raised the alert; a
 * sender cannot skip a human gate by claiming a higher severity; one payload cannot accuse more
 * instances than the cap.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { IncidentSnapshot } from '../../src/domain/incident';
import { seedDemoFleet, type DemoFleet } from '../../src/local/demo-fleet';
import { incidentIdFor } from '../../src/temporal/incident-id';
import { motoState, settled, stepStatus } from '../helpers/containment';
import { ACCOUNT, REGION, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
let fleet: DemoFleet;

beforeAll(async () => {
  stack = await startStack();
  fleet = await seedDemoFleet(stack.aws, { verifiedImageTag: 'cordon:verified', dataTagPrefix: 'data:', size: 9 });
}, 180_000);
afterAll(async () => {
  await stack?.teardown();
});

const idOf = (instanceId: string) => incidentIdFor({ account: ACCOUNT, region: REGION, instanceId });
const post = (source: string, body: unknown, who = 'sensor', query = '') =>
  stack.api.inject({
    method: 'POST',
    url: `/v1/alerts/${source}${query}`,
    headers: { authorization: `Bearer ${stack.tokens[who]}`, 'content-type': 'application/json' },
    payload: JSON.stringify(body),
  });
const decide = (incidentId: string, who: string, step = 'contain') =>
  stack.api.inject({
    method: 'POST',
    url: `/v1/incidents/${incidentId}/decisions`,
    headers: { authorization: `Bearer ${stack.tokens[who]}` },
    payload: { step, decision: 'approve', reason: `${who} looked at the finding` },
  });
const getPlan = (planId: string, who = 'alice') =>
  stack.api.inject({ method: 'GET', url: `/v1/plans/${planId}?waitSeconds=30`, headers: { authorization: `Bearer ${stack.tokens[who]}` } });

const guardDutyFixture = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'alerts', 'guardduty-ssh-bruteforce.json'), 'utf8'),
) as { detail: Record<string, unknown> & { resource: { instanceDetails: { instanceId: string } } } };
/** A GuardDuty finding (severity chosen by AWS, so uncapped) about one instance. */
function guardDuty(instanceId: string, score: number, findingId: string): unknown {
  const finding = structuredClone(guardDutyFixture);
  finding.detail.resource.instanceDetails.instanceId = instanceId;
  finding.detail.severity = score;
  finding.detail.id = findingId;
  return finding;
}
const signals = async (incidentId: string): Promise<number> => {
  const history = await stack.client.workflow.getHandle(incidentId).fetchHistory();
  return (history.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes).length;
};
const incident = async (instanceId: string): Promise<IncidentSnapshot | undefined> => stack.incidents.get(idOf(instanceId));

test('a rehearsal runs as its own plan; the real alert that follows contains the instance', async () => {
  const target = fleet.instanceIds[0]!;
  const before = await motoState(stack, fleet);
  const rehearsal = await post(
    'generic',
    { instanceId: target, severity: 'medium', title: 'rehearsal: outbound C2' },
    'sensor',
    '?dryRun=true',
  );
  expect(rehearsal.statusCode).toBe(202);
  const [planned] = rehearsal.json().plans as { planId: string; instanceId: string }[];
  expect(planned).toEqual(expect.objectContaining({ instanceId: target, planId: expect.stringMatching(/^plan-[0-9a-f-]{36}$/) }));

  const plan = await getPlan(planned!.planId);
  expect(plan.statusCode).toBe(200);
  const view = plan.json() as { status: string; result: IncidentSnapshot };
  expect(view.status).toBe('COMPLETED');
  expect(view.result.dryRun).toBe(true);
  // The plan names the incident a real alert would open (its tags, its calls), and starts nothing under that id.
  expect(view.result.incidentId).toBe(idOf(target));
  expect(JSON.stringify(view.result.plan!.find((c) => c.step === 'tag-containing')!.input)).toContain(idOf(target));
  // The gate is described, never waited for; the calls are listed, none made.
  expect(view.result.steps.find((s) => s.name === 'contain')!.detail).toMatch(
    /^plan: would wait for 1 approval\(s\) from approver, not by sensor/,
  );
  expect(view.result.plan!.map((c) => `${c.step}:${c.operation}`)).toEqual(
    expect.arrayContaining(['leave-group:DetachInstances', 'isolate:ModifyNetworkInterfaceAttribute']),
  );
  expect(await motoState(stack, fleet)).toBe(before);
  expect(await incident(target)).toBeUndefined();
  // Plans are for operators to read, not for the alert credential that asked.
  expect((await getPlan(planned!.planId, 'sensor')).statusCode).toBe(403);

  expect((await post('guardduty', guardDuty(target, 8, 'gd-real-after-rehearsal'))).statusCode).toBe(202);
  const contained = await settled(stack, idOf(target), (s) => s.phase === 'contained', 90_000);
  expect(contained.dryRun).toBe(false);
  expect(stepStatus(contained, 'isolate')).toBe('done');
});

test('a plan alert for an instance with an open incident changes nothing in it', async () => {
  const target = fleet.instanceIds[1]!;
  expect((await post('generic', { instanceId: target, severity: 'medium', title: 'suspicious login' })).statusCode).toBe(202);
  const waiting = await settled(stack, idOf(target), (s) => stepStatus(s, 'contain') === 'awaiting-approval');
  const signalsBefore = await signals(idOf(target));

  const rehearsal = await post('guardduty', guardDuty(target, 9.5, 'gd-critical-rehearsal'), 'sensor', '?dryRun=true');
  expect(rehearsal.statusCode).toBe(202);
  const [planned] = rehearsal.json().plans as { planId: string }[];
  expect((await getPlan(planned!.planId)).json().status).toBe('COMPLETED');

  const after = (await incident(target))!;
  expect(await signals(idOf(target))).toBe(signalsBefore);
  expect([after.severity, after.alertCount, stepStatus(after, 'contain'), after.dryRun]).toEqual([
    waiting.severity,
    waiting.alertCount,
    'awaiting-approval',
    false,
  ]);
  const alertEntries = (s: IncidentSnapshot) => s.timeline.filter((t) => t.kind === 'alert').length;
  expect(alertEntries(after)).toBe(alertEntries(waiting));
  expect(after.timeline.some((t) => t.message.startsWith('severity raised'))).toBe(false);
});

test('four-eyes refuses an approver who raised the alert or a later one, over HTTP', async () => {
  const opened = fleet.instanceIds[2]!;
  expect((await post('generic', { instanceId: opened, severity: 'medium', title: 'erin saw odd traffic' }, 'erin')).statusCode).toBe(202);
  await settled(stack, idOf(opened), (s) => stepStatus(s, 'contain') === 'awaiting-approval');
  const own = await decide(idOf(opened), 'erin');
  expect(own.statusCode).toBe(403);
  expect(own.json().error.message).toMatch(/erin raised an alert for this incident and may not approve "contain" \(four-eyes policy\)/);
  expect((await decide(idOf(opened), 'carol')).statusCode).toBe(200);
  await settled(stack, idOf(opened), (s) => stepStatus(s, 'contain') === 'done');

  const joined = fleet.instanceIds[3]!;
  expect((await post('generic', { instanceId: joined, severity: 'medium', title: 'sensor finding' })).statusCode).toBe(202);
  await settled(stack, idOf(joined), (s) => stepStatus(s, 'contain') === 'awaiting-approval');
  expect((await post('generic', { instanceId: joined, severity: 'medium', title: 'erin adds a finding' }, 'erin')).statusCode).toBe(202);
  await settled(stack, idOf(joined), (s) => s.alertCount === 2);
  expect((await decide(idOf(joined), 'erin')).statusCode).toBe(403);
  expect((await decide(idOf(joined), 'bob')).statusCode).toBe(200);
});

test('a caller-chosen severity cannot skip a human gate, and the cap is on the timeline', async () => {
  const target = fleet.instanceIds[4]!;
  const res = await post('generic', { instanceId: target, severity: 'critical', title: 'claims to be critical' });
  expect(res.statusCode).toBe(202);
  expect(res.json().accepted[0]).toEqual(expect.objectContaining({ severity: 'medium', claimedSeverity: 'critical' }));
  const snap = await settled(stack, idOf(target), (s) => stepStatus(s, 'contain') === 'awaiting-approval');
  expect(snap.severity).toBe('medium');
  expect(snap.timeline.some((t) => t.message.includes('claimed critical; generic is capped at medium'))).toBe(true);
  expect(stepStatus(snap, 'isolate')).toBe('pending');
});

test('a source that may not tighten is refused in the timeline; GuardDuty may', async () => {
  const target = fleet.instanceIds[5]!;
  expect((await post('generic', { instanceId: target, severity: 'low', title: 'low noise' })).statusCode).toBe(202);
  await settled(stack, idOf(target), (s) => s.timeline.some((t) => t.message.startsWith('runbook finished')));
  expect((await post('generic', { instanceId: target, severity: 'medium', title: 'louder noise' })).statusCode).toBe(202);
  const refused = await settled(stack, idOf(target), (s) => s.timeline.some((t) => t.message.includes('did not raise the policy')));
  // The alert is recorded as sent (medium), but the runbook stays under the low policy: nothing contained.
  expect(stepStatus(refused, 'contain')).toBe('skipped');
  expect(refused.timeline.some((t) => t.message.startsWith('severity raised'))).toBe(false);
  expect(refused.timeline.find((t) => t.message.includes('did not raise the policy'))!.message).toContain('from sensor via generic');

  expect((await post('guardduty', guardDuty(target, 8, 'gd-raises'))).statusCode).toBe(202);
  const contained = await settled(stack, idOf(target), (s) => s.phase === 'contained', 90_000);
  expect(stepStatus(contained, 'isolate')).toBe('done');
});

test('one payload accusing more instances than the cap is refused whole and starts nothing', async () => {
  const ids = Array.from({ length: 11 }, (_, i) => `i-0cafe${String(i).padStart(12, '0')}`);
  const payload = {
    version: '4',
    groupKey: '{}:{alertname="Mass"}',
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'cordon',
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://am',
    alerts: ids.map((id, i) => ({
      status: 'firing',
      labels: { alertname: 'Mass', instance_id: id, severity: 'critical' },
      annotations: { summary: `host ${i}` },
      startsAt: new Date().toISOString(),
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prom',
      fingerprint: `f${i}`,
    })),
  };
  const res = await post('alertmanager', payload);
  expect(res.statusCode).toBe(422);
  expect(res.json().error).toEqual(
    expect.objectContaining({
      code: 'unprocessable',
      message: expect.stringContaining('at most 10 instances (CORDON_ALERT_MAX_INSTANCES); this one accuses 11'),
    }),
  );
  for (const id of ids) expect(await incident(id)).toBeUndefined();
  // And a rehearsal is bounded the same way.
  expect((await post('alertmanager', payload, 'sensor', '?dryRun=true')).statusCode).toBe(422);
});
