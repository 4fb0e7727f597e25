/**
 * The memory allocator Cordon's processes run with, as the image sets it (Dockerfile): jemalloc,
 * preloaded, returning freed pages to the system within a second; glibc's malloc, with the image's
 * fallback settings, where jemalloc is not installed (`apt-get install libjemalloc2`).
 * Why jemalloc: a worker replaying evicted workflows allocates and frees large activation buffers
 * on the SDK core's threads; glibc keeps much of that memory fragmented in its arenas. Measured
 * with the scale benchmark (1,000 open incidents, 716 workflows cached, the same budget): worker
 * RSS 465/487 MiB with jemalloc against 523/525 MiB with the tuned glibc (docs/deployment.md).
 */
import fs from 'node:fs';

/** glibc's malloc settings of the image, which still apply if the preload fails: 2 arenas, large buffers mapped on their own, the heap's top trimmed at 128 KiB. */
export const glibcMalloc = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072', MALLOC_TRIM_THRESHOLD_: '131072' } as const;

/** jemalloc's settings in the image: a background thread purges dirty pages after 1 s, and nothing lingers as "muzzy". */
export const JEMALLOC_CONF = 'background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0';

/** Where the image links it (any architecture), then Debian's libjemalloc2 on x86-64 and arm64. */
export const JEMALLOC_PATHS = [
  '/usr/local/lib/libjemalloc.so.2',
  '/usr/lib/x86_64-linux-gnu/libjemalloc.so.2',
  '/usr/lib/aarch64-linux-gnu/libjemalloc.so.2',
] as const;

export interface Allocator {
  name: 'jemalloc' | 'glibc';
  /** Environment for a child process: LD_PRELOAD and MALLOC_CONF when jemalloc is found, glibc's settings always. */
  env: Record<string, string>;
}

export function processAllocator(exists: (file: string) => boolean = fs.existsSync): Allocator {
  const lib = JEMALLOC_PATHS.find((p) => exists(p));
  return lib
    ? { name: 'jemalloc', env: { ...glibcMalloc, LD_PRELOAD: lib, MALLOC_CONF: JEMALLOC_CONF } }
    : { name: 'glibc', env: { ...glibcMalloc } };
}
