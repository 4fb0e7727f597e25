/**
 * Runbooks as data, through the HTTP door (API in process → Temporal dev server → worker → moto):
 * an operator's runbook in its own folder ("tag and snapshot only, then wait for an approver
 * before isolating") is chosen for a matching GuardDuty alert, pinned (name, version, sha256 of
 * the file) and run end to end; an invalid file beside it is refused with line and column and
 * does not stop it; any other EC2 alert runs the built-in EC2 runbook as data.
 */
import {
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSnapshotsCommand,
} from '@aws-sdk/client-ec2';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { IncidentSnapshot } from '../../src/domain/incident';
import type { DemoFleet } from '../../src/local/demo-fleet';
import { policyFor } from '../../src/policy/runbook-policy';
import { runbookStepNames } from '../../workflows/runbook/step-order';
import { freshFleet, runbookFinished, settled, stepStatus } from '../helpers/containment';
import { runCordon } from '../helpers/cli';
import { startStack, type Stack } from '../helpers/stack';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'alerts');
const userRunbook = `# Brute force on SSH: keep the evidence, tag it, and let a person decide on isolation.
name: ssh-bruteforce-tag-snapshot
version: "3"
matches:
  resourceKind: ec2-instance
  sources: [guardduty]
  findingTypes: ["UnauthorizedAccess:EC2/SSH*"]
steps:
  - step: describe
  - step: contain
    gate: auto
  - step: tag-containing
  - step: snapshot-volumes
  - step: isolate
    gate: { mode: approvers, roles: [approver], timeoutMinutes: 60 }
  - step: tag-quarantined
`;
const brokenRunbook = `name: broken-one
version: 1
matches:
  resourceKind: ec2-instance
steps:
  - step: describe
  - step: isolate
    when: alert.activeThreat and and
`;

let stack: Stack;
let fleet: DemoFleet;
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-user-runbooks-'));
  fs.writeFileSync(path.join(dir, 'ssh.yaml'), userRunbook);
  fs.writeFileSync(path.join(dir, 'broken.yaml'), brokenRunbook);
  stack = await startStack({ runbooks: { dir } });
});
beforeEach(async () => {
  fleet = await freshFleet(stack);
});
afterAll(async () => {
  await stack?.teardown();
  fs.rmSync(dir, { recursive: true, force: true });
});

const as = (who: string) => ({ authorization: `Bearer ${stack.tokens[who]}` });
function postGuardDuty(fixture: string, instanceId: string) {
  // Seen now: the known-good choice measures its compromise window from the first sighting.
  const text = fs
    .readFileSync(path.join(FIXTURES, fixture), 'utf8')
    .split('i-0a1b2c3d4e5f60718')
    .join(instanceId)
    .replace(/20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, new Date().toISOString());
  return stack.api.inject({
    method: 'POST',
    url: '/v1/alerts/guardduty',
    headers: { 'content-type': 'application/json', ...as('sensor') },
    payload: text,
  });
}
async function enisGroups(instanceId: string): Promise<string[][]> {
  const i = (await stack.aws.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }))).Reservations![0]!.Instances![0]!;
  const enis = await stack.aws.ec2.send(
    new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: i.NetworkInterfaces!.map((e) => e.NetworkInterfaceId!) }),
  );
  return enis.NetworkInterfaces!.map((e) => e.Groups!.map((g) => g.GroupId!));
}
async function tags(instanceId: string): Promise<Record<string, string>> {
  const i = (await stack.aws.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }))).Reservations![0]!.Instances![0]!;
  return Object.fromEntries((i.Tags ?? []).map((t) => [t.Key!, t.Value!]));
}

test('GET /v1/runbooks lists the valid runbooks and the refused file with its line and column', async () => {
  const res = await stack.api.inject({ method: 'GET', url: '/v1/runbooks', headers: as('audrey') });
  expect(res.statusCode).toBe(200);
  const body = res.json() as { runbooks: { name: string; version: string; sha256: string; origin: string }[]; refused: string[] };
  expect(body.runbooks.map((r) => [r.name, r.version, r.origin])).toEqual([
    ['ec2-compromised-instance', '1.0.0', 'built-in'],
    ['iam-access-key-compromise', '1.0.0', 'built-in'],
    ['ssh-bruteforce-tag-snapshot', '3', 'operator'],
  ]);
  expect(body.runbooks[2]!.sha256).toBe(crypto.createHash('sha256').update(userRunbook).digest('hex'));
  expect(body.refused).toEqual(['broken.yaml:8:34 steps.1.when: when: expected a value but found "and" (at character 24)']);

  const one = await stack.api.inject({ method: 'GET', url: '/v1/runbooks/ssh-bruteforce-tag-snapshot', headers: as('alice') });
  expect(one.statusCode).toBe(200);
  expect(one.json().definition.steps.map((s: { step: string }) => s.step)).toEqual([
    'describe',
    'contain',
    'tag-containing',
    'snapshot-volumes',
    'isolate',
    'tag-quarantined',
  ]);
  expect((await stack.api.inject({ method: 'GET', url: '/v1/runbooks/nope', headers: as('alice') })).statusCode).toBe(404);
  const bad = await stack.api.inject({ method: 'GET', url: '/v1/runbooks/Not_A_Name', headers: as('alice') });
  expect(bad.statusCode).toBe(400);
  expect(bad.json().error.issues[0].path).toBe('name');
  expect((await stack.api.inject({ method: 'GET', url: '/v1/runbooks' })).statusCode).toBe(401);
});

test('cordon runbooks list and show read the same through the API', async () => {
  const baseUrl = await stack.api.listen({ host: '127.0.0.1', port: 0 });
  const cli = (...args: string[]) => runCordon(['--api', baseUrl, '--token', stack.tokens.audrey!, 'runbooks', ...args]);
  const list = await cli('list');
  expect(list.code).toBe(0);
  expect(list.stdout).toMatch(/ssh-bruteforce-tag-snapshot +3 +operator +6 +guardduty; UnauthorizedAccess:EC2\/SSH\*/);
  expect(list.stdout).toMatch(/ec2-compromised-instance +1\.0\.0 +built-in +27 +any ec2-instance/);
  expect(list.stdout).toContain('refused  broken.yaml:8:34 ');
  const show = await cli('show', 'ssh-bruteforce-tag-snapshot');
  expect(show.code).toBe(0);
  expect(show.stdout).toMatch(/isolate +- +approve approver 60m→escalate/);
  const missing = await cli('show', 'nope');
  expect(missing.code).toBe(3);
});

test("the operator's runbook is chosen for a matching alert: tags and snapshots, then isolation only after an approver", async () => {
  const accused = fleet.instanceIds[0]!;
  const before = await enisGroups(accused);
  const res = await postGuardDuty('guardduty-ssh-bruteforce.json', accused);
  expect(res.statusCode).toBe(202);
  const id = res.json().accepted[0].incidentId as string;

  const waiting = await settled(stack, id, (s) => stepStatus(s, 'isolate') === 'awaiting-approval', 90000);
  expect(waiting.runbook).toEqual({
    name: 'ssh-bruteforce-tag-snapshot',
    version: '3',
    sha256: crypto.createHash('sha256').update(userRunbook).digest('hex'),
  });
  expect(waiting.steps.map((s) => [s.name, s.status])).toEqual([
    ['describe', 'done'],
    ['contain', 'done'],
    ['tag-containing', 'done'],
    ['snapshot-volumes', 'done'],
    ['isolate', 'awaiting-approval'],
    ['tag-quarantined', 'pending'],
  ]);
  // moto: tagged and snapshotted, not isolated yet.
  expect(await tags(accused)).toMatchObject({ 'ir:case': id, 'ir:status': 'containing' });
  const snapshots = await stack.aws.ec2.send(new DescribeSnapshotsCommand({ Filters: [{ Name: 'tag:cordon:incident', Values: [id] }] }));
  expect(snapshots.Snapshots!.length).toBeGreaterThan(0);
  expect(await enisGroups(accused)).toEqual(before);

  const approve = await stack.api.inject({
    method: 'POST',
    url: `/v1/incidents/${id}/decisions`,
    headers: as('bob'),
    payload: { step: 'isolate', decision: 'approve', reason: 'brute force confirmed from the auth log' },
  });
  expect(approve.statusCode).toBe(200);
  const finished: IncidentSnapshot = await settled(stack, id, runbookFinished, 90000);
  expect(finished.steps.map((s) => [s.name, s.status])).toEqual([
    ['describe', 'done'],
    ['contain', 'done'],
    ['tag-containing', 'done'],
    ['snapshot-volumes', 'done'],
    ['isolate', 'done'],
    ['tag-quarantined', 'done'],
  ]);
  expect(finished.steps.find((s) => s.name === 'isolate')!.approvals).toEqual([expect.objectContaining({ by: 'bob' })]);
  const isolation = (
    await stack.aws.ec2.send(
      new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: [`cordon-isolation-${fleet.vpcId}`] }] }),
    )
  ).SecurityGroups![0]!;
  for (const groups of await enisGroups(accused)) expect(groups).toEqual([isolation.GroupId]);
  expect(await tags(accused)).toMatchObject({ 'ir:status': 'quarantined' });
  expect(finished.timeline.some((t) => t.message.startsWith('runbook ssh-bruteforce-tag-snapshot 3 (sha256 '))).toBe(true);
  // Nothing of the built-in order ran: the instance is still in its group, the launch template untouched.
  expect(finished.steps.map((s) => s.name)).not.toContain('leave-group');
});

test("any other EC2 finding runs the built-in EC2 runbook as data, pinned, in today's order (active threat: isolation first)", async () => {
  const accused = fleet.instanceIds[1]!;
  const res = await postGuardDuty('guardduty-c2-activity.json', accused);
  expect(res.statusCode).toBe(202);
  const { incidentId: id, severity } = res.json().accepted[0] as { incidentId: string; severity: 'high' | 'critical' };
  const snap = await settled(stack, id, (s) => stepStatus(s, 'replace') === 'awaiting-approval' || runbookFinished(s), 120000);
  expect(snap.runbook).toEqual({ name: 'ec2-compromised-instance', version: '1.0.0', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
  expect(snap.steps.map((s) => s.name)).toEqual(runbookStepNames(policyFor(severity), { activeThreat: true }));
  expect(snap.steps.slice(0, 4).map((s) => s.name)).toEqual(['describe', 'contain', 'fleet-budget', 'isolate']);
  expect(snap.steps.filter((s) => s.status === 'failed')).toEqual([]);
  const isolation = (
    await stack.aws.ec2.send(
      new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: [`cordon-isolation-${fleet.vpcId}`] }] }),
    )
  ).SecurityGroups![0]!;
  for (const groups of await enisGroups(accused)) expect(groups).toEqual([isolation.GroupId]);
  expect(await tags(accused)).toMatchObject({ 'ir:case': id, 'ir:status': 'quarantined' });
});
