/** Reading a runbook file: hostile YAML is refused with a position, never expanded; a valid file keeps the hash of its bytes. */
import crypto from 'node:crypto';
import { parseRunbook } from '../../../src/runbooks/load-runbook';

const head = 'name: my-runbook\nversion: 1\nmatches:\n  resourceKind: ec2-instance\n';

test('an alias bomb is refused, not expanded', () => {
  const bomb = [
    head,
    'a: &a ["x","x","x","x","x","x","x","x","x","x"]',
    'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]',
    'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]',
    'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]',
    'steps: [*d]',
    '',
  ].join('\n');
  const r = parseRunbook(bomb, 'bomb.yaml');
  expect(r.ok).toBe(false);
  expect(!r.ok && r.problems[0]).toEqual(
    expect.objectContaining({ file: 'bomb.yaml', line: 1, col: 1, message: expect.stringMatching(/YAML: .*alias/i) }),
  );
});

test('YAML tags that would build objects are not honoured: a !!js/function stays a problem, nothing runs', () => {
  const r = parseRunbook(`${head}steps:\n  - step: !!js/function "function () { process.exit(9) }"\n`, 'tagged.yaml');
  expect(r.ok).toBe(false);
});

test('every problem of a file is reported at once, each at its own line', () => {
  const r = parseRunbook(
    'name: X\nversion: 1\nmatches:\n  resourceKind: ec2-instance\n  colour: red\nsteps:\n  - step: describe\n  - step: nope\n',
    'many.yaml',
  );
  expect(!r.ok && r.problems.map((p) => [p.line, p.col])).toEqual([
    [1, 7],
    [5, 11],
    [8, 11],
  ]);
});

test('a valid file pins the sha256 of its bytes', () => {
  const text = `${head}steps:\n  - step: describe\n`;
  const r = parseRunbook(text, 'ok.yaml');
  expect(r.ok && r.runbook.sha256).toBe(crypto.createHash('sha256').update(text).digest('hex'));
});

describe('an access-key runbook', () => {
  const iamHead = 'name: keys\nversion: 1\nmatches:\n  resourceKind: iam-access-key\n';
  const messages = (text: string) => {
    const r = parseRunbook(text, 'keys.yaml');
    return r.ok ? [] : r.problems.map((p) => `${p.line}:${p.col} ${p.message}`);
  };

  test('names only steps that act on access keys', () => {
    expect(messages(`${iamHead}steps:\n  - step: describe\n  - step: isolate\n`)).toEqual([
      '7:11 steps.1.step: "isolate" acts on ec2-instance; this runbook matches iam-access-key',
    ]);
    expect(messages(`${head}steps:\n  - step: describe\n  - step: capture-principal\n`)).toEqual([
      '7:11 steps.1.step: "capture-principal" acts on iam-access-key; this runbook matches ec2-instance',
    ]);
  });

  test("keeps the principal's state as evidence before any step that changes it", () => {
    expect(messages(`${iamHead}steps:\n  - step: describe\n  - step: deactivate-access-key\n  - step: capture-principal\n`)).toEqual([
      '7:5 steps.1: "deactivate-access-key" changes the accused principal: an unconditional "capture-principal" step must come before it, so its state is evidence first',
    ]);
    expect(
      messages(
        `${iamHead}steps:\n  - step: describe\n  - step: capture-principal\n    when: inputs.x\n  - step: revoke-principal-sessions\ninputs:\n  x: { type: boolean, default: true }\n`,
      ),
    ).toEqual([expect.stringContaining('"revoke-principal-sessions" changes the accused principal')]);
    expect(messages(`${iamHead}steps:\n  - step: describe\n  - step: capture-principal\n  - step: deactivate-access-key\n`)).toEqual([]);
  });

  test('an unknown resource kind names the kinds there are', () => {
    expect(messages('name: x1\nversion: 1\nmatches:\n  resourceKind: s3-bucket\nsteps:\n  - step: describe\n')).toEqual([
      '4:17 matches.resourceKind: expected one of ec2-instance, iam-access-key',
    ]);
  });
});
