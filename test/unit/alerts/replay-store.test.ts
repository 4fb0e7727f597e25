import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileReplayStore } from '../../../src/alerts/replay-store';

let dir: string;
let file: string;
let clock: number;
const open = () => FileReplayStore.open(file, { now: () => clock });
const lines = () =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-replay-'));
  file = path.join(dir, 'replay', 'sns-message-ids.jsonl');
  clock = 1_000;
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

test('a remembered key is refused again after a restart (a new store on the same file)', () => {
  const first = open();
  expect(first.remember('sns:a', 2_000, clock)).toBe(true);
  expect(first.remember('sns:a', 2_000, clock)).toBe(false);
  expect(lines()).toEqual([{ key: 'sns:a', expiresAt: 2_000 }]);
  const restarted = open();
  expect(restarted.remember('sns:a', 2_000, clock)).toBe(false);
  expect(restarted.remember('sns:b', 2_000, clock)).toBe(true);
});

test('forget survives a restart (a tombstone line)', () => {
  const first = open();
  first.remember('k', 2_000, clock);
  first.forget('k');
  expect(lines()).toEqual([
    { key: 'k', expiresAt: 2_000 },
    { key: 'k', forgotten: true },
  ]);
  expect(open().remember('k', 2_000, clock)).toBe(true);
});

test('opening drops expired, forgotten and unreadable lines and rewrites the file compacted', () => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(
    file,
    [
      JSON.stringify({ key: 'old', expiresAt: 900 }),
      JSON.stringify({ key: 'live', expiresAt: 5_000 }),
      JSON.stringify({ key: 'gone', expiresAt: 5_000 }),
      JSON.stringify({ key: 'gone', forgotten: true }),
      'not json',
      JSON.stringify({ key: '', expiresAt: 5_000 }),
      '{"key":"cut-sh',
    ].join('\n'),
  );
  const store = open();
  expect(lines()).toEqual([{ key: 'live', expiresAt: 5_000 }]);
  expect(store.remember('live', 5_000, clock)).toBe(false);
  expect(store.remember('old', 5_000, clock)).toBe(true);
  expect(store.remember('gone', 5_000, clock)).toBe(true);
});

test('an expired key may be seen again', () => {
  const store = open();
  expect(store.remember('k', 1_010, clock)).toBe(true);
  expect(store.remember('k', 1_030, 1_011)).toBe(true);
});

test("two stores on one file (API replicas sharing the folder) see each other's keys", () => {
  const a = open();
  const b = open();
  expect(a.remember('sns:x', 2_000, clock)).toBe(true);
  expect(b.remember('sns:x', 2_000, clock)).toBe(false);
  expect(b.remember('sns:y', 2_000, clock)).toBe(true);
  expect(a.remember('sns:y', 2_000, clock)).toBe(false);
  // A replica that restarts compacts (replaces) the file; the other re-reads it whole.
  const c = open();
  expect(c.remember('sns:z', 2_000, clock)).toBe(true);
  expect(a.remember('sns:z', 2_000, clock)).toBe(false);
  b.forget('sns:x');
  expect(a.remember('sns:x', 2_000, clock)).toBe(true);
});

test('a line cut short by a concurrent writer is read once it is complete', () => {
  const reader = open();
  expect(reader.remember('other', 2_000, clock)).toBe(true);
  fs.appendFileSync(file, '{"key":"half","expi');
  // Reads the file up to the cut; holding 'other' already, it appends nothing.
  expect(reader.remember('other', 2_000, clock)).toBe(false);
  fs.appendFileSync(file, 'resAt":2000}\n');
  expect(reader.remember('half', 2_000, clock)).toBe(false);
});

test('the file stays bounded: a running store rewrites it without expired keys', () => {
  const store = open();
  for (let i = 0; i < 6_000; i += 1) store.remember(`old${i}`, clock + 1, clock);
  clock += 10; // every old key has expired
  for (let i = 0; i < 5_000; i += 1) store.remember(`new${i}`, clock + 100, clock);
  const kept = lines();
  expect(kept.length).toBeLessThanOrEqual(5_001);
  expect(kept.some((l) => l.key.startsWith('old'))).toBe(false);
  expect(store.remember('new0', clock + 100, clock)).toBe(false);
  expect(open().remember('new4999', clock + 100, clock)).toBe(false);
});
