/**
 * A worker's memory budget (CORDON_WORKER_MEMORY_MIB) → how many workflows it keeps cached.
 * A cached workflow answers its next signal, query or timer at once; an evicted one is replayed
 * from its history first (the cost of an eviction: one history fetch and a replay, measured as
 * "cold" queries in bench/results/scale.json). The SDK's own default sizes the cache from V8's heap
 * limit (≈ 2,300 workflows on a 4 GiB heap), which is what let one worker grow to 1.7 GiB.
 * The two constants come from the same measurement: a worker process with nothing cached, and
 * what each cached workflow adds (incident and breach-notification workflows alike, with luxon
 * and the regulatory modules shared: workflow-bundle-options.ts).
 */

/** RSS of an idle worker process: Node, the SDK's core runtime, the workflow thread, the activities' clients. */
export const WORKER_BASE_MIB = 230;
/** What each cached workflow adds to the worker's RSS, in KiB (JS heap in the workflow thread and core's state). */
export const CACHED_WORKFLOW_KIB = 480;
/** The SDK refuses fewer than 2; fewer than this many would replay on nearly every workflow task. */
const MIN_CACHED = 20;

export interface WorkerMemorySettings {
  /** WorkerOptions.maxCachedWorkflows */
  maxCachedWorkflows: number;
}

export function workerMemorySettings(budgetMiB: number): WorkerMemorySettings {
  const forCache = Math.max(0, budgetMiB - WORKER_BASE_MIB) * 1024;
  return { maxCachedWorkflows: Math.max(MIN_CACHED, Math.floor(forCache / CACHED_WORKFLOW_KIB)) };
}
