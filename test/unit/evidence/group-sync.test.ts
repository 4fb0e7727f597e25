/** Folder fsyncs shared by concurrent puts: fewer syncs, and nobody resolved by a sync that began before it asked. */
import { GroupSync } from '../../../src/evidence/group-sync';

function controlledFsync() {
  const started: { dir: string; at: number; finish: (err?: Error) => void }[] = [];
  let clock = 0;
  const fsync = (dir: string) =>
    new Promise<void>((resolve, reject) => {
      started.push({ dir, at: ++clock, finish: (err) => (err ? reject(err) : resolve()) });
    });
  return { started, fsync, tick: () => ++clock };
}
const settle = () => new Promise((r) => setImmediate(r));

test('callers arriving while a sync runs share the next one; each resolves only after a sync that began after its call', async () => {
  const f = controlledFsync();
  const group = new GroupSync(f.fsync);
  const resolvedBy: Record<string, number> = {};
  const asked: Record<string, number> = {};
  const call = (name: string) => {
    asked[name] = f.tick();
    void group.sync('d').then(() => {
      resolvedBy[name] = f.started.filter((s) => s.at > asked[name]!).length;
    });
  };
  call('a');
  expect(f.started).toHaveLength(1);
  call('b');
  call('c');
  call('d');
  await settle();
  expect(f.started).toHaveLength(1); // no pile-up while one runs
  f.started[0]!.finish();
  await settle();
  expect(Object.keys(resolvedBy)).toEqual(['a']);
  expect(f.started).toHaveLength(2); // one more, shared by b, c and d
  call('e'); // arrives while the second runs: waits for a third
  f.started[1]!.finish();
  await settle();
  expect(Object.keys(resolvedBy).sort()).toEqual(['a', 'b', 'c', 'd']);
  expect(f.started).toHaveLength(3);
  f.started[2]!.finish();
  await settle();
  expect(Object.keys(resolvedBy).sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
  for (const name of Object.keys(resolvedBy)) expect([name, resolvedBy[name]! >= 1]).toEqual([name, true]);
});

test('folders are independent, and a failed sync fails its own callers only', async () => {
  const f = controlledFsync();
  const group = new GroupSync(f.fsync);
  const first = group.sync('x');
  const other = group.sync('y');
  expect(f.started.map((s) => s.dir)).toEqual(['x', 'y']);
  const waiting = group.sync('x');
  f.started[0]!.finish(new Error('EIO'));
  await expect(first).rejects.toThrow('EIO');
  await settle();
  expect(f.started.map((s) => s.dir)).toEqual(['x', 'y', 'x']); // the waiter gets a sync of its own
  f.started[2]!.finish();
  await expect(waiting).resolves.toBeUndefined();
  f.started[1]!.finish();
  await expect(other).resolves.toBeUndefined();
});
