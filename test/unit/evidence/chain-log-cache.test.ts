/**
 * A process keeps only the most recently used logs in memory (CACHED_LOGS per store): appending
 * to more incidents' logs than that leaves exactly CACHED_LOGS cached, and a log that fell out of
 * the cache continues its chain from the store at its next append (seq and prevHash follow on).
 */
import { CACHED_LOGS, cachedLogs, ChainLog, type ChainFields } from '../../../src/evidence/chain-log';
import { evidenceKeys } from '../../../src/evidence';
import { tempStore } from './tamper-helpers';

interface Note extends ChainFields {
  text: string;
}

test('the cache holds the most recently used logs only, and an evicted log continues its chain from the store', async () => {
  const t = tempStore();
  try {
    const first = new ChainLog<Note>(t.store, 'inc-first', 'audit');
    const [a] = await first.append([{ id: 'a', text: 'first entry' }]);
    for (let i = 0; i < CACHED_LOGS + 10; i++) {
      await new ChainLog<Note>(t.store, `inc-${i}`, 'audit').append([{ id: 'x', text: `incident ${i}` }]);
    }
    const cached = cachedLogs(t.store);
    expect(cached).toHaveLength(CACHED_LOGS);
    expect(cached).not.toContain(evidenceKeys.log('inc-first', 'audit'));
    expect(cached[cached.length - 1]).toBe(evidenceKeys.log(`inc-${CACHED_LOGS + 9}`, 'audit'));

    // Evicted: the next append reads the store and follows on from the entry written before.
    const [b] = await new ChainLog<Note>(t.store, 'inc-first', 'audit').append([{ id: 'b', text: 'second entry' }]);
    expect(b).toMatchObject({ seq: 2, prevHash: a!.hash });
    expect((await first.entries()).map((e) => e.id)).toEqual(['a', 'b']);
    expect(cachedLogs(t.store)).toHaveLength(CACHED_LOGS);
  } finally {
    t.cleanup();
  }
});
