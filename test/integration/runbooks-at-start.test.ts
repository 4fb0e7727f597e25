/**
 * Runbooks as production starts them: the API and worker as their own processes (the container
 * commands), CORDON_RUNBOOKS_DIR holding valid runbooks and an invalid one. The invalid one is
 * refused at start with its line and column in the API's log, the API keeps running with the
 * valid ones (one without a human gate loads with a warning in the log), and an alert through
 * its HTTP door opens an incident that runs the operator's runbook, pinned, on the worker process.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { IncidentSnapshot } from '../../src/domain/incident';
import type { DemoFleet } from '../../src/local/demo-fleet';
import { freePort } from '../../src/local/free-port';
import { bundleOnce, startApiProcess, startWorkerProcess, type CordonProcess } from '../../src/local/cordon-processes';
import { freshFleet } from '../helpers/containment';
import { eventually, startStack, stackEnv, type Stack } from '../helpers/stack';

const runbook = `name: recon-tag-only
version: "7"
matches:
  resourceKind: ec2-instance
  findingTypes: ["Backdoor:EC2/*"]
steps:
  - step: describe
  - step: contain
    gate: auto
  - step: tag-containing
  - step: isolate
    gate: { mode: two-person, roles: [approver] }
`;
// Loads, but nothing in it waits for a person: the loader warns.
const gateless =
  'name: tag-at-once\nversion: "1"\nmatches:\n  resourceKind: ec2-instance\n  sources: [generic]\nsteps:\n  - step: describe\n  - step: tag-containing\n';
const broken =
  'name: half-written\nversion: 1\nmatches:\n  resourceKind: ec2-instance\nsteps:\n  - step: describe\n  - step: known-good\n  - step: point-group\n    params: { imageId: ami-0123456789abcdef0 }\n';

let stack: Stack;
let fleet: DemoFleet;
let api: CordonProcess & { url: string };
let worker: CordonProcess;
const adminToken = crypto.randomBytes(24).toString('hex');

beforeAll(async () => {
  stack = await startStack({ worker: false });
  fleet = await freshFleet(stack);
  const dir = path.join(stack.dir, 'my-runbooks');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'recon.yaml'), runbook);
  fs.writeFileSync(path.join(dir, 'half-written.yaml'), broken);
  fs.writeFileSync(path.join(dir, 'tag-at-once.yaml'), gateless);
  const env = stackEnv(stack, await bundleOnce(stack.dir), { CORDON_ADMIN_TOKEN: adminToken, CORDON_RUNBOOKS_DIR: dir });
  [worker, api] = await Promise.all([
    startWorkerProcess(env, path.join(stack.dir, 'worker.log')),
    freePort().then((port) => startApiProcess(env, path.join(stack.dir, 'api.log'), port)),
  ]);
});
afterAll(async () => {
  await Promise.all([api?.kill9(), worker?.kill9()]);
  await stack?.teardown();
});

const get = async <T>(p: string): Promise<T> =>
  (await fetch(`${api.url}${p}`, { headers: { authorization: `Bearer ${adminToken}` } })).json() as Promise<T>;

test('an invalid runbook is refused at start with its line and column in the log; the API runs with the valid ones', async () => {
  const refused = api.logLines().filter((l) => typeof l.msg === 'string' && l.msg.startsWith('runbook refused: '));
  expect(refused.map((l) => l.msg)).toEqual([
    expect.stringMatching(
      /^runbook refused: .*half-written\.yaml:9:24 steps\.2\.params\.imageId: "point-group" takes no image: a replacement comes only from the known-good choice/,
    ),
  ]);
  expect(refused[0]!.level).toBe(50);
  const list = await get<{ runbooks: { name: string }[]; refused: string[]; warnings: string[] }>('/v1/runbooks');
  expect(list.runbooks.map((r) => r.name)).toEqual([
    'ec2-compromised-instance',
    'iam-access-key-compromise',
    'recon-tag-only',
    'tag-at-once',
  ]);
  expect(list.refused).toEqual([expect.stringMatching(/^half-written\.yaml:9:24 /)]);
});

test('a runbook without a human gate loads with a warning in the log and in GET /v1/runbooks', async () => {
  const warned = api.logLines().filter((l) => typeof l.msg === 'string' && l.msg.startsWith('runbook warning: '));
  expect(warned.map((l) => [l.level, l.msg])).toEqual([
    [40, expect.stringMatching(/^runbook warning: .*tag-at-once\.yaml:7:3 steps: no human gate: no unconditional step waits for a person/)],
  ]);
  const list = await get<{ warnings: string[] }>('/v1/runbooks');
  expect(list.warnings).toEqual([expect.stringMatching(/^tag-at-once\.yaml:7:3 steps: no human gate/)]);
});

test("an alert through the API process runs the operator's runbook, pinned, on the worker process", async () => {
  const accused = fleet.instanceIds[0]!;
  const now = new Date().toISOString();
  const finding = JSON.parse(
    fs
      .readFileSync(path.join(__dirname, '..', 'fixtures', 'alerts', 'guardduty-c2-activity.json'), 'utf8')
      .split('i-0a1b2c3d4e5f60718')
      .join(accused)
      .replace(/20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, now),
  ) as unknown;
  const res = await fetch(`${api.url}/v1/alerts/guardduty`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(finding),
  });
  expect(res.status).toBe(202);
  const { accepted } = (await res.json()) as { accepted: { incidentId: string }[] };
  const snap = await eventually(
    async () => {
      const s = await get<IncidentSnapshot>(`/v1/incidents/${accepted[0]!.incidentId}`);
      return s.steps?.find((x) => x.name === 'isolate')?.status === 'awaiting-approval' ? s : undefined;
    },
    90000,
    'isolate waiting for two approvers',
  );
  expect(snap.runbook).toEqual({ name: 'recon-tag-only', version: '7', sha256: crypto.createHash('sha256').update(runbook).digest('hex') });
  expect(snap.steps.map((s) => `${s.name}:${s.status}`)).toEqual([
    'describe:done',
    'contain:done',
    'tag-containing:done',
    'isolate:awaiting-approval',
  ]);
  expect(snap.steps.find((s) => s.name === 'isolate')!.detail).toContain('needs 2 approval(s) from approver');
});
