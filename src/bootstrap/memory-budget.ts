/**
 * A worker's memory budget (CORDON_WORKER_MEMORY_MIB) → how many workflows it keeps cached and
 * how large the workflow thread's heap may grow. A cached workflow answers its next signal, query
 * or timer at once; an evicted one is replayed from its history first (the cost of an eviction:
 * one history fetch and a replay, measured as "signal → visible" on random incidents in
 * bench/results/scale.json). Left to itself the SDK sizes the cache from V8's heap limit (≈ 2,300
 * workflows on a 4 GiB heap) and the workflow thread's heap grows lazily toward that limit, which
 * is how one worker reached 1.7 GiB.
 * The constants come from the scale benchmark: the RSS of a worker process with nothing cached,
 * what each cached workflow adds to it (incident and breach-notification workflows alike, with
 * luxon and the regulatory modules shared: workflow-bundle-options.ts), and the live JS heap each
 * cached workflow holds in the workflow thread (its heap limit leaves twice that, so V8 collects
 * before RSS drifts past the budget, never so tight that a full cache cannot fit).
 */
import v8 from 'node:v8';

/**
 * RSS of an idle worker process (Node, tsx, the SDK's core runtime, the workflow thread with its
 * bundle, the activities' clients: ≈ 300 MiB, glibc limited to 2 malloc arenas with MALLOC_ARENA_MAX=2),
 * with a margin; measured before the image preloaded jemalloc (src/local/worker-allocator.ts), which
 * keeps a worker below it.
 */
export const WORKER_BASE_MIB = 320;
/**
 * What each cached workflow adds to the worker's RSS, in KiB, with the cache full and evicted
 * workflows replaying on most signals (1,000 open incidents, under half of their workflows cached:
 * ≈ 0.68 MiB each, with a margin): its state in the workflow thread's heap with V8's headroom, the
 * SDK's per-workflow records and the replays' garbage in the main thread, and the core's native state.
 */
export const CACHED_WORKFLOW_KIB = 800;
/** The workflow thread's heap with nothing cached (the bundle, the SDK), and its allowance per cached workflow (2 × the live heap measured). */
const WORKFLOW_THREAD_BASE_MIB = 64;
const WORKFLOW_HEAP_KIB = 400;
/** The SDK refuses fewer than 2; fewer than this many would replay on nearly every workflow task. */
const MIN_CACHED = 20;

/**
 * The old-space limit of the worker's main thread (activities, the SDK's activations), as a flag at
 * process start: the image's worker command and the local worker processes pass `workerNodeFlags`.
 * V8 lets a heap grow to up to 4× what it keeps live before a full collection when its limit is
 * 2 GiB or more (Node's default here), and 1.3–2× under smaller limits: without the flag a worker's
 * main thread held 90 MiB live in a 190 MiB heap, and one worker peaked at 670 MiB RSS while the
 * cache filled. 512 MiB keeps the factor near 1.4 and leaves 3× the ≈ 165 MiB it was seen to use.
 */
export const WORKER_MAIN_HEAP_MIB = 512;
export const workerNodeFlags: readonly string[] = [`--max-old-space-size=${WORKER_MAIN_HEAP_MIB}`];

/** A start-up warning when the main thread's heap limit is far above WORKER_MAIN_HEAP_MIB (the worker was started without its flag). */
export function mainHeapWarning(heapSizeLimitBytes: number): string | undefined {
  const mib = Math.round(heapSizeLimitBytes / 2 ** 20);
  return mib > 2 * WORKER_MAIN_HEAP_MIB
    ? `main thread heap limit is ${mib} MiB: start the worker with ${workerNodeFlags.join(' ')} (as the image does), or its heap may grow to 4× what it uses and past CORDON_WORKER_MEMORY_MIB`
    : undefined;
}

export interface WorkerMemorySettings {
  /** WorkerOptions.maxCachedWorkflows */
  maxCachedWorkflows: number;
  /** V8's old-space limit for the workflow thread, in MiB (limitWorkflowThreadHeap). */
  workflowHeapMiB: number;
}

export function workerMemorySettings(budgetMiB: number): WorkerMemorySettings {
  const forCache = Math.max(0, budgetMiB - WORKER_BASE_MIB) * 1024;
  const maxCachedWorkflows = Math.max(MIN_CACHED, Math.floor(forCache / CACHED_WORKFLOW_KIB));
  return { maxCachedWorkflows, workflowHeapMiB: WORKFLOW_THREAD_BASE_MIB + Math.ceil((maxCachedWorkflows * WORKFLOW_HEAP_KIB) / 1024) };
}

/**
 * Sets V8's old-space limit for isolates created from now on — the SDK's workflow thread, which
 * Worker.create starts — without touching this thread's own heap. Call before Worker.create; the
 * SDK offers no option for its thread's resource limits.
 */
export function limitWorkflowThreadHeap(settings: WorkerMemorySettings): void {
  v8.setFlagsFromString(`--max-old-space-size=${settings.workflowHeapMiB}`);
}
