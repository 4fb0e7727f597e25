import { JEMALLOC_CONF, glibcMalloc, processAllocator } from '../../../src/local/worker-allocator';

test('jemalloc is preloaded when the machine has it, with glibc settings kept for a failed preload', () => {
  const debian = '/usr/lib/x86_64-linux-gnu/libjemalloc.so.2';
  const a = processAllocator((p) => p === debian);
  expect(a.name).toBe('jemalloc');
  expect(a.env).toEqual({ ...glibcMalloc, LD_PRELOAD: debian, MALLOC_CONF: JEMALLOC_CONF });
});

test("the image's link wins over Debian's own paths", () => {
  expect(processAllocator(() => true).env.LD_PRELOAD).toBe('/usr/local/lib/libjemalloc.so.2');
});

test("without jemalloc, glibc's malloc runs with the image's settings and nothing is preloaded", () => {
  const a = processAllocator(() => false);
  expect(a.name).toBe('glibc');
  expect(a.env).toEqual(glibcMalloc);
  expect(a.env).not.toHaveProperty('LD_PRELOAD');
});
