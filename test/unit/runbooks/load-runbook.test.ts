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
