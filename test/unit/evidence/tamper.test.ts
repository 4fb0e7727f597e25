/**
 * Tamper detection: flipping one byte of an artifact, deleting, reordering or editing one
 * manifest or audit line is found by verify, which names the entry; the CLI exits non-zero.
 */
import fs from 'node:fs';
import { appendAudit, recordArtifact, recordCustody, verifyIncident } from '../../../src/evidence';
import { ExitCode, verifyCommand } from '../../../src/cli/evidence-commands';
import { artifactFile, flipByte, forceWrite, logFile, swapFiles, tempStore } from './tamper-helpers';

const ID = 'inc-123456789012-eu-west-1-i-0abc';
let t: ReturnType<typeof tempStore>;

beforeEach(async () => {
  t = tempStore();
  for (const [name, body] of [['meta.json', '{"instance":"i-0abc"}'], ['console.txt', 'boot log\nline 2\n'], ['alerts/generic-1.json', '{"title":"c2"}']]) {
    await recordArtifact(t.store, ID, { name: name!, body: body!, mediaType: 'application/json', source: 'test', collector: 'unit' });
  }
  await recordCustody(t.store, ID, { action: 'access', by: 'audrey', note: 'read' });
  await appendAudit(t.store, ID, [1, 2, 3, 4].map((n) => ({ id: `t:${n}`, at: `2026-01-01T00:00:0${n}Z`, kind: 'step' as const, message: `step ${n}: done`, actor: n === 2 ? 'bob' : undefined })));
});
afterEach(() => t.cleanup());

test('an untouched incident verifies and the CLI exits 0', async () => {
  const report = await verifyIncident(t.store, ID);
  expect(report).toMatchObject({ ok: true, found: true, manifest: { entries: 4, artifacts: 3, custody: 1 }, audit: { entries: 4 } });
  const out: string[] = [];
  expect(await verifyCommand(ID, { store: t.store, write: (s) => out.push(s) })).toBe(ExitCode.ok);
  expect(out.join('\n')).toContain('INTACT');
});

test('one flipped byte in an artifact is named, and the CLI exits 1 naming it', async () => {
  flipByte(artifactFile(t.dir, ID, 'console.txt'), 3);
  const report = await verifyIncident(t.store, ID);
  expect(report.ok).toBe(false);
  expect(report.firstBroken).toMatchObject({ file: 'artifact', artifact: 'console.txt', check: 'sha256', seq: 2 });
  const out: string[] = [];
  expect(await verifyCommand(ID, { store: t.store, write: (s) => out.push(s) })).toBe(ExitCode.broken);
  expect(out.join('\n')).toMatch(/first broken link: artifact console\.txt \[sha256\]/);
});

test.each(['manifest', 'audit'] as const)('a deleted %s line is named at the first line after the gap', async (log) => {
  fs.rmSync(logFile(t.dir, ID, log, 2), { force: true });
  const report = await verifyIncident(t.store, ID);
  expect(report.ok).toBe(false);
  expect(report.firstBroken).toMatchObject({ file: log, line: 2, seq: 3, check: 'seq' });
  expect(report.firstBroken!.message).toMatch(/deleted, inserted or reordered/);
});

test.each(['manifest', 'audit'] as const)('two reordered %s lines are named', async (log) => {
  swapFiles(logFile(t.dir, ID, log, 2), logFile(t.dir, ID, log, 3));
  const report = await verifyIncident(t.store, ID);
  expect(report.firstBroken).toMatchObject({ file: log, line: 2, seq: 3, check: 'seq' });
  expect(report.problems.some((p) => p.file === log && p.line === 3 && p.seq === 2)).toBe(true);
});

test('an edited audit line (who approved) is named by its hash', async () => {
  const file = logFile(t.dir, ID, 'audit', 2);
  const entry = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  forceWrite(file, `${JSON.stringify({ ...entry, actor: 'mallory' })}\n`);
  const report = await verifyIncident(t.store, ID);
  expect(report.problems).toEqual([expect.objectContaining({ file: 'audit', line: 2, seq: 2, entryId: 't:2', check: 'hash' })]);
});

test('an edited manifest hash (to match a swapped artifact) breaks the next link', async () => {
  const file = logFile(t.dir, ID, 'manifest', 1);
  const entry = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  forceWrite(file, `${JSON.stringify({ ...entry, hash: 'f'.repeat(64) })}\n`);
  const report = await verifyIncident(t.store, ID);
  expect(report.firstBroken).toMatchObject({ file: 'manifest', line: 1, check: 'hash' });
  expect(report.problems).toContainEqual(expect.objectContaining({ file: 'manifest', line: 2, check: 'prevHash' }));
});

test('a file slipped into the artifacts folder is reported as unaccounted', async () => {
  fs.writeFileSync(artifactFile(t.dir, ID, 'extra.bin'), 'x');
  const report = await verifyIncident(t.store, ID);
  expect(report.firstBroken).toMatchObject({ file: 'artifact', check: 'unlisted' });
});

test('an artifact stored but not yet in the manifest (a step mid-write) is not called stray if its line follows', async () => {
  // The state a live step is in between its store write and its manifest line.
  await t.store.put(`incidents/${ID}/artifacts/late.txt`, 'written first', { mediaType: 'text/plain' });
  const started = Date.now();
  const verifying = verifyIncident(t.store, ID, { settleMs: 5000 });
  await new Promise((r) => setTimeout(r, 300));
  await recordArtifact(t.store, ID, { name: 'late.txt', body: 'written first', mediaType: 'text/plain', source: 'test', collector: 'unit' });
  const report = await verifying;
  expect(report).toMatchObject({ ok: true, problems: [], manifest: { artifacts: 4 } });
  expect(Date.now() - started).toBeLessThan(5000);
});

test('a stray object is still reported once the settle window has passed', async () => {
  fs.writeFileSync(artifactFile(t.dir, ID, 'stray.bin'), 'x');
  const started = Date.now();
  const report = await verifyIncident(t.store, ID, { settleMs: 400 });
  expect(Date.now() - started).toBeGreaterThanOrEqual(400);
  expect(report.problems).toEqual([expect.objectContaining({ file: 'artifact', check: 'unlisted', key: `incidents/${ID}/artifacts/stray.bin` })]);
});
