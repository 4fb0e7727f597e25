/**
 * Plans honour runbooks, through the user's doors (the CLI as a subprocess, the HTTP API) against
 * the dev server and moto: `cordon runbooks plan FILE --alert FILE` resolves a runbook file that is
 * not installed against the live fleet and prints its steps, gates and every call it would make,
 * changing nothing in moto; a dry-run alert plans the runbook a live incident would pin. A runbook
 * whose variants overlap for an alert is a 422 `runbook_conflict` (live, dry run and plan) that
 * starts nothing and keeps no evidence; two runbooks that match an alert equally are chosen by name, as the README says.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { IncidentSnapshot } from '../../src/domain/incident';
import type { DemoFleet } from '../../src/local/demo-fleet';
import { freshFleet, motoState } from '../helpers/containment';
import { runCordon } from '../helpers/cli';
import { readManifest } from '../../src/evidence/manifest';
import { incidentIdFor } from '../../src/temporal/incident-id';
import { ACCOUNT, REGION, eventually, startStack, type Stack } from '../helpers/stack';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'alerts');
const notInstalled = `name: isolate-after-approval
version: "5"
matches:
  resourceKind: ec2-instance
  sources: [guardduty]
steps:
  - step: describe
  - step: contain
    gate: auto
  - step: tag-containing
  - step: snapshot-volumes
  - step: isolate
    gate: { mode: approvers, roles: [approver], timeoutMinutes: 20 }
  - step: tag-quarantined
`;
// Both variants of "contain" hold for a high-severity C&C finding.
const overlapping = `name: overlapping-variants
version: "1"
matches:
  resourceKind: ec2-instance
  findingTypes: ["Backdoor:EC2/*"]
steps:
  - step: describe
  - step: contain
    gate: auto
    when: alert.severity == 'high' or alert.severity == 'critical'
  - step: contain
    when: alert.commandAndControl
  - step: tag-containing
`;
const generic = (name: string, last: string) => `name: ${name}
version: "1"
matches:
  resourceKind: ec2-instance
  sources: [generic]
steps:
  - step: describe
  - step: contain
  - step: ${last}
`;

let stack: Stack;
let fleet: DemoFleet;
let installed: string;
let scratch: string;
let baseUrl: string;

beforeAll(async () => {
  installed = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-plan-installed-'));
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-plan-scratch-'));
  fs.writeFileSync(path.join(installed, 'overlap.yaml'), overlapping);
  fs.writeFileSync(path.join(installed, 'bb.yaml'), generic('bb-generic', 'isolate'));
  fs.writeFileSync(path.join(installed, 'aa.yaml'), generic('aa-generic', 'tag-containing'));
  stack = await startStack({ runbooks: { dir: installed } });
  fleet = await freshFleet(stack);
  baseUrl = await stack.api.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await stack?.teardown();
  fs.rmSync(installed, { recursive: true, force: true });
  fs.rmSync(scratch, { recursive: true, force: true });
});

const as = (who: string) => ({ authorization: `Bearer ${stack.tokens[who]}` });
const cli = (...args: string[]) => runCordon(['--api', baseUrl, '--token', stack.tokens.alice!, ...args]);
const workflows = async () => (await stack.client.workflow.count('')).count;
function finding(fixture: string, instanceId: string): string {
  return fs
    .readFileSync(path.join(FIXTURES, fixture), 'utf8')
    .split('i-0a1b2c3d4e5f60718')
    .join(instanceId)
    .replace(/20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, new Date().toISOString());
}
function write(name: string, text: string): string {
  const file = path.join(scratch, name);
  fs.writeFileSync(file, text);
  return file;
}

test('cordon runbooks plan: a file not installed, resolved against the live fleet, every call listed, nothing changed', async () => {
  const accused = fleet.instanceIds[0]!;
  const runbookFile = write('isolate-after-approval.yaml', notInstalled);
  const alertFile = write('ssh.json', finding('guardduty-ssh-bruteforce.json', accused));
  const before = await motoState(stack, fleet);
  const workflowsBefore = await workflows();

  const r = await cli('runbooks', 'plan', runbookFile, '--alert', alertFile);
  process.stdout.write(`\n----\n${r.stdout}\n----\n`);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const lines = r.stdout.split('\n');
  expect(lines[0]).toMatch(
    /^plan of isolate-after-approval 5 \(.*isolate-after-approval\.yaml, sha256 [0-9a-f]{12}…\) for a guardduty alert$/,
  );
  expect(lines[1]).toBe('its matches accept this alert; installed, a live incident would pin: ec2-compromised-instance 1.0.0');
  expect(r.stdout).toMatch(new RegExp(`^${accused} → plan-[0-9a-f-]{36} \\(completed; nothing was changed\\)$`, 'm'));
  expect(r.stdout).toMatch(/^5 +isolate +done +plan: would wait for 1 approval\(s\) from approver.*up to 20 min/m);
  expect(r.stdout).toMatch(/^tag-containing +ec2:CreateTags +\{"Resources":\["i-/m);
  expect(r.stdout).toMatch(/^isolate +ec2:ModifyNetworkInterfaceAttribute +\{/m);
  expect(r.stdout).not.toMatch(/DetachInstances|CreateLaunchTemplateVersion/);

  const json = await cli('--json', 'runbooks', 'plan', runbookFile, '--alert', alertFile);
  expect(json.code).toBe(0);
  const answer = JSON.parse(json.stdout) as { runbook: { name: string; matches: boolean }; plans: { result: IncidentSnapshot }[] };
  expect(answer.runbook).toMatchObject({ name: 'isolate-after-approval', matches: true });
  const plan = answer.plans[0]!.result;
  expect(plan.runbook).toMatchObject({ name: 'isolate-after-approval', version: '5' });
  expect(plan.steps.map((s) => s.name)).toEqual([
    'describe',
    'contain',
    'tag-containing',
    'snapshot-volumes',
    'isolate',
    'tag-quarantined',
  ]);
  expect(plan.plan!.map((c) => c.step)).toEqual(expect.arrayContaining(['tag-containing', 'isolate', 'tag-quarantined']));

  // Nothing changed in moto, and no incident was started: only plan workflows.
  expect(await motoState(stack, fleet)).toBe(before);
  expect((await stack.client.workflow.count(`WorkflowType = 'incidentWorkflow'`)).count).toBe(0);
  await eventually(async () => (await workflows()) === workflowsBefore + 2, 10000, 'two plan workflows in visibility');

  // A payload the file's matches do not accept is planned anyway, and says so.
  const c2 = write('c2.json', finding('guardduty-c2-activity.json', accused));
  const generic = write('only-generic.yaml', notInstalled.replace('sources: [guardduty]', 'sources: [generic]'));
  const other = await cli('runbooks', 'plan', generic, '--alert', c2);
  expect(other.code).toBe(0);
  expect(other.stdout.split('\n')[1]).toBe(
    'its matches do NOT accept this alert (planned anyway); a live incident would pin: overlapping-variants 1',
  );

  // An input the file does not declare: one line, exit 2, nothing planned.
  const undeclared = await cli('runbooks', 'plan', runbookFile, '--alert', alertFile, '--input', 'hurry=true');
  expect(undeclared.code).toBe(2);
  expect(undeclared.stderr.trim().split('\n')).toEqual([
    expect.stringMatching(
      /^cordon: HTTP 400: invalid inputs for isolate-after-approval \(inputs\.hurry: not an input of isolate-after-approval \(inputs: none\)\)$/,
    ),
  ]);

  // A broken file is refused offline, one file:line:col line per problem, nothing sent.
  const broken = write('broken.yaml', notInstalled.replace('step: isolate\n', 'step: isolate\n    alongside: true\n'));
  const refused = await cli('runbooks', 'plan', broken, '--alert', alertFile);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toMatch(/broken\.yaml:\d+:\d+ steps\.4\.alongside: "isolate" cannot run alongside/);
  await eventually(async () => (await workflows()) === workflowsBefore + 3, 10000, 'three plan workflows in visibility');
});

test('a dry-run alert plans the runbook a live incident would pin; equal matches are chosen by name', async () => {
  const res = await stack.api.inject({
    method: 'POST',
    url: '/v1/alerts/generic?dryRun=true',
    headers: as('alice'),
    payload: { instanceId: fleet.instanceIds[1], severity: 'high', title: 'odd outbound traffic' },
  });
  expect(res.statusCode).toBe(202);
  const planId = res.json().plans[0].planId as string;
  const view = (await stack.api.inject({ method: 'GET', url: `/v1/plans/${planId}?waitSeconds=30`, headers: as('audrey') })).json() as {
    status: string;
    result: IncidentSnapshot;
  };
  expect(view.status).toBe('COMPLETED');
  // aa-generic and bb-generic match alike (sources only): the name decides.
  expect(view.result.runbook).toMatchObject({ name: 'aa-generic', version: '1' });
  expect(view.result.steps.map((s) => s.name)).toEqual(['describe', 'contain', 'tag-containing']);
});

test('a runbook whose variants overlap for an alert is a 422 naming both entries, live, dry run and plan, and starts nothing', async () => {
  const accused = fleet.instanceIds[2]!;
  const before = await workflows();
  for (const url of ['/v1/alerts/guardduty', '/v1/alerts/guardduty?dryRun=true']) {
    const res = await stack.api.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json', ...as('sensor') },
      payload: finding('guardduty-c2-activity.json', accused),
    });
    expect({ url, status: res.statusCode }).toEqual({ url, status: 422 });
    expect(res.json().error.code).toBe('runbook_conflict');
    expect(res.json().error.message).toMatch(
      /^runbook overlapping-variants 1: steps\.1 and steps\.2 \("contain"\) both hold for this alert .*nothing was started/,
    );
    expect(res.json().error.issues.map((i: { path: string }) => i.path)).toEqual([
      'runbook(overlapping-variants).steps[1].when',
      'runbook(overlapping-variants).steps[2].when',
    ]);
  }
  const r = await cli(
    'runbooks',
    'plan',
    path.join(installed, 'overlap.yaml'),
    '--alert',
    write('c2-2.json', finding('guardduty-c2-activity.json', accused)),
  );
  expect(r.code).toBe(2);
  expect(r.stderr.trim().split('\n')).toEqual([
    expect.stringMatching(/^cordon: HTTP 422: runbook overlapping-variants 1: steps\.1 and steps\.2/),
  ]);
  expect(await workflows()).toBe(before);
  // A refused alert keeps no evidence either.
  expect(await readManifest(stack.evidence, incidentIdFor({ account: ACCOUNT, region: REGION, instanceId: accused }))).toEqual([]);
});
