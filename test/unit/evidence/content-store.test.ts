/** Content-addressed puts: the address is the body's sha256, strangers at it are never adopted, and a store that stored other bytes is refused. */
import { Readable } from 'node:stream';
import { EvidenceIntegrityError, evidenceKeys, putContent, recordArtifact, readManifest, type EvidenceStore } from '../../../src/evidence';
import { sha256Hex } from '../../../src/evidence/hashing';
import { tempStore } from './tamper-helpers';

const ID = 'inc-1';
let t: ReturnType<typeof tempStore>;
beforeEach(() => {
  t = tempStore();
});
afterEach(() => t.cleanup());

test.each([
  ['a string', () => 'memory image'],
  ['a buffer', () => Buffer.from('memory image')],
  ['a stream of unknown length', () => Readable.from([Buffer.from('memory '), Buffer.from('image')])],
])('%s is stored at its sha256', async (_what, body) => {
  const stored = await putContent(t.store, ID, body(), 'application/octet-stream');
  expect(stored).toMatchObject({
    key: evidenceKeys.object(ID, sha256Hex('memory image')),
    sha256: sha256Hex('memory image'),
    size: 12,
    adopted: false,
    displaced: [],
  });
});

test('a store that reports other bytes than were hashed (a corrupting copy) is refused, and no manifest line is written', async () => {
  const corrupting: EvidenceStore = {
    ...t.store,
    kind: 'local',
    location: t.store.location,
    put: async (key, _body, opts) => t.store.put(key, 'flipped', opts),
    get: (k, o) => t.store.get(k, o),
    exists: (k) => t.store.exists(k),
    list: (p) => t.store.list(p),
  };
  await expect(
    recordArtifact(corrupting, ID, {
      name: 'memory.lime',
      body: 'memory image',
      mediaType: 'application/octet-stream',
      source: 'test',
      collector: 'unit',
    }),
  ).rejects.toBeInstanceOf(EvidenceIntegrityError);
  expect(await readManifest(t.store, ID)).toEqual([]);
});

test('strangers on every address up to the limit: refused rather than adopted', async () => {
  const sha = sha256Hex('real');
  for (const a of [sha, ...Array.from({ length: 9 }, (_, i) => `${sha}.${i + 1}`)])
    await t.store.put(evidenceKeys.object(ID, a), 'planted', { mediaType: 'text/plain' });
  await expect(putContent(t.store, ID, 'real', 'text/plain')).rejects.toBeInstanceOf(EvidenceIntegrityError);
});
