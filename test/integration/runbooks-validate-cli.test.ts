/**
 * `cordon runbooks validate FILE` through the real CLI (offline): a valid file says so; every
 * problem — YAML, shape, catalogue, `when:` syntax, the engine's invariants — is one
 * `file:line:col message` line pointing at the field at fault, and the exit code is 2; a runbook
 * in which nothing waits for a person is valid, with a `warning:` line on stderr.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCordon } from '../helpers/cli';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-runbooks-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
};
const head = 'name: my-runbook\nversion: 1\nmatches:\n  resourceKind: ec2-instance\nsteps:\n  - step: describe\n';

test('the shipped EC2 runbook is valid', async () => {
  const r = await runCordon(['runbooks', 'validate', path.resolve(__dirname, '../../runbooks/ec2-compromised-instance.yaml')]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/valid — ec2-compromised-instance 1\.0\.0, 27 steps, sha256 [0-9a-f]{64}/);
});

test.each([
  ['an unknown step', `${head}  - step: nuke-account\n`, 7, 11, /steps\.1\.step: no step "nuke-account" in the catalogue/],
  ['an unknown field', `${head}  - step: isolate\n    whn: policy.memory\n`, 8, 10, /Unrecognized key.*whn/i],
  [
    'a when: syntax error, at its character',
    `${head}  - step: isolate\n    when: alert.activeThreat ; true\n`,
    8,
    30,
    /when: unexpected character ";" \(at character 20\)/,
  ],
  [
    'a when: reading an undeclared input',
    `${head}  - step: isolate\n    when: inputs.hurry\n`,
    8,
    11,
    /reads inputs\.hurry, which the runbook does not declare/,
  ],
  [
    'a parameter of the wrong type',
    `${head}  - step: protect-evidence\n  - step: leave-group\n    params: { mode: eject }\n`,
    9,
    21,
    /params.mode: expected one of detach, standby/,
  ],
  [
    'a gate from policy on an action',
    `${head}  - step: isolate\n    gate: policy\n`,
    8,
    11,
    /"isolate" has no gate in the severity policy/,
  ],
  ['alongside on a containment step', `${head}  - step: isolate\n    alongside: true\n`, 8, 16, /"isolate" cannot run alongside/],
  [
    'a missing field, at its parent',
    'name: my-runbook\nmatches:\n  resourceKind: ec2-instance\nsteps:\n  - step: describe\n',
    1,
    1,
    /version: /,
  ],
  [
    'a wrong resource kind',
    'name: my-runbook\nversion: 1\nmatches:\n  resourceKind: s3-bucket\nsteps:\n  - step: describe\n',
    4,
    17,
    /expected one of ec2-instance, iam-access-key/,
  ],
  ['broken YAML', `${head}  - step: [isolate\n`, 8, 1, /YAML: /],
  ['a duplicate key', `${head}  - step: isolate\n    step: cut-credentials\n`, 8, 5, /YAML: Map keys must be unique/],
])('%s → file:line:col', async (_label, text, line, col, message) => {
  const file = write(`case-${line}-${col}.yaml`, text);
  const r = await runCordon(['runbooks', 'validate', file]);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trim().split('\n');
  expect(lines.some((l) => l.startsWith(`${file}:${line}:${col} `) && message.test(l))).toBe(true);
});

describe('engine invariants a runbook cannot break', () => {
  test.each([
    [
      'evidence protection before a step that could destroy evidence',
      `${head}  - step: leave-group\n  - step: protect-evidence\n`,
      7,
      /"leave-group" could destroy evidence: an unconditional "protect-evidence" step must come before it/,
    ],
    [
      'a conditional evidence protection does not count',
      `${head}  - step: protect-evidence\n    when: policy.memory\n  - step: leave-group\n`,
      9,
      /"leave-group" could destroy evidence/,
    ],
    [
      'never terminate the accused unless the step says so',
      `${head}  - step: protect-evidence\n  - step: known-good\n  - step: point-group\n  - step: instance-refresh\n`,
      10,
      /"instance-refresh" would terminate the accused instance while it is still in its group/,
    ],
    [
      'a replacement only from the known-good choice (order)',
      `${head}  - step: point-group\n  - step: known-good\n`,
      7,
      /"point-group" replaces from an image: a replacement comes only from the known-good choice/,
    ],
    [
      'a replacement only from the known-good choice (no image parameter)',
      `${head}  - step: known-good\n  - step: point-group\n    params: { imageId: ami-12345678 }\n`,
      9,
      /"point-group" takes no image: a replacement comes only from the known-good choice/,
    ],
    [
      'a runbook starts by describing the target',
      'name: my-runbook\nversion: 1\nmatches:\n  resourceKind: ec2-instance\nsteps:\n  - step: isolate\n',
      6,
      /starts with an unconditional "describe" step/,
    ],
    [
      'a step named twice needs a when: on each entry',
      `${head}  - step: isolate\n  - step: isolate\n    when: policy.memory\n`,
      7,
      /"isolate" appears more than once/,
    ],
  ])('%s', async (_label, text, line, message) => {
    const file = write(`invariant-${line}-${Math.abs(text.length)}.yaml`, text);
    const r = await runCordon(['runbooks', 'validate', file]);
    expect(r.code).toBe(2);
    expect(
      r.stderr
        .trim()
        .split('\n')
        .some((l) => l.startsWith(`${file}:${line}:`) && message.test(l)),
    ).toBe(true);
  });

  test('saying terminateAccused: true explicitly is accepted, and so is the refresh after leaving the group', async () => {
    const explicit = write(
      'explicit.yaml',
      `${head}  - step: protect-evidence\n  - step: known-good\n  - step: instance-refresh\n    params: { terminateAccused: true }\n`,
    );
    const ordered = write(
      'ordered.yaml',
      `${head}  - step: protect-evidence\n  - step: known-good\n  - step: leave-group\n  - step: instance-refresh\n`,
    );
    for (const file of [explicit, ordered]) {
      const r = await runCordon(['runbooks', 'validate', file]);
      // Valid; the only word on stderr is the warning that nothing in them waits for a person.
      expect({ file, code: r.code, stderr: r.stderr }).toEqual({
        file,
        code: 0,
        stderr: expect.stringMatching(/^warning: .*no human gate/),
      });
    }
  });
});

describe('a runbook without a human gate loads, with a warning', () => {
  test.each([
    ['no gate step at all', `${head}  - step: tag-containing\n  - step: isolate\n`, true],
    ['a contain gate that is automatic', `${head}  - step: contain\n    gate: auto\n  - step: isolate\n`, true],
    ['a conditional contain gate', `${head}  - step: contain\n    when: policy.memory\n  - step: isolate\n`, true],
    ['a contain gate left to the severity policy', `${head}  - step: contain\n  - step: isolate\n`, false],
    [
      'an automatic contain and an approval on isolate',
      `${head}  - step: contain\n    gate: auto\n  - step: isolate\n    gate: { mode: approvers }\n`,
      false,
    ],
  ])('%s', async (label, text, warns) => {
    const file = write(`gate-${label.replace(/\W+/g, '-')}.yaml`, text);
    const r = await runCordon(['runbooks', 'validate', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/: valid — my-runbook 1/);
    if (!warns) return expect(r.stderr).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual([
      `warning: ${file}:6:3 steps: no human gate: no unconditional step waits for a person (a gate step such as "contain" with gate: policy or approvers, or an action with gate: { mode: approvers | two-person }), so every action runs as soon as a matching alert arrives or a manual run starts`,
    ]);
    const json = await runCordon(['--json', 'runbooks', 'validate', file]);
    expect(JSON.parse(json.stdout).warnings).toEqual([expect.stringMatching(/:6:3 steps: no human gate/)]);
  });
});

test('a missing file is one line and exit 2', async () => {
  const r = await runCordon(['runbooks', 'validate', path.join(dir, 'nope.yaml')]);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/nope\.yaml:1:1 cannot read: ENOENT/);
});
