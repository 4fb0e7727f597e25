/**
 * One table from single-backend scale runs: `--scale-backends sqlite` writes scale-sqlite.json and
 * `--scale-backends cluster` writes scale-cluster.json. When both carry the same load (incidents,
 * workers, memory budget, allocator) and report the same rows, the README shows them as one
 * comparison whose title names each run's commit, instead of two one-column tables. Runs that
 * differ in load stay apart: setting them side by side would compare different things.
 */
import type { BenchResultFile } from './results-file';
import type { BenchComparison } from './stats';

const SINGLE_BACKEND = /^scale-(sqlite|cluster)$/;

/** What must be equal for two runs to be the same load. */
const loadKey = (r: BenchResultFile): string =>
  JSON.stringify([
    r.config.incidents,
    r.config.workers,
    r.config.workerMemoryMiB,
    r.config.allocator ?? null,
    r.comparison?.rows.map((x) => x.metric),
  ]);

export interface SideBySide {
  /** The files merged into `comparison`, in column order. */
  files: string[];
  comparison: BenchComparison;
}

/** Groups of single-backend scale results with the same load, two or more per group. */
export function sideBySide(byFile: Map<string, BenchResultFile>): SideBySide[] {
  const groups = new Map<string, [string, BenchResultFile][]>();
  for (const [file, r] of [...byFile.entries()].sort(([a], [b]) => b.localeCompare(a))) {
    if (!SINGLE_BACKEND.test(file) || r.comparison?.columns.length !== 1) continue;
    const key = loadKey(r);
    groups.set(key, [...(groups.get(key) ?? []), [file, r]]);
  }
  return [...groups.values()]
    .filter((g) => g.length > 1)
    .map((g) => {
      const [, first] = g[0]!;
      const runs = g.map(
        ([file, r]) =>
          `\`${file}\` at ${r.commit.slice(0, 7)}${r.dirty ? ' (uncommitted changes)' : ''}, load ${r.machine.loadAverage ?? '?'}`,
      );
      return {
        files: g.map(([file]) => file),
        comparison: {
          title:
            `the same load on each backend, ${first.config.incidents} open incidents, ${first.config.workers} worker processes each, ` +
            `measured one backend per run (${runs.join('; ')})`,
          columns: g.flatMap(([, r]) => r.comparison!.columns),
          rows: first.comparison!.rows.map((row, i) => ({
            ...row,
            values: g.flatMap(([, r]) => r.comparison!.rows[i]!.values),
          })),
        },
      };
    });
}
