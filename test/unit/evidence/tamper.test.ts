/**
 * Tamper detection at the library level (the same attacks through the API: test/integration/
 * evidence-tamper.test.ts): a flipped artifact byte, a deleted, reordered or edited line, an
 * object planted where Cordon would write (before capture) or beside the evidence, a chain cut
 * short with its objects, a chain rewritten with fresh hashes, a deleted object. Cuts and
 * rewrites pass the internal checks — the anchors are what names them.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  appendAudit,
  evidenceKeys,
  readAudit,
  readManifest,
  recordArtifact,
  recordCustody,
  verifyIncident,
  type EvidenceAnchors,
} from '../../../src/evidence';
import { entryHash, GENESIS_HASH, sha256Hex } from '../../../src/evidence/hashing';
import { formatReport } from '../../../src/cli/evidence-commands';
import { artifactFile, flipByte, forceWrite, logFile, plant, swapFiles, tempStore } from './tamper-helpers';

const ID = 'inc-123456789012-eu-west-1-i-0abc';
let t: ReturnType<typeof tempStore>;

beforeEach(async () => {
  t = tempStore();
  for (const [name, body] of [
    ['meta.json', '{"instance":"i-0abc"}'],
    ['console.txt', 'boot log\nline 2\n'],
    ['alerts/generic-1.json', '{"title":"c2"}'],
  ]) {
    await recordArtifact(t.store, ID, { name: name!, body: body!, mediaType: 'application/json', source: 'test', collector: 'unit' });
  }
  await recordCustody(t.store, ID, { action: 'access', by: 'audrey', note: 'read' });
  await appendAudit(
    t.store,
    ID,
    [1, 2, 3, 4].map((n) => ({
      id: `t:${n}`,
      at: `2026-01-01T00:00:0${n}Z`,
      kind: 'step' as const,
      message: `step ${n}: done`,
      actor: n === 2 ? 'bob' : undefined,
    })),
  );
});
afterEach(() => t.cleanup());

/** The heads as the workflow would have anchored them: every entry Cordon wrote. */
async function anchorsNow(): Promise<EvidenceAnchors> {
  return {
    manifest: (await readManifest(t.store, ID)).map((e) => ({ seq: e.seq, hash: e.hash })),
    audit: (await readAudit(t.store, ID)).map((e) => ({ seq: e.seq, hash: e.hash })),
  };
}

test('an untouched incident verifies against its anchors', async () => {
  const report = await verifyIncident(t.store, ID, { anchors: await anchorsNow() });
  expect(report).toMatchObject({
    ok: true,
    found: true,
    manifest: { entries: 4, artifacts: 3, custody: 1 },
    audit: { entries: 4 },
    anchors: { checked: true, manifest: { matched: true, unanchoredAfter: 0 } },
  });
  expect(formatReport(report)).toContain('INTACT');
});

test('bytes live under their sha256; the name exists only in the manifest', async () => {
  const entry = (await readManifest(t.store, ID)).find((e) => e.kind === 'artifact' && e.name === 'console.txt')!;
  expect(entry).toMatchObject({ key: evidenceKeys.object(ID, sha256Hex('boot log\nline 2\n')) });
  expect(fs.existsSync(path.join(t.dir, 'incidents', ID, 'artifacts'))).toBe(false);
});

test('one flipped byte in an artifact is named', async () => {
  flipByte(artifactFile(t.dir, ID, 'console.txt'), 3);
  const report = await verifyIncident(t.store, ID);
  expect(report.ok).toBe(false);
  expect(report.firstBroken).toMatchObject({ file: 'artifact', artifact: 'console.txt', check: 'sha256', seq: 2 });
  expect(formatReport(report)).toMatch(/first broken link: artifact console\.txt \[sha256\]/);
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

test('bytes planted at the content address before capture are not adopted; the capture is stored beside them and the plant is unaccounted', async () => {
  const real = 'console of i-0def\n';
  const planted = plant(t.dir, ID, `objects/${sha256Hex(real)}`, 'forged console\n');
  // And at the name the old layout used, where a predictable key invited it.
  plant(t.dir, ID, 'artifacts/console-output-i-0def.txt', 'forged console\n');
  const entry = await recordArtifact(t.store, ID, {
    name: 'console-output-i-0def.txt',
    body: real,
    mediaType: 'text/plain',
    source: 'ec2:GetConsoleOutput',
    collector: 'unit',
  });
  expect(entry).toMatchObject({
    sha256: sha256Hex(real),
    key: evidenceKeys.object(ID, `${sha256Hex(real)}.1`),
    detail: { displacedObjects: [evidenceKeys.object(ID, sha256Hex(real))] },
  });
  expect(fs.readFileSync(path.join(t.dir, entry.key!), 'utf8')).toBe(real);
  const report = await verifyIncident(t.store, ID, { settleMs: 0 });
  expect(report.problems.map((p) => [p.check, p.key])).toEqual([
    ['unlisted', `incidents/${ID}/artifacts/console-output-i-0def.txt`],
    ['unlisted', path.relative(t.dir, planted)],
  ]);
});

test('the same bytes already at their address (a retry after a crash) are adopted', async () => {
  const bytes = 'captured before the crash\n';
  await t.store.put(evidenceKeys.object(ID, sha256Hex(bytes)), bytes, { mediaType: 'text/plain' });
  const entry = await recordArtifact(t.store, ID, {
    name: 'late.txt',
    body: bytes,
    mediaType: 'text/plain',
    source: 'test',
    collector: 'unit',
  });
  expect(entry.key).toBe(evidenceKeys.object(ID, sha256Hex(bytes)));
  expect((await verifyIncident(t.store, ID, { settleMs: 0 })).ok).toBe(true);
});

test('a chain cut short with its objects passes the internal checks but not the anchors', async () => {
  const anchors = await anchorsNow();
  // The attacker deletes the last two manifest entries and the artifact the first of them names.
  const victim = artifactFile(t.dir, ID, 'alerts/generic-1.json');
  for (const seq of [3, 4]) fs.rmSync(logFile(t.dir, ID, 'manifest', seq));
  fs.rmSync(victim);
  expect((await verifyIncident(t.store, ID, { settleMs: 0 })).ok).toBe(true);
  const report = await verifyIncident(t.store, ID, { anchors, settleMs: 0 });
  expect(report.ok).toBe(false);
  expect(report.firstBroken).toMatchObject({ file: 'manifest', seq: 3, check: 'truncated' });
  expect(report.firstBroken!.message).toMatch(
    /manifest ends at seq 2 but the incident's history anchored seq 3 .* the chain was cut after seq 2/,
  );
  expect(formatReport(report)).toMatch(/first broken link: manifest \(seq 3\) \[truncated\]/);
});

test('a chain rewritten with fresh hashes passes the internal checks but not the anchors', async () => {
  const anchors = await anchorsNow();
  // Rewrite the whole audit trail: who approved becomes mallory, every hash recomputed and relinked.
  let prev = GENESIS_HASH;
  for (const seq of [1, 2, 3, 4]) {
    const file = logFile(t.dir, ID, 'audit', seq);
    const { hash: _old, ...entry } = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    const forged: Record<string, unknown> = { ...entry, prevHash: prev, ...(seq === 2 ? { actor: 'mallory' } : {}) };
    forged.hash = entryHash(forged);
    forceWrite(file, `${JSON.stringify(forged)}\n`);
    prev = forged.hash as string;
  }
  expect((await verifyIncident(t.store, ID)).ok).toBe(true);
  const report = await verifyIncident(t.store, ID, { anchors });
  expect(report.firstBroken).toMatchObject({ file: 'audit', seq: 2, check: 'anchor', expected: anchors.audit![1]!.hash });
  expect(report.firstBroken!.message).toMatch(/rewritten at or before seq 2/);
  expect(report.anchors.audit).toMatchObject({ matched: false });
});

test('a deleted object is named missing', async () => {
  fs.rmSync(artifactFile(t.dir, ID, 'meta.json'));
  const report = await verifyIncident(t.store, ID, { anchors: await anchorsNow() });
  expect(report.firstBroken).toMatchObject({ file: 'artifact', artifact: 'meta.json', check: 'missing' });
});

test('without anchors the report says only internal consistency was checked', async () => {
  const report = await verifyIncident(t.store, ID, { anchorsUnavailable: 'no history' });
  expect(report.anchors).toEqual({ checked: false, reason: 'no history' });
  expect(formatReport(report)).toMatch(/anchors +NOT checked: no history/);
});

test('an artifact stored but not yet in the manifest (a step mid-write) is not called stray if its line follows', async () => {
  // The state a live step is in between its store write and its manifest line.
  await t.store.put(evidenceKeys.object(ID, sha256Hex('written first')), 'written first', { mediaType: 'text/plain' });
  const started = Date.now();
  const verifying = verifyIncident(t.store, ID, { settleMs: 5000 });
  await new Promise((r) => setTimeout(r, 300));
  await recordArtifact(t.store, ID, {
    name: 'late.txt',
    body: 'written first',
    mediaType: 'text/plain',
    source: 'test',
    collector: 'unit',
  });
  const report = await verifying;
  expect(report).toMatchObject({ ok: true, problems: [], manifest: { artifacts: 4 } });
  expect(Date.now() - started).toBeLessThan(5000);
});

test('a stray object is still reported once the settle window has passed', async () => {
  plant(t.dir, ID, 'objects/stray.bin', 'x');
  const started = Date.now();
  const report = await verifyIncident(t.store, ID, { settleMs: 400 });
  expect(Date.now() - started).toBeGreaterThanOrEqual(400);
  expect(report.problems).toEqual([
    expect.objectContaining({ file: 'artifact', check: 'unlisted', key: `incidents/${ID}/objects/stray.bin` }),
  ]);
});
