/**
 * The `cordon` CLI as a user runs it: a separate process (bin/cordon.js) against the API on a
 * loopback port, with the dev server and moto behind it. Asserts what is printed, the JSON for
 * scripts, and the exit code for each kind of failure (documented in `--help`).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ExitCode, exitCodeMeanings, failureCatalogue, type ExitCodeName } from '../../src/domain/errors';
import { runCordon, type CliRun } from '../helpers/cli';
import { approverGate, autoPolicy, freshFleet, openIncident, settled, stepStatus } from '../helpers/containment';
import { startStack, type Stack } from '../helpers/stack';

let stack: Stack;
let baseUrl: string;
let incidentId: string;

beforeAll(async () => {
  stack = await startStack();
  const fleet = await freshFleet(stack);
  baseUrl = await stack.api.listen({ host: '127.0.0.1', port: 0 });
  incidentId = await openIncident(
    stack,
    fleet.instanceIds[0]!,
    { ...autoPolicy, contain: approverGate, replace: approverGate },
    { alert: { severity: 'medium' } },
  );
  await settled(stack, incidentId, (s) => stepStatus(s, 'contain') === 'awaiting-approval');
}, 180_000);
afterAll(async () => {
  await stack?.teardown();
});

type Run = CliRun;

function cordon(args: string[], opts: { token?: string; api?: string } = {}): Promise<Run> {
  const flags = ['--api', opts.api ?? baseUrl, ...(opts.token === '' ? [] : ['--token', opts.token ?? stack.tokens.bob!])];
  return runCordon([...flags, ...args]);
}

test('incidents and show print readable tables, and --json prints the data', async () => {
  const [list, listJson, show, showJson] = await Promise.all([
    cordon(['incidents']),
    cordon(['--json', 'incidents']),
    cordon(['show', incidentId]),
    cordon(['--json', 'show', incidentId]),
  ]);
  expect(list).toMatchObject({ code: 0, stderr: '' });
  expect(list.stdout).toMatch(/^INCIDENT\s+STATE\s+SEVERITY\s+RESOURCE\s+APPROVALS\s+AGE/);
  expect(list.stdout).toContain(incidentId);
  expect(list.stdout).not.toMatch(/\x1b\[/); // no colour codes when piped

  expect(listJson.code).toBe(0);
  expect((JSON.parse(listJson.stdout) as { incidentId: string }[]).map((i) => i.incidentId)).toContain(incidentId);

  expect(show.code).toBe(0);
  expect(show.stdout).toMatch(/^contain\s+awaiting-approval\s+needs 1 approval\(s\) from approver/m);
  expect(show.stdout).toContain(`cordon approve ${incidentId} contain --reason`);
  expect(show.stdout).toMatch(/Timeline\n.*incident opened by test/);

  const data = JSON.parse(showJson.stdout) as { incident: { incidentId: string; steps: { name: string; status: string }[] } };
  expect(data.incident.incidentId).toBe(incidentId);
  expect(data.incident.steps.find((s) => s.name === 'contain')?.status).toBe('awaiting-approval');
});

test('each failure has its own exit code and a one-line reason', async () => {
  const cases = await Promise.all([
    cordon(['approve', incidentId, 'contain', '--reason', 'looks bad'], { token: stack.tokens.alice }),
    cordon(['approve', incidentId, 'nope', '--reason', 'x']),
    cordon(['approve', incidentId, 'contain']),
    cordon(['show', 'inc-123456789012-eu-west-1-i-00000000000000000']),
    cordon(['show', 'not-an-incident']),
    cordon(['incidents'], { token: 'not-a-token' }),
    cordon(['incidents'], { api: 'http://127.0.0.1:9' }),
    cordon(['incidents'], { token: '' }),
  ]);
  const summary = cases.map((c) => [c.code, c.stderr.trim().split('\n')[0]]);
  expect(summary).toEqual([
    [ExitCode.refused, 'cordon: HTTP 403: alice has no approver role'],
    [ExitCode.refused, 'cordon: HTTP 409: no step named "nope" in this incident'],
    [ExitCode.usage, "error: required option '--reason <text>' not specified"],
    [ExitCode.notFound, 'cordon: HTTP 404: no incident inc-123456789012-eu-west-1-i-00000000000000000'],
    [ExitCode.usage, expect.stringContaining('cordon: HTTP 400: invalid path')],
    [ExitCode.unauthorized, 'cordon: HTTP 401: missing or invalid credentials'],
    [ExitCode.unreachable, expect.stringContaining('cordon: cannot reach Cordon at http://127.0.0.1:9')],
    [ExitCode.usage, expect.stringContaining('cordon: no API token')],
  ]);
});

test("the exit code is the failure catalogue's for the API's answer: a gate's refusal, an oversized payload", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-cli-'));
  const big = path.join(dir, 'big-alert.json');
  fs.writeFileSync(
    big,
    JSON.stringify({ instanceId: 'i-0123456789abcdef0', severity: 'low', title: 'too big', description: 'A'.repeat(600 * 1024) }),
  );
  try {
    const [gate, oversized] = await Promise.all([
      cordon(['approve', incidentId, 'contain', '--reason', 'the DPO is not on this gate'], { token: stack.tokens.dora }),
      cordon(['trigger', big, '--source', 'generic'], { token: stack.tokens.sensor }),
    ]);
    // The gate refuses with RoleNotAllowed (403 role_not_allowed): the catalogue's exit for it is `refused`.
    expect([gate.code, gate.stderr.trim()]).toEqual([
      ExitCode.refused,
      'cordon: HTTP 403: dora (roles: dpo) may not decide "contain"; allowed: approver',
    ]);
    expect(ExitCode[failureCatalogue.RoleNotAllowed.exit]).toBe(ExitCode.refused);
    // 413 payload_too_large is bad input: `usage`, not "the server failed".
    expect([oversized.code, oversized.stderr.trim()]).toEqual([ExitCode.usage, 'cordon: HTTP 413: request body is larger than the limit']);
    expect(ExitCode[failureCatalogue.PayloadTooLarge.exit]).toBe(ExitCode.usage);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("approve records the decision as the token's operator and exits 0; --help documents the exit codes", async () => {
  const approved = await cordon(['approve', incidentId, 'contain', '--reason', 'GuardDuty C2 finding confirmed']);
  expect(approved).toMatchObject({ code: 0, stdout: 'contain: approved (1/1 approvals)\n' });
  const s = await settled(stack, incidentId, (x) => stepStatus(x, 'isolate') === 'done');
  expect(s.timeline).toContainEqual(
    expect.objectContaining({ kind: 'approval', actor: 'bob', message: expect.stringContaining('GuardDuty C2 finding confirmed') }),
  );

  const again = await cordon(['approve', incidentId, 'contain', '--reason', 'again'], { token: stack.tokens.carol });
  expect([again.code, again.stderr.trim()]).toEqual([ExitCode.refused, 'cordon: HTTP 409: step "contain" is done, not awaiting approval']);

  const help = await cordon(['approve', '--help']);
  expect(help.code).toBe(0);
  expect(help.stdout).toContain('Exit codes:');
  expect(help.stdout).toContain('4  refused by policy');
  for (const name of Object.keys(ExitCode) as ExitCodeName[]) expect(help.stdout).toContain(`${ExitCode[name]}  ${exitCodeMeanings[name]}`);
});
