/**
 * Small, dependency-free statistics and the report shape every benchmark returns, so
 * `bench/run.ts` prints one table and writes one JSON file whatever ran.
 * Invariant: every figure is reported beside the floor measured in the same run.
 */

export interface BenchRow {
  metric: string;
  unit: string;
  value: number;
  /** The same work without Cordon (or the bare endpoint), measured in the same run. */
  floor: number;
  /** value / floor; a goal such as "≤ 1.5" when the issue sets one. */
  goal?: string;
}

/** Figures of the same load on several configurations side by side (the README shows it as its own table). */
export interface BenchComparison {
  title: string;
  columns: string[];
  rows: { metric: string; unit: string; values: number[]; goal?: string }[];
}

export interface BenchReport {
  name: string;
  rows: BenchRow[];
  notes: string[];
  comparison?: BenchComparison;
  /** Raw samples and diagnostics, written to the JSON file only. */
  raw?: Record<string, unknown>;
}

export function percentile(samples: number[], p: number): number {
  if (!samples.length) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  // Nearest-rank: the smallest sample with at least p% of samples at or below it.
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

export function mean(samples: number[]): number {
  return samples.reduce((a, b) => a + b, 0) / samples.length;
}

export const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;

/** A fixed-width table: metric, value, floor, ratio, goal. */
export function formatTable(reports: BenchReport[]): string {
  const header = ['benchmark', 'metric', 'cordon', 'floor', 'ratio', 'goal'];
  const lines: string[][] = [header];
  for (const r of reports) {
    for (const row of r.rows) {
      const ratio = row.floor > 0 ? row.value / row.floor : Number.NaN;
      lines.push([
        r.name,
        row.metric,
        `${round(row.value, 1)} ${row.unit}`,
        `${round(row.floor, 1)} ${row.unit}`,
        Number.isFinite(ratio) ? round(ratio, 2).toFixed(2) : '-',
        row.goal ?? '',
      ]);
    }
  }
  const widths = header.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  const fmt = (l: string[]) =>
    l
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [fmt(lines[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.slice(1).map(fmt)].join('\n');
}
