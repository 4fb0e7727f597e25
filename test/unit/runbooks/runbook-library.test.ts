/** The runbook library: folders read at start, invalid files refused with line/column while the rest stay, the choice for an alert by specificity. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { IncidentAlert } from '../../../src/domain/incident';
import { builtInRunbooksDir, pin, RunbookLibrary } from '../../../src/runbooks/runbook-library';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-library-'));
  const rb = (name: string, matches: string) =>
    `name: ${name}\nversion: "2"\nmatches:\n  resourceKind: ec2-instance\n${matches}inputs:\n  hurry: { type: boolean, default: true }\nsteps:\n  - step: describe\n  - step: isolate\n    when: inputs.hurry\n`;
  fs.writeFileSync(path.join(dir, 'backdoor.yaml'), rb('backdoor-only', '  findingTypes: ["Backdoor:EC2/*"]\n'));
  fs.writeFileSync(path.join(dir, 'exact.yml'), rb('exact-type', '  findingTypes: ["Backdoor:EC2/C&CActivity.B"]\n'));
  fs.writeFileSync(path.join(dir, 'critical-hub.yaml'), rb('critical-hub', '  sources: [securityhub]\n  severities: [critical]\n'));
  fs.writeFileSync(
    path.join(dir, 'broken.yaml'),
    'name: broken\nversion: 1\nmatches:\n  resourceKind: ec2-instance\nsteps:\n  - step: describe\n  - step: leave-group\n',
  );
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a runbook');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const alert = (source: string, findingType?: string): IncidentAlert => ({
  source,
  sourceId: 'x',
  dedupKey: `${source}:x`,
  severity: 'high',
  title: 't',
  status: 'firing',
  ...(findingType ? { findingType } : {}),
  firstSeen: '2026-11-29T10:00:00.000Z',
  lastSeen: '2026-11-29T10:00:00.000Z',
  receivedAt: '2026-11-29T10:00:00.000Z',
});

const load = () =>
  RunbookLibrary.load([
    { dir: builtInRunbooksDir, origin: 'built-in' },
    { dir, origin: 'operator' },
  ]);

test('valid files load; an invalid one is refused with file:line:col and does not stop the others', () => {
  const lib = load();
  expect(lib.list().map((e) => e.definition.name)).toEqual([
    'backdoor-only',
    'critical-hub',
    'ec2-compromised-instance',
    'exact-type',
    'iam-access-key-compromise',
  ]);
  expect(lib.problemLines()).toEqual([
    `${path.join(dir, 'broken.yaml')}:7:5 steps.1: "leave-group" could destroy evidence: an unconditional "protect-evidence" step must come before it`,
  ]);
});

test('the most specific match wins; the EC2 runbook is the default', () => {
  const lib = load();
  const chosen = (a: IncidentAlert, sev: IncidentAlert['severity'] = 'high') => lib.choose([a], sev)?.definition.name;
  expect(chosen(alert('guardduty', 'Backdoor:EC2/C&CActivity.B'))).toBe('exact-type');
  expect(chosen(alert('guardduty', 'Backdoor:EC2/DenialOfService.Tcp'))).toBe('backdoor-only');
  expect(chosen(alert('guardduty', 'Recon:EC2/PortProbeUnprotectedPort'))).toBe('ec2-compromised-instance');
  expect(chosen(alert('securityhub'), 'critical')).toBe('critical-hub');
  expect(chosen(alert('securityhub'), 'high')).toBe('ec2-compromised-instance');
  expect(chosen(alert('alertmanager'))).toBe('ec2-compromised-instance');
});

test('a runbook answers only its resource kind: an access-key finding gets the IAM runbook, never an EC2 one', () => {
  const lib = load();
  const iamAlert = alert('guardduty', 'UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom');
  expect(lib.choose([iamAlert], 'high', 'iam-access-key')?.definition.name).toBe('iam-access-key-compromise');
  // The same finding type about an instance would not pick the IAM runbook, and an EC2 pattern never matches a key.
  expect(lib.choose([iamAlert], 'high', 'ec2-instance')?.definition.name).toBe('ec2-compromised-instance');
  expect(lib.choose([alert('guardduty', 'Backdoor:EC2/C&CActivity.B')], 'high', 'iam-access-key')?.definition.name).toBe(
    'iam-access-key-compromise',
  );
});

test('a missing operator folder is reported, the built-in runbooks stay', () => {
  const lib = RunbookLibrary.load([
    { dir: builtInRunbooksDir, origin: 'built-in' },
    { dir: path.join(dir, 'missing'), origin: 'operator' },
  ]);
  expect(lib.list().map((e) => e.definition.name)).toEqual(['ec2-compromised-instance', 'iam-access-key-compromise']);
  expect(lib.problemLines()[0]).toMatch(/missing:1:1 cannot read the runbooks folder: ENOENT/);
});

test('an operator file with a built-in name replaces it, and the clash is reported', () => {
  const other = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-library-clash-'));
  try {
    fs.copyFileSync(path.join(builtInRunbooksDir, 'ec2-compromised-instance.yaml'), path.join(other, 'mine.yaml'));
    fs.appendFileSync(path.join(other, 'mine.yaml'), '# edited\n');
    const lib = RunbookLibrary.load([
      { dir: builtInRunbooksDir, origin: 'built-in' },
      { dir: other, origin: 'operator' },
    ]);
    expect(lib.get('ec2-compromised-instance')?.origin).toBe('operator');
    expect(lib.problemLines()).toEqual([
      expect.stringMatching(
        /mine\.yaml:1:1 name "ec2-compromised-instance" is also used by .*ec2-compromised-instance\.yaml; this file replaces it/,
      ),
    ]);
  } finally {
    fs.rmSync(other, { recursive: true, force: true });
  }
});

test("pinning keeps name, version, the hash of the bytes and the inputs' defaults", () => {
  const entry = load().get('backdoor-only')!;
  const pinned = pin(entry);
  expect(pinned).toEqual({
    name: 'backdoor-only',
    version: '2',
    sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    inputs: { hurry: true },
    steps: entry.definition.steps,
  });
  const text = fs.readFileSync(path.join(dir, 'backdoor.yaml'));
  expect(pinned.sha256).toBe(require('node:crypto').createHash('sha256').update(text).digest('hex'));
});
