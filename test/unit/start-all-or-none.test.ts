import { startAllOrNone, type ChildServer } from '../../src/local/child-server';

function fake(name: string, stopped: string[]): ChildServer {
  return {
    name,
    port: 1,
    pid: 1,
    stop: async () => {
      stopped.push(name);
    },
    kill: async () => {
      stopped.push(`${name} (killed)`);
    },
  };
}

test('all started: returns them in order and stops none', async () => {
  const stopped: string[] = [];
  const [a, b] = await startAllOrNone([Promise.resolve(fake('moto', stopped)), Promise.resolve(fake('temporal', stopped))] as const);
  expect([a.name, b.name]).toEqual(['moto', 'temporal']);
  expect(stopped).toEqual([]);
});

test('one fails: the others that started are stopped and the failure is rethrown', async () => {
  const stopped: string[] = [];
  const slow = new Promise<ChildServer>((r) => setTimeout(() => r(fake('moto', stopped)), 20));
  await expect(startAllOrNone([slow, Promise.reject(new Error('temporal exited during start'))] as const)).rejects.toThrow(
    'temporal exited during start',
  );
  expect(stopped).toEqual(['moto']);
});
