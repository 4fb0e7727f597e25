import { AlertBatcher } from '../../../src/alerts/alert-batcher';

/** A flush whose calls are held open until the test releases them. */
function heldFlush() {
  const calls: { key: string; items: number[]; release: (err?: Error) => void }[] = [];
  const flush = (key: string, items: number[]) =>
    new Promise<void>((resolve, reject) => {
      calls.push({ key, items, release: (err) => (err ? reject(err) : resolve()) });
    });
  return { calls, flush };
}
const tick = () => new Promise((r) => setImmediate(r));

test('a lone alert is flushed at once; alerts arriving meanwhile go together in the next batch, in order', async () => {
  const { calls, flush } = heldFlush();
  const b = new AlertBatcher<number>(flush);
  const first = b.submit('inc-a', 1);
  await tick();
  expect(calls.map((c) => c.items)).toEqual([[1]]);
  const later = [b.submit('inc-a', 2), b.submit('inc-a', 3), b.submit('inc-a', 4)];
  await tick();
  expect(calls).toHaveLength(1);
  calls[0]!.release();
  await first;
  await tick();
  expect(calls.map((c) => c.items)).toEqual([[1], [2, 3, 4]]);
  calls[1]!.release();
  await Promise.all(later);
  expect(b.activeKeys).toBe(0);
});

test('incidents do not wait for each other', async () => {
  const { calls, flush } = heldFlush();
  const b = new AlertBatcher<number>(flush);
  void b.submit('inc-a', 1);
  void b.submit('inc-b', 2);
  await tick();
  expect(calls.map((c) => [c.key, c.items])).toEqual([
    ['inc-a', [1]],
    ['inc-b', [2]],
  ]);
});

test('a batch never exceeds maxBatch', async () => {
  const { calls, flush } = heldFlush();
  const b = new AlertBatcher<number>(flush, 2);
  const all = [1, 2, 3, 4, 5].map((n) => b.submit('k', n));
  await tick();
  for (let i = 0; i < 3; i += 1) {
    calls[i]!.release();
    await tick();
  }
  await Promise.all(all);
  expect(calls.map((c) => c.items)).toEqual([[1], [2, 3], [4, 5]]);
});

test('a failed flush rejects exactly its own batch; the next batch still goes', async () => {
  const { calls, flush } = heldFlush();
  const b = new AlertBatcher<number>(flush);
  const first = b.submit('k', 1);
  const second = b.submit('k', 2);
  await tick();
  calls[0]!.release(new Error('temporal unavailable'));
  await expect(first).rejects.toThrow('temporal unavailable');
  await tick();
  calls[1]!.release();
  await expect(second).resolves.toBeUndefined();
});

test('maxBatch must be positive', () => {
  expect(() => new AlertBatcher<number>(async () => undefined, 0)).toThrow(RangeError);
});
