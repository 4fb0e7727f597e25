/** The incident's evidence anchors: only well-formed heads, each once, bounded with the first kept, carried intact. */
import { EvidenceAnchors } from '../../../workflows/runbook/evidence-anchors';

const h = (n: number) => n.toString(16).padStart(64, '0');

test.each([
  ['no seq', { hash: h(1) }],
  ['seq 0', { seq: 0, hash: h(1) }],
  ['no hash', { seq: 1 }],
  ['a hash that is not sha256 hex', { seq: 1, hash: 'abc' }],
])('%s is not an anchor', (_what, head) => {
  const a = new EvidenceAnchors();
  a.note('manifest', head, 'test', 't');
  expect(a.snapshot()).toEqual({ manifest: [], audit: [] });
});

test('the same head is kept once; chains are separate', () => {
  const a = new EvidenceAnchors();
  a.note('manifest', { seq: 1, hash: h(1) }, 'captureSnapshots', 't1');
  a.note('manifest', { seq: 1, hash: h(1) }, 'appendAudit (read)', 't2');
  a.note('audit', { seq: 1, hash: h(2) }, 'appendAudit', 't2');
  expect(a.snapshot()).toEqual({
    manifest: [{ seq: 1, hash: h(1), at: 't1', via: 'captureSnapshots' }],
    audit: [{ seq: 1, hash: h(2), at: 't2', via: 'appendAudit' }],
  });
});

test('bounded at 200 per chain: the first and the newest stay', () => {
  const a = new EvidenceAnchors();
  for (let n = 1; n <= 250; n++) a.note('audit', { seq: n, hash: h(n) }, 'appendAudit', 't');
  const audit = a.snapshot().audit;
  expect(audit).toHaveLength(200);
  expect(audit[0]!.seq).toBe(1);
  expect(audit.at(-1)!.seq).toBe(250);
});

test('carried through continue-as-new: the new run starts with every anchor', () => {
  const a = new EvidenceAnchors();
  a.note('manifest', { seq: 3, hash: h(3) }, 'api verify by audrey', 't');
  const next = new EvidenceAnchors(a.snapshot());
  next.note('manifest', { seq: 4, hash: h(4) }, 'storeAlerts', 't');
  expect(next.snapshot().manifest.map((x) => x.seq)).toEqual([3, 4]);
  expect(a.snapshot().manifest.map((x) => x.seq)).toEqual([3]);
});
