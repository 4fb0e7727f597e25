/**
 * A holder that closes without returning its reservation (an operator terminates the incident in
 * Temporal's UI mid-containment) no longer keeps its group's containment budget forever: the
 * guard signals its holders every `holderCheckSeconds` (lowered here to 2) and takes back the
 * reservation of one the signal cannot reach, so the next incident in the group is granted and
 * contained without an approver's override. Through the HTTP alert door, a budget of one
 * containment at a time; the first incident holds its reservation at the revoke-sessions gate.
 */
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { policyFor } from '../../src/policy/runbook-policy';
import { incidentIdFor } from '../../src/temporal/incident-id';
import type { DemoFleet } from '../../src/local/demo-fleet';
import { approverGate, autoGate, freshFleet, stepStatus } from '../helpers/containment';
import { guardView, sendCriticalAlerts } from '../helpers/fleet-guard';
import { ACCOUNT, REGION, eventually, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
let fleet: DemoFleet;

beforeAll(async () => {
  stack = await startStack({
    fleet: { limits: { maxConcurrent: 1, maxPercent: 100, windowMinutes: 0 }, holderCheckSeconds: 2 },
    // Containment runs at once; the revoke-sessions gate inside the chain keeps the reservation held.
    policy: (s) => ({ ...policyFor(s), contain: autoGate, revokeSessions: approverGate }),
  });
  fleet = await freshFleet(stack);
});
afterAll(async () => {
  await stack?.teardown();
});

const idOf = (instanceId: string) => incidentIdFor({ account: ACCOUNT, region: REGION, instanceId });
const stepOf = async (id: string, step: string) => {
  const s = await stack.incidents.get(id);
  return s ? stepStatus(s, step) : undefined;
};

test('a terminated holder’s reservation is taken back and the next incident in the group is contained', async () => {
  const [first, second] = fleet.instanceIds as [string, string];
  await sendCriticalAlerts(stack.api, stack.tokens.alice!, [first]);
  await eventually(async () => (await stepOf(idOf(first), 'approve-revoke-sessions')) === 'awaiting-approval', 90_000, 'first holds');
  await sendCriticalAlerts(stack.api, stack.tokens.alice!, [second]);
  await eventually(async () => (await stepOf(idOf(second), 'fleet-budget')) === 'awaiting-approval', 60_000, 'second waits');
  expect((await guardView(stack.client))?.active.map((r) => r.incidentId)).toEqual([idOf(first)]);

  await stack.client.workflow.getHandle(idOf(first)).terminate('operator terminated it in the Temporal UI');

  // The guard finds the holder closed, takes the reservation back and grants the waiter, which is contained.
  await eventually(async () => (await stepOf(idOf(second), 'isolate')) === 'done', 90_000, 'second contained');
  const view = await guardView(stack.client);
  expect(view?.active.map((r) => r.incidentId)).toEqual([idOf(second)]);
  expect(view?.waiting).toEqual([]);
  const described = await stack.aws.ec2.send(new DescribeInstancesCommand({ InstanceIds: [second] }));
  const groups = described.Reservations![0]!.Instances![0]!.SecurityGroups!.map((g) => g.GroupName);
  expect(groups.every((g) => g!.startsWith('cordon-isolation-'))).toBe(true);
});
