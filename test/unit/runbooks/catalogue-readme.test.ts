/** README and catalogue agree: the step table is the one generated from the catalogue, and the worked example is a valid runbook. */
import fs from 'node:fs';
import path from 'node:path';
import { stepNames } from '../../../src/domain/runbook-catalogue';
import { renderCatalogueTable, withTable } from '../../../src/runbooks/catalogue-table';
import { parseRunbook } from '../../../src/runbooks/load-runbook';

const readme = fs.readFileSync(path.resolve(__dirname, '../../../README.md'), 'utf8');

test("the README's step table is the one generated from the catalogue (npm run runbooks:readme)", () => {
  expect(withTable(readme)).toBe(readme);
  for (const name of stepNames) expect(renderCatalogueTable()).toContain(`| \`${name}\` |`);
});

test('the worked example in the README loads, and the error it quotes is the one Cordon gives', () => {
  const section = readme.slice(readme.indexOf('## Runbooks as data'), readme.indexOf('## Evidence'));
  const example = /```yaml\n([\s\S]*?)```/.exec(section)![1]!;
  const loaded = parseRunbook(example, 'ssh-bruteforce.yaml');
  expect(loaded.ok && loaded.runbook.definition.steps.map((s) => s.step)).toEqual([
    'describe',
    'contain',
    'tag-containing',
    'snapshot-volumes',
    'capture-console',
    'isolate',
    'tag-quarantined',
  ]);
  expect(loaded.ok && loaded.runbook.warnings).toEqual([]);
  const broken =
    'name: broken-one\nversion: 1\nmatches:\n  resourceKind: ec2-instance\nsteps:\n  - step: describe\n  - step: isolate\n    when: alert.activeThreat and and\n';
  const refused = parseRunbook(broken, 'broken.yaml');
  expect(refused.ok).toBe(false);
  const line = !refused.ok
    ? `${refused.problems[0]!.file}:${refused.problems[0]!.line}:${refused.problems[0]!.col} ${refused.problems[0]!.message}`
    : '';
  expect(section).toContain(`\`${line}\``);
});
