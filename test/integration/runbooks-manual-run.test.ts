/**
 * Manual runs through the user's doors (the CLI as a subprocess, and the HTTP API) against the dev
 * server and moto. The README's worked example (read from the README itself, in its own
 * CORDON_RUNBOOKS_DIR) started with `cordon run` as a responder: its input reaches `when:`, the
 * incident records provenance `manual` with the token's operator, the reason and the pinned
 * runbook (GET /v1/incidents/:id, /runbook, the audit trail), and isolation waits for an approver.
 * The same runbook through the alert door takes the input's default. Bounds: bad inputs, targets
 * and severities are 4xx naming their field and start nothing; an input that decides a gate
 * keeps its default; the operator who started a run cannot approve its gates; a manual run never
 * joins an open incident.
 */
import { DescribeInstancesCommand, DescribeNetworkInterfacesCommand, DescribeSnapshotsCommand } from '@aws-sdk/client-ec2';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { IncidentSnapshot } from '../../src/domain/incident';
import type { DemoFleet } from '../../src/local/demo-fleet';
import { readAudit } from '../../src/evidence/audit-trail';
import { incidentIdFor } from '../../src/temporal/incident-id';
import { freshFleet, settled, stepStatus } from '../helpers/containment';
import { runCordon } from '../helpers/cli';
import { ACCOUNT, REGION, startStack, type Stack } from '../helpers/stack';

/** The README's worked example, exactly as the README shows it. */
function readmeExample(): string {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const from = readme.indexOf('**Worked example.**');
  const block = /```yaml\n([\s\S]*?)```/.exec(readme.slice(from));
  if (from < 0 || !block) throw new Error('README: no worked example');
  return block[1]!;
}
const example = readmeExample();
/** A gate chosen by an input: a manual run may not move it. */
const gatedByInput = `name: fast-or-careful
version: "2"
matches:
  resourceKind: ec2-instance
  severities: [medium, high, critical]
inputs:
  fast: { type: boolean, default: false }
  note: { type: string, default: "" }
  budget: { type: number, default: 3 }
steps:
  - step: describe
  - step: contain
    when: not inputs.fast
  - step: contain
    gate: auto
    when: inputs.fast
  - step: tag-containing
`;

let stack: Stack;
let fleet: DemoFleet;
let dir: string;
let baseUrl: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-manual-runbooks-'));
  fs.writeFileSync(path.join(dir, 'ssh-bruteforce.yaml'), example);
  fs.writeFileSync(path.join(dir, 'fast-or-careful.yaml'), gatedByInput);
  stack = await startStack({ runbooks: { dir } });
  fleet = await freshFleet(stack);
  baseUrl = await stack.api.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await stack?.teardown();
  fs.rmSync(dir, { recursive: true, force: true });
});

const as = (who: string) => ({ authorization: `Bearer ${stack.tokens[who]}` });
const cli = (who: string, ...args: string[]) => runCordon(['--api', baseUrl, '--token', stack.tokens[who]!, ...args]);
const run = (who: string, name: string, payload: unknown) =>
  stack.api.inject({ method: 'POST', url: `/v1/runbooks/${name}/runs`, headers: as(who), payload: payload as object });
const workflows = async () => (await stack.client.workflow.count('')).count;
async function enisGroups(instanceId: string): Promise<string[][]> {
  const i = (await stack.aws.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }))).Reservations![0]!.Instances![0]!;
  const enis = await stack.aws.ec2.send(
    new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: i.NetworkInterfaces!.map((e) => e.NetworkInterfaceId!) }),
  );
  return enis.NetworkInterfaces!.map((e) => e.Groups!.map((g) => g.GroupId!));
}

test('bad requests are 4xx naming their field, and start nothing', async () => {
  const target = { kind: 'ec2-instance', id: fleet.instanceIds[2]! };
  const before = await workflows();
  const cases: [string, string, unknown, number, string][] = [
    ['alice', 'ssh-bruteforce-tag-snapshot', { target, inputs: { nope: true }, reason: 'r' }, 400, 'inputs.nope'],
    ['alice', 'ssh-bruteforce-tag-snapshot', { target, inputs: { keepConsole: 'yes' }, reason: 'r' }, 400, 'inputs.keepConsole'],
    ['alice', 'fast-or-careful', { target, inputs: { budget: 'many' }, reason: 'r' }, 400, 'inputs.budget'],
    ['alice', 'ssh-bruteforce-tag-snapshot', { target: { kind: 'iam-access-key', id: 'AKIA0' }, reason: 'r' }, 422, 'target.kind'],
    ['alice', 'ssh-bruteforce-tag-snapshot', { target: { kind: 'ec2-instance', id: 'i-zz' }, reason: 'r' }, 400, 'target.id'],
    ['alice', 'ssh-bruteforce-tag-snapshot', { target }, 400, 'reason'],
    ['alice', 'ssh-bruteforce-tag-snapshot', { target, reason: 'r', openedBy: 'mallory' }, 400, '(root)'],
    ['alice', 'fast-or-careful', { target, severity: 'low', reason: 'r' }, 422, 'severity'],
    // An input that decides whether a person must agree keeps its default in a manual run.
    ['alice', 'fast-or-careful', { target, inputs: { fast: 'true' }, reason: 'r' }, 403, 'inputs.fast'],
  ];
  for (const [who, name, body, status, field] of cases) {
    const res = await run(who, name, body);
    expect({ body, status: res.statusCode }).toEqual({ body, status });
    expect(res.json().error.issues.map((i: { path: string }) => i.path)).toContain(field);
  }
  expect((await run('alice', 'no-such-runbook', { target, reason: 'r' })).statusCode).toBe(404);
  for (const who of ['audrey', 'bob', 'sensor', 'dora'])
    expect((await run(who, 'ssh-bruteforce-tag-snapshot', { target, reason: 'r' })).statusCode).toBe(403);

  // Through the CLI: one line, exit ≠ 0, nothing sent for a malformed --input.
  const malformed = await cli(
    'alice',
    'run',
    'ssh-bruteforce-tag-snapshot',
    '--instance',
    target.id,
    '--input',
    'keepConsole',
    '--reason',
    'r',
  );
  expect(malformed.code).toBe(2);
  expect(malformed.stderr.trim().split('\n')).toEqual(['cordon: --input keepConsole: expected name=value']);
  const unknown = await cli('alice', 'run', 'ssh-bruteforce-tag-snapshot', '--instance', target.id, '--input', 'nope=1', '--reason', 'r');
  expect(unknown.code).toBe(2);
  expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
  expect(unknown.stderr).toMatch(/HTTP 400: .*inputs\.nope: not an input of ssh-bruteforce-tag-snapshot \(inputs: keepConsole\)/);
  const gate = await cli('alice', 'run', 'fast-or-careful', '--instance', target.id, '--input', 'fast=true', '--reason', 'r');
  expect(gate.code).toBe(4);
  expect(gate.stderr).toMatch(/inputs\.fast: decides whether a person must agree \(steps\.1 "contain" when: not inputs\.fast\)/);

  expect(await workflows()).toBe(before);
  expect(await stack.incidents.get(incidentIdFor({ account: ACCOUNT, region: REGION, instanceId: target.id }))).toBeUndefined();
});

test('cordon run starts the README example by hand: the input reaches when:, provenance is manual, isolation waits for an approver', async () => {
  const accused = fleet.instanceIds[0]!;
  const before = await enisGroups(accused);
  const started = await cli(
    'alice',
    'run',
    'ssh-bruteforce-tag-snapshot',
    '--instance',
    accused,
    '--input',
    'keepConsole=true',
    '--reason',
    'brute force seen in the auth log',
  );
  expect(started.stderr).toBe('');
  expect(started.code).toBe(0);
  const id = /^started (inc-\S+)$/m.exec(started.stdout)?.[1];
  expect(id).toBe(incidentIdFor({ account: ACCOUNT, region: REGION, instanceId: accused }));
  expect(started.stdout).toContain('inputs    keepConsole=true');

  const waiting = await settled(stack, id!, (s) => stepStatus(s, 'isolate') === 'awaiting-approval', 90000);
  const sha256 = crypto.createHash('sha256').update(example).digest('hex');
  expect(waiting.runbook).toEqual({ name: 'ssh-bruteforce-tag-snapshot', version: '4', sha256 });
  expect(waiting.provenance).toEqual({
    requestedBy: { kind: 'operator', name: 'alice' },
    mode: 'live',
    via: 'manual',
    reason: 'brute force seen in the auth log',
  });
  expect(waiting.alertCount).toBe(0);
  // inputs.keepConsole = true: the conditional capture is in the run.
  expect(waiting.steps.map((s) => [s.name, s.status])).toEqual([
    ['describe', 'done'],
    ['contain', 'done'],
    ['tag-containing', 'done'],
    ['snapshot-volumes', 'done'],
    ['capture-console', 'done'],
    ['isolate', 'awaiting-approval'],
    ['tag-quarantined', 'pending'],
  ]);
  const snapshots = await stack.aws.ec2.send(new DescribeSnapshotsCommand({ Filters: [{ Name: 'tag:cordon:incident', Values: [id!] }] }));
  expect(snapshots.Snapshots!.length).toBeGreaterThan(0);
  expect(await enisGroups(accused)).toEqual(before);

  // The API shows who started it and the pinned definition with the inputs it ran with.
  const incident = (
    await stack.api.inject({ method: 'GET', url: `/v1/incidents/${id}`, headers: as('audrey') })
  ).json() as IncidentSnapshot;
  const opening = incident.timeline.find((t) => t.message.startsWith('incident started by hand by alice'));
  expect(opening).toMatchObject({ actor: 'alice', data: { via: 'manual', inputs: { keepConsole: true }, runbook: { sha256 } } });
  expect(opening!.message).toContain('reason: brute force seen in the auth log');
  const pinned = (await stack.api.inject({ method: 'GET', url: `/v1/incidents/${id}/runbook`, headers: as('audrey') })).json();
  expect(pinned.runbook).toMatchObject({ name: 'ssh-bruteforce-tag-snapshot', version: '4', sha256, inputs: { keepConsole: true } });
  expect(pinned.runbook.steps.find((s: { step: string }) => s.step === 'capture-console')).toEqual({
    step: 'capture-console',
    when: 'inputs.keepConsole',
  });
  expect(pinned.provenance).toEqual(waiting.provenance);
  // …and so does the audit trail in the evidence store.
  const audit = await readAudit(stack.evidence, id!);
  expect(audit.find((e) => e.message.startsWith('incident started by hand by alice'))).toMatchObject({ actor: 'alice' });
  const show = await cli('audrey', 'show', id!);
  expect(show.stdout).toContain('started   by hand by alice: brute force seen in the auth log');
  const list = await cli('audrey', 'incidents');
  expect(list.stdout).toMatch(new RegExp(`^${id} +.* ssh-bruteforce-tag-snapshot 4$`, 'm'));

  // A second manual run never joins the open incident.
  const again = await cli('alice', 'run', 'ssh-bruteforce-tag-snapshot', '--instance', accused, '--reason', 'again');
  expect(again.code).toBe(4);
  expect(again.stderr).toMatch(/HTTP 409: .* is open: a manual run starts a new incident and never joins one/);

  const approve = await cli('bob', 'approve', id!, 'isolate', '--reason', 'confirmed from the auth log');
  expect(approve.code).toBe(0);
  const done = await settled(stack, id!, (s) => stepStatus(s, 'tag-quarantined') === 'done', 90000);
  expect(done.steps.find((s) => s.name === 'isolate')!.approvals).toEqual([expect.objectContaining({ by: 'bob' })]);
  expect(await enisGroups(accused)).not.toEqual(before);
});

test('the same runbook through the alert door takes the input’s default: no console capture', async () => {
  const accused = fleet.instanceIds[1]!;
  const text = fs
    .readFileSync(path.join(__dirname, '..', 'fixtures', 'alerts', 'guardduty-ssh-bruteforce.json'), 'utf8')
    .split('i-0a1b2c3d4e5f60718')
    .join(accused)
    .replace(/20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, new Date().toISOString());
  const res = await stack.api.inject({
    method: 'POST',
    url: '/v1/alerts/guardduty',
    headers: { 'content-type': 'application/json', ...as('sensor') },
    payload: text,
  });
  expect(res.statusCode).toBe(202);
  const id = res.json().accepted[0].incidentId as string;
  const waiting = await settled(stack, id, (s) => stepStatus(s, 'isolate') === 'awaiting-approval', 90000);
  expect(waiting.runbook?.name).toBe('ssh-bruteforce-tag-snapshot');
  expect(waiting.steps.map((s) => s.name)).not.toContain('capture-console');
  expect(waiting.provenance).toEqual({ requestedBy: { kind: 'source', source: 'guardduty', name: 'sensor' }, mode: 'live' });
  const pinned = (await stack.api.inject({ method: 'GET', url: `/v1/incidents/${id}/runbook`, headers: as('alice') })).json();
  expect(pinned.runbook.inputs).toEqual({ keepConsole: false });
});

test('a manual run gets the severity policy’s gates, and its operator cannot approve them', async () => {
  const accused = fleet.instanceIds[2]!;
  const res = await run('admin', 'ec2-compromised-instance', {
    target: { kind: 'ec2-instance', id: accused },
    reason: 'suspicious process list',
  });
  expect(res.statusCode).toBe(202);
  expect(res.json()).toMatchObject({ severity: 'medium', runbook: { name: 'ec2-compromised-instance' } });
  const id = res.json().incidentId as string;
  const waiting = await settled(stack, id, (s) => stepStatus(s, 'contain') === 'awaiting-approval', 90000);
  expect(waiting.steps.find((s) => s.name === 'contain')!.detail).toContain('needs 1 approval(s) from approver');
  const self = await stack.api.inject({
    method: 'POST',
    url: `/v1/incidents/${id}/decisions`,
    headers: as('admin'),
    payload: { step: 'contain', decision: 'approve', reason: 'I started it' },
  });
  expect(self.statusCode).toBe(403);
  expect(self.json().error.code).toBe('self_approval');
  const bob = await stack.api.inject({
    method: 'POST',
    url: `/v1/incidents/${id}/decisions`,
    headers: as('bob'),
    payload: { step: 'contain', decision: 'approve', reason: 'process list confirms it' },
  });
  expect(bob.statusCode).toBe(200);
  await settled(stack, id, (s) => stepStatus(s, 'contain') === 'done', 30000);
});
