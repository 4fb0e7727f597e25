/**
 * End to end through the real parts: HTTP API → Temporal dev server → worker → moto.
 * Asserts state read back from moto (security groups) and from Temporal (history, query).
 * Alerts are sent by a responder (an operator: uncapped); a sensor's generic alert would stop at
 * the approval gate by source trust (trust-boundaries.test.ts).
 */
import { DescribeInstancesCommand, DescribeNetworkInterfacesCommand, DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import type { temporal } from '@temporalio/proto';
import { seedDemoFleet, type DemoFleet } from '../../src/local/demo-fleet';
import { incidentIdFor } from '../../src/temporal/incident-id';
import { ACCOUNT, REGION, eventually, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
let fleet: DemoFleet;

beforeAll(async () => {
  stack = await startStack();
  fleet = await seedDemoFleet(stack.aws, { verifiedImageTag: 'cordon:verified', dataTagPrefix: 'data:' });
});
afterAll(async () => stack?.teardown());

const post = (url: string, body: unknown, token = stack.tokens.alice) =>
  stack.api.inject({
    method: 'POST',
    url,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
const get = (url: string, token = stack.tokens.alice) =>
  stack.api.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });

async function workflowCount(): Promise<number> {
  let n = 0;
  for await (const _ of stack.client.workflow.list({ query: `WorkflowType = 'incidentWorkflow'` })) n += 1;
  return n;
}

test('a generic alert isolates the instance on every ENI, and a second alert joins the incident', async () => {
  const instanceId = fleet.instanceIds[0]!;
  const res = await post('/v1/alerts/generic', { instanceId, severity: 'high', title: 'SSH brute force then outbound C2' });
  expect(res.statusCode).toBe(202);
  const incidentId = res.json().accepted[0].incidentId;
  expect(incidentId).toBe(incidentIdFor({ account: ACCOUNT, region: REGION, instanceId }));

  const snapshot = await eventually(
    async () => {
      const r = await get(`/v1/incidents/${incidentId}`);
      const body = r.json();
      return body.steps?.find((s: { name: string; status: string }) => s.name === 'isolate')?.status === 'done' && body;
    },
    60000,
    'isolate step done',
  );
  expect(snapshot.phase).toBe('contained');

  // moto: every ENI sits in the isolation group only, and that group has no rules.
  const groups = await stack.aws.ec2.send(
    new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: [`cordon-isolation-${fleet.vpcId}`] }] }),
  );
  const isolation = groups.SecurityGroups![0]!;
  expect(isolation.IpPermissions).toEqual([]);
  expect(isolation.IpPermissionsEgress).toEqual([]);
  const instance = (await stack.aws.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }))).Reservations![0]!.Instances![0]!;
  const enis = await stack.aws.ec2.send(
    new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: instance.NetworkInterfaces!.map((e) => e.NetworkInterfaceId!) }),
  );
  for (const eni of enis.NetworkInterfaces!) expect(eni.Groups!.map((g) => g.GroupId)).toEqual([isolation.GroupId]);

  // Temporal history: the original state is recorded durably first (a regular activity), then the quarantine chain
  // runs as local activities (recorded as markers); isolation ran once.
  const history = await stack.client.workflow.getHandle(incidentId).fetchHistory();
  const events = history.events!;
  const firstActivity = events.find((e) => e.activityTaskScheduledEventAttributes)?.activityTaskScheduledEventAttributes?.activityType
    ?.name;
  expect(firstActivity).toBe('describeTarget');
  const describedAt = events.findIndex((e) => e.activityTaskCompletedEventAttributes);
  const isolatedAt = events.findIndex((e) => localActivitiesIn([e])[0] === 'isolateNetwork');
  expect(describedAt).toBeGreaterThan(0);
  expect(isolatedAt).toBeGreaterThan(describedAt);
  expect(localActivitiesIn(events).filter((t) => t === 'isolateNetwork')).toHaveLength(1);

  // A second alert for the same instance joins the open incident instead of starting a twin.
  const again = await post('/v1/alerts/generic', { instanceId, severity: 'critical', title: 'Outbound traffic to known C2' });
  expect(again.json().accepted[0].incidentId).toBe(incidentId);
  const joined = await eventually(
    async () => {
      const b = (await get(`/v1/incidents/${incidentId}`)).json();
      return b.alertCount === 2 && b;
    },
    20000,
    'second alert',
  );
  expect(joined.severity).toBe('critical');
  expect(await workflowCount()).toBe(1);
});

/** Activity types of the local-activity markers in a history, in order. */
function localActivitiesIn(events: temporal.api.history.v1.IHistoryEvent[]): string[] {
  return events.flatMap((e) => {
    const marker = e.markerRecordedEventAttributes;
    const data = marker?.markerName === 'core_local_activity' ? marker.details?.data?.payloads?.[0]?.data : undefined;
    if (!data) return [];
    const parsed = JSON.parse(Buffer.from(data).toString('utf8')) as { activity_type?: string; activityType?: string };
    return [parsed.activity_type ?? parsed.activityType ?? '?'];
  });
}

test.each([
  ['malformed JSON', '{"instanceId": ', '(body)'],
  ['a missing instanceId', { severity: 'high', title: 'x' }, 'instanceId'],
  ['a wrongly typed severity', { instanceId: 'i-0123456789abcdef0', severity: 7, title: 'x' }, 'severity'],
  ['an unknown field', { instanceId: 'i-0123456789abcdef0', severity: 'high', title: 'x', colour: 'red' }, ''],
])('%s gets HTTP 400 with the field path and starts nothing', async (_name, body, path) => {
  const before = await workflowCount();
  const res = await post('/v1/alerts/generic', body);
  expect(res.statusCode).toBe(400);
  const error = res.json().error;
  expect(error.code).toBe('invalid_request');
  expect(error.requestId).toBeTruthy();
  expect(error.issues.map((i: { path: string }) => i.path).join(' ')).toContain(path);
  expect(await workflowCount()).toBe(before);
});

test('no token gets 401, a token without the role gets 403', async () => {
  const body = { instanceId: fleet.instanceIds[1]!, severity: 'high', title: 'x' };
  const anonymous = await stack.api.inject({ method: 'POST', url: '/v1/alerts/generic', payload: body });
  expect(anonymous.statusCode).toBe(401);
  expect((await post('/v1/alerts/generic', body, stack.tokens.audrey)).statusCode).toBe(403);
  expect((await get('/v1/incidents', 'not-a-token')).statusCode).toBe(401);
});
