/** The local write-once folder: exclusive create, read-only files, streaming, no escape from the root. */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { EvidenceOverwriteError, evidenceKeys, LocalWormStore, recordArtifact, verifyIncident } from '../../../src/evidence';
import { sha256Hex } from '../../../src/evidence/hashing';
import { tempStore } from './tamper-helpers';

let t: ReturnType<typeof tempStore>;
beforeEach(() => {
  t = tempStore();
});
afterEach(() => t.cleanup());

test('refuses to overwrite an existing key and keeps the first bytes', async () => {
  const key = evidenceKeys.artifact('inc-1', 'a.txt');
  const first = await t.store.put(key, 'first', { mediaType: 'text/plain' });
  expect(first.sha256).toBe(sha256Hex('first'));
  await expect(t.store.put(key, 'second', { mediaType: 'text/plain' })).rejects.toBeInstanceOf(EvidenceOverwriteError);
  expect(fs.readFileSync(path.join(t.dir, key), 'utf8')).toBe('first');
  expect(fs.statSync(path.join(t.dir, key)).mode & 0o777).toBe(0o444);
});

test('concurrent writers of one key: exactly one wins', async () => {
  const key = evidenceKeys.artifact('inc-1', 'race.txt');
  const results = await Promise.allSettled(['a', 'b', 'c', 'd'].map((v) => t.store.put(key, v, { mediaType: 'text/plain' })));
  expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  expect(
    results.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason instanceof EvidenceOverwriteError),
  ).toBe(true);
});

test('streams a body of unknown length and hashes what it stored', async () => {
  const chunk = Buffer.alloc(64 * 1024, 7);
  const stream = Readable.from(
    (function* () {
      for (let i = 0; i < 64; i++) yield chunk;
    })(),
  );
  const stored = await t.store.put(evidenceKeys.artifact('inc-1', 'big.bin'), stream, { mediaType: 'application/octet-stream' });
  expect(stored.size).toBe(64 * chunk.length);
  expect(stored.sha256).toBe(sha256Hex(Buffer.concat(Array(64).fill(chunk))));
  expect(fs.readdirSync(path.join(t.dir, '.tmp'))).toEqual([]);
});

test('crafted ids and names cannot leave the incident folder', async () => {
  expect(() => evidenceKeys.artifact('../etc', 'x')).toThrow(/invalid incident id/);
  expect(() => evidenceKeys.artifact('inc-1', '../../x')).toThrow(/invalid artifact name/);
  await expect(t.store.put('../outside', 'x', { mediaType: 'text/plain' })).rejects.toThrow(/invalid evidence key/);
});

test('recording an artifact twice returns the first entry and adds no line', async () => {
  const input = { name: 'meta.json', body: '{"a":1}', mediaType: 'application/json', source: 'ec2:DescribeInstances', collector: 'w1' };
  const a = await recordArtifact(t.store, 'inc-1', input);
  const b = await recordArtifact(t.store, 'inc-1', { ...input, body: '{"a":2}' });
  expect(b).toEqual(a);
  const report = await verifyIncident(t.store, 'inc-1');
  expect(report).toMatchObject({ ok: true, manifest: { entries: 1, artifacts: 1 } });
});

describe('fsync (CORDON_EVIDENCE_FSYNC)', () => {
  // Power loss cannot be staged in a unit test; the order of the system calls is what makes it survivable.
  const calls: string[] = [];
  beforeEach(() => {
    calls.length = 0;
    const open = fsp.open.bind(fsp);
    jest.spyOn(fsp, 'open').mockImplementation(async (...args: Parameters<typeof fsp.open>) => {
      const fh = await open(...args);
      const sync = fh.sync.bind(fh);
      fh.sync = async () => {
        calls.push(`sync ${path.relative(t.dir, String(args[0]))}`);
        return sync();
      };
      return fh;
    });
    const link = fsp.link.bind(fsp);
    jest.spyOn(fsp, 'link').mockImplementation(async (from, to) => {
      calls.push(`link ${path.relative(t.dir, String(to))}`);
      return link(from, to);
    });
  });
  afterEach(() => jest.restoreAllMocks());

  test('on: the bytes are synced before the name is published, the folder entry before put returns, new folders once', async () => {
    const store = new LocalWormStore(t.dir, { fsync: true });
    for (const body of ['in memory', Readable.from([Buffer.from('streamed')])]) {
      calls.length = 0;
      const key = evidenceKeys.artifact('inc-9', typeof body === 'string' ? 'a.txt' : 'b.txt');
      await store.put(key, body, { mediaType: 'text/plain' });
      const linked = calls.indexOf(`link ${key}`);
      expect(calls[linked - 1]).toMatch(/^sync \.tmp\/[0-9a-f-]{36}$/);
      expect(calls[linked + 1]).toBe(`sync ${path.dirname(key)}`);
      if (typeof body === 'string')
        expect(calls.slice(0, linked - 1)).toEqual(expect.arrayContaining(['sync incidents/inc-9', 'sync incidents', 'sync ']));
      else expect(calls).toHaveLength(3); // the folders exist now: no more syncs for them
    }
  });

  test('on, with 30 puts into one folder at once: they share folder syncs, each linked before a sync of its folder starts', async () => {
    const store = new LocalWormStore(t.dir, { fsync: true });
    await store.put(evidenceKeys.artifact('inc-9', 'first.txt'), 'makes the folders', { mediaType: 'text/plain' });
    calls.length = 0;
    const keys = Array.from({ length: 30 }, (_, i) => evidenceKeys.artifact('inc-9', `burst-${i}.txt`));
    await Promise.all(keys.map((k, i) => store.put(k, `body ${i}`, { mediaType: 'text/plain' })));
    const folder = `sync ${path.dirname(keys[0]!)}`;
    const folderSyncs = calls.filter((c) => c === folder).length;
    expect(folderSyncs).toBeGreaterThanOrEqual(1);
    expect(folderSyncs).toBeLessThan(30);
    const lastSync = calls.lastIndexOf(folder);
    for (const k of keys) expect([k, calls.indexOf(`link ${k}`) < lastSync]).toEqual([k, true]);
    expect(calls.filter((c) => c.startsWith('sync .tmp/'))).toHaveLength(30); // every object's bytes, each
  });

  test('off (the default): nothing is synced', async () => {
    await new LocalWormStore(t.dir).put(evidenceKeys.artifact('inc-9', 'a.txt'), 'x', { mediaType: 'text/plain' });
    expect(calls.filter((c) => c.startsWith('sync'))).toEqual([]);
    expect(calls).toHaveLength(1);
  });
});
