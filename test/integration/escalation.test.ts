/**
 * A later, more severe alert tightens an open incident's runbook (workflows/people-notices/escalation.ts),
 * against the dev server and moto: a low alert that only recorded is contained once a critical
 * alert for the same instance arrives; a medium alert's containment gate waiting for an approver
 * passes at once when a critical alert makes containment automatic; a less severe alert changes
 * nothing. Policies per severity as the API's config maps them (low → record only, medium →
 * contain after approval, critical → automatic).
 */
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { isolationGroupName } from '../../activities/containment/isolate-network';
import type { IncidentAlert, Severity } from '../../src/domain/incident';
import type { DemoFleet } from '../../src/local/demo-fleet';
import { IncidentService } from '../../src/temporal/incident-service';
import type { RunbookPolicy } from '../../src/domain/runbook-policy';
import { alertFor, approverGate, autoPolicy, freshFleet, runbookFinished, settled, stepStatus } from '../helpers/containment';
import { ACCOUNT, REGION, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
let fleet: DemoFleet;
let service: IncidentService;

const policies: Record<Severity, RunbookPolicy> = {
  low: { ...autoPolicy, contain: 'record-only' },
  medium: { ...autoPolicy, contain: approverGate },
  high: autoPolicy,
  critical: autoPolicy,
};

beforeAll(async () => {
  stack = await startStack();
  fleet = await freshFleet(stack);
  service = new IncidentService(stack.client, stack.taskQueue, (s) => policies[s]);
});
afterAll(async () => stack?.teardown());

const send = (instanceId: string, severity: Severity, extra: Partial<IncidentAlert> = {}) =>
  service.openOrJoin(
    { account: ACCOUNT, region: REGION, instanceId },
    alertFor(instanceId, { severity, dedupKey: `generic:${instanceId}:${severity}`, title: `${severity} finding`, ...extra }),
    { openedBy: 'test' },
  );

/** A medium alert opens the incident; its containment gate then waits for an approver. */
async function openAwaitingApproval(instanceId: string): Promise<string> {
  const id = await send(instanceId, 'medium');
  await settled(stack, id, (s) => stepStatus(s, 'contain') === 'awaiting-approval');
  return id;
}

async function securityGroupsOf(instanceId: string): Promise<string[]> {
  const out = await stack.aws.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
  return out.Reservations![0]!.Instances![0]!.SecurityGroups!.map((g) => g.GroupName!);
}

test('a record-only incident is contained when a critical alert for the same instance arrives', async () => {
  const instanceId = fleet.instanceIds[0]!;
  const id = await send(instanceId, 'low');
  const recorded = await settled(stack, id, runbookFinished);
  expect(stepStatus(recorded, 'contain')).toBe('skipped');
  expect(stepStatus(recorded, 'isolate')).toBe('skipped');
  const groupsBefore = await securityGroupsOf(instanceId);

  expect(await send(instanceId, 'critical')).toBe(id);
  const contained = await settled(stack, id, (s) => stepStatus(s, 'tag-quarantined') === 'done', 90000);
  expect(contained.timeline.map((t) => t.message)).toEqual(
    expect.arrayContaining([
      'severity raised from low to critical by a later alert: now containing automatic, replacing automatic',
      "running the runbook again under the raised severity's policy",
    ]),
  );
  expect(stepStatus(contained, 'contain')).toBe('done');
  expect(stepStatus(contained, 'isolate')).toBe('done');
  expect(contained.severity).toBe('critical');
  // In moto: the instance left its web group for the isolation group.
  expect(groupsBefore).toEqual(['web']);
  expect(await securityGroupsOf(instanceId)).toEqual([isolationGroupName(fleet.vpcId)]);
  // One incident, one workflow run: the alert joined it.
  expect((await stack.client.workflow.getHandle(id).describe()).status.name).toBe('RUNNING');
}, 120000);

test('a gate waiting for approval passes at once when a critical alert makes containment automatic', async () => {
  const instanceId = fleet.instanceIds[1]!;
  const id = await openAwaitingApproval(instanceId);
  await send(instanceId, 'critical');
  const contained = await settled(stack, id, (s) => stepStatus(s, 'isolate') === 'done', 90000);
  const contain = contained.steps.find((s) => s.name === 'contain')!;
  expect(contain).toMatchObject({ status: 'done', detail: 'approved automatically: severity raised to critical' });
  expect(contain.approvals ?? []).toEqual([]);
  expect(contained.timeline.filter((t) => t.message.startsWith('severity raised from medium to critical'))).toHaveLength(1);
}, 120000);

test('a less severe alert changes nothing', async () => {
  const instanceId = fleet.instanceIds[2]!;
  const id = await openAwaitingApproval(instanceId);
  await send(instanceId, 'low');
  const after = await settled(stack, id, (s) => s.alerts.some((a) => a.severity === 'low'));
  expect(stepStatus(after, 'contain')).toBe('awaiting-approval');
  expect(after.timeline.some((t) => t.message.startsWith('severity raised'))).toBe(false);
});
