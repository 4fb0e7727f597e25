/**
 * An incident whose history grows past CORDON_INCIDENT_HISTORY_EVENTS continues as new; the
 * incidents list (GET /v1/incidents: `cordon list` and the console) reads each incident's
 * resource, severity and phase from the workflow's memo, which Temporal does not carry into the
 * next run by itself. Through the user's door: alerts over HTTP until the incident continues as
 * new, then the list; a later, more severe alert still updates the carried row.
 */
import { seedDemoFleet, type DemoFleet } from '../../src/local/demo-fleet';
import { autoPolicy, runbookFinished, settled } from '../helpers/containment';
import { ACCOUNT, eventually, startStack, type Stack } from '../helpers/stack';

/** Low enough that a few dozen findings pass it. */
const HISTORY_EVENTS = 120;

let stack: Stack;
let fleet: DemoFleet;

beforeAll(async () => {
  stack = await startStack({ incidentHistoryEvents: HISTORY_EVENTS, policy: () => ({ ...autoPolicy, contain: 'record-only' }) });
  fleet = await seedDemoFleet(stack.aws, { verifiedImageTag: 'cordon:verified', dataTagPrefix: 'data:' });
});
afterAll(async () => stack?.teardown());

const alert = (body: Record<string, unknown>) =>
  stack.api.inject({
    method: 'POST',
    url: '/v1/alerts/generic',
    headers: { authorization: `Bearer ${stack.tokens.alice}`, 'content-type': 'application/json' },
    payload: JSON.stringify(body),
  });
const listed = async (incidentId: string) => {
  const res = await stack.api.inject({ method: 'GET', url: '/v1/incidents', headers: { authorization: `Bearer ${stack.tokens.alice}` } });
  expect(res.statusCode).toBe(200);
  return (res.json().incidents as Record<string, unknown>[]).filter((i) => i.incidentId === incidentId);
};

test('after continue-as-new the incidents list shows what the incident had become, and later changes still reach it', async () => {
  const instanceId = fleet.instanceIds[0]!;
  const first = await alert({ instanceId, severity: 'medium', title: 'finding 0' });
  expect(first.statusCode).toBe(202);
  const incidentId = first.json().accepted[0].incidentId as string;
  // Raised before the continue: the memo now says 'high', where the start said 'medium'.
  expect((await alert({ instanceId, severity: 'high', title: 'finding 1' })).statusCode).toBe(202);
  // An incident continues as new while idle: once its runbook has finished.
  await settled(stack, incidentId, (s) => runbookFinished(s) && s.severity === 'high');
  const before = await eventually(
    async () => (await listed(incidentId)).find((i) => i.severity === 'high'),
    10000,
    'the raised severity in the list',
  );
  const firstRun = (await stack.client.workflow.getHandle(incidentId).describe()).runId;

  // Distinct findings (distinct titles), sent one at a time, until the first run has continued as new.
  let sent = 2;
  const continued = async () => (await stack.client.workflow.getHandle(incidentId, firstRun).describe()).status.name === 'CONTINUED_AS_NEW';
  while (!(await continued())) {
    expect(sent).toBeLessThan(200);
    const res = await alert({ instanceId, severity: 'medium', title: `finding ${sent}` });
    expect(res.statusCode).toBe(202);
    sent += 1;
    await new Promise((r) => setTimeout(r, 50));
  }
  const { runId: secondRun } = await stack.client.workflow.getHandle(incidentId).describe();
  expect(secondRun).not.toBe(firstRun);

  // The open run's row (the list also shows the finished run it continued from): as it was, not as it started.
  const rows = await listed(incidentId);
  expect(rows.map((r) => r.status).sort()).toEqual(['CONTINUED_AS_NEW', 'RUNNING']);
  const open = rows.find((i) => i.status === 'RUNNING')!;
  expect(open).toMatchObject({
    instanceId,
    account: ACCOUNT,
    severity: 'high',
    phase: before.phase,
    pendingApprovals: before.pendingApprovals,
  });

  // A more severe alert after the continue: the new run updates the carried memo (merge, not replace).
  expect((await alert({ instanceId, severity: 'critical', title: 'data leaving to a known C2' })).statusCode).toBe(202);
  const raised = await eventually(
    async () => (await listed(incidentId)).find((i) => i.status === 'RUNNING' && i.severity === 'critical'),
    20000,
    'the raised severity in the list',
  );
  expect(raised).toMatchObject({ instanceId, account: ACCOUNT });
});
