/** Export for investigators, and the workflow's timeline → audit-trail mapping (ids fixed by position, calls beside their step). */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as tar from 'tar';
import { appendAudit, readAudit, readManifest, recordArtifact } from '../../../src/evidence';
import { exportCommand, ExitCode } from '../../../src/cli/evidence-commands';
import { auditEntries } from '../../../workflows/runbook/audit-flush';
import type { PlannedCall, TimelineEntry } from '../../../src/domain/incident';
import { tempStore } from './tamper-helpers';

const ID = 'inc-123456789012-eu-west-1-i-0abc';
let t: ReturnType<typeof tempStore>;
beforeEach(() => { t = tempStore(); });
afterEach(() => t.cleanup());

test('export writes artifacts, manifest, audit, SHA256SUMS and README, and records itself as custody', async () => {
  await recordArtifact(t.store, ID, { name: 'console.txt', body: 'boot\n', mediaType: 'text/plain', source: 'ec2:GetConsoleOutput', collector: 'w1' });
  await appendAudit(t.store, ID, [{ id: 't:0', at: '2026-01-01T00:00:00Z', kind: 'note', message: 'opened' }]);
  const out = path.join(t.dir, 'out');
  const lines: string[] = [];
  expect(await exportCommand(ID, out, { store: t.store, by: 'audrey', note: 'for the DPA', write: (s) => lines.push(s) })).toBe(ExitCode.ok);
  expect(fs.readdirSync(out).sort()).toEqual(['README.md', 'SHA256SUMS', 'artifacts', 'audit.jsonl', 'manifest.jsonl']);
  const body = fs.readFileSync(path.join(out, 'artifacts', 'console.txt'));
  expect(fs.readFileSync(path.join(out, 'SHA256SUMS'), 'utf8')).toBe(`${crypto.createHash('sha256').update(body).digest('hex')}  artifacts/console.txt\n`);
  const manifest = fs.readFileSync(path.join(out, 'manifest.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string; by?: string });
  expect(manifest.map((e) => e.kind)).toEqual(['artifact', 'custody']);
  expect(manifest[1]!.by).toBe('audrey');
  expect((await readManifest(t.store, ID)).at(-1)).toMatchObject({ kind: 'custody', action: 'export', by: 'audrey', note: 'for the DPA' });
  expect(fs.readFileSync(path.join(out, 'README.md'), 'utf8')).toContain('INTACT');
  // The same folder as one archive beside it, with the sha256 printed for the recipient.
  const archived: string[] = [];
  await tar.list({ file: `${out}.tar.gz`, onReadEntry: (e) => { archived.push(e.path); } });
  expect(archived).toEqual(expect.arrayContaining(['out/README.md', 'out/SHA256SUMS', 'out/manifest.jsonl', 'out/audit.jsonl', 'out/artifacts/console.txt']));
  expect(lines.join('\n')).toContain(`sha256 ${crypto.createHash('sha256').update(fs.readFileSync(`${out}.tar.gz`)).digest('hex')}`);
  // A second export into the same folder is refused (nothing is overwritten).
  expect(await exportCommand(ID, out, { store: t.store, by: 'audrey', write: () => undefined })).toBe(ExitCode.unusable);
});

const step = (i: number, name: string, status: string): TimelineEntry => ({ at: `2026-01-01T00:00:0${i}Z`, kind: 'step', step: name, message: `Title: ${status}${status === 'done' ? ' — ok' : ''}` });

test('audit entries place each AWS call before its step closes, with ids fixed by position', () => {
  const timeline: TimelineEntry[] = [
    { at: '2026-01-01T00:00:00Z', kind: 'note', message: 'opened' },
    step(1, 'isolate', 'running'), step(2, 'isolate', 'done'),
    { at: '2026-01-01T00:00:03Z', kind: 'approval', step: 'replace', actor: 'bob', message: 'bob approved Replace: go' },
  ];
  const plan: PlannedCall[] = [{ step: 'isolate', service: 'ec2', operation: 'CreateSecurityGroup', input: { GroupName: 'g' } }];
  const all = auditEntries(timeline, 0, plan, 0);
  expect(all.map((e) => e.id)).toEqual(['t:0', 't:1', 'call:0', 't:2', 't:3']);
  expect(all[2]).toMatchObject({ kind: 'aws', step: 'isolate', message: 'ec2:CreateSecurityGroup', at: '2026-01-01T00:00:02Z' });
  expect(all[4]).toMatchObject({ kind: 'approval', actor: 'bob' });
  // A later flush starts where the previous one stopped.
  expect(auditEntries(timeline, 3, plan, 1).map((e) => e.id)).toEqual(['t:3']);
});

test('a replayed flush adds no line', async () => {
  const timeline: TimelineEntry[] = [{ at: '2026-01-01T00:00:00Z', kind: 'note', message: 'opened' }, step(1, 'isolate', 'done')];
  await appendAudit(t.store, ID, auditEntries(timeline, 0, [], 0));
  await appendAudit(t.store, ID, auditEntries(timeline, 0, [], 0));
  expect((await readAudit(t.store, ID)).map((e) => [e.seq, e.id])).toEqual([[1, 't:0'], [2, 't:1']]);
});
