/**
 * Single-backend scale runs (scale-sqlite.json, scale-cluster.json) of the same load are shown as
 * one side-by-side table naming each run's commit; runs of different loads are never merged.
 */
import { renderTable } from '../../../bench/readme-table';
import type { BenchResultFile } from '../../../bench/results-file';
import { sideBySide } from '../../../bench/side-by-side';

const METRICS = ['opening rate (incident + breach clock live)', 'worker RSS at 10000 open (largest worker)'];

function run(label: string, values: number[], over: Partial<BenchResultFile['config']> = {}, commit = 'a'.repeat(40)): BenchResultFile {
  return {
    name: 'scale',
    rows: [{ metric: `${label}: x`, unit: 'ms', value: 1, floor: 1 }],
    comparison: {
      title: `${label} alone, 10000 open incidents, 2 worker processes`,
      columns: [label],
      rows: METRICS.map((metric, i) => ({ metric, unit: i ? 'MiB' : 'incidents/s', values: [values[i]!] })),
    },
    notes: [],
    at: '2026-11-29T00:00:00.000Z',
    commit,
    dirty: false,
    machine: { cores: 2, cpu: 'cpu', memoryGiB: 24, node: 'v20', loadAverage: 1.5 },
    command: 'npm run bench -- --only scale',
    config: { incidents: 10000, workers: 2, workerMemoryMiB: 600, allocator: 'jemalloc', ...over },
  };
}

test('two single-backend runs of the same load become one table: dev server first, each commit named', () => {
  const files = new Map([
    ['scale-cluster', run('cluster (PostgreSQL)', [2.5, 580], { historyShards: 4 }, 'b'.repeat(40))],
    ['scale-sqlite', run('dev server (SQLite)', [2.9, 507])],
  ]);
  const [merged, ...more] = sideBySide(files);
  expect(more).toEqual([]);
  expect(merged!.files).toEqual(['scale-sqlite', 'scale-cluster']);
  expect(merged!.comparison.columns).toEqual(['dev server (SQLite)', 'cluster (PostgreSQL)']);
  expect(merged!.comparison.rows.map((r) => r.values)).toEqual([
    [2.9, 2.5],
    [507, 580],
  ]);
  expect(merged!.comparison.title).toContain('`scale-sqlite` at aaaaaaa');
  expect(merged!.comparison.title).toContain('`scale-cluster` at bbbbbbb');

  const table = renderTable(files);
  expect(table).toContain('`scale-sqlite` + `scale-cluster`: the same load on each backend');
  expect(table).toContain('| worker RSS at 10000 open (largest worker) | 507 MiB | 580 MiB |  |');
  expect(table).not.toContain('alone, 10000 open incidents');
});

test('runs of different loads stay in their own tables', () => {
  const files = new Map([
    ['scale-cluster', run('cluster (PostgreSQL)', [2.5, 580], { incidents: 1000 })],
    ['scale-sqlite', run('dev server (SQLite)', [2.9, 507])],
  ]);
  expect(sideBySide(files)).toEqual([]);
  const table = renderTable(files);
  expect(table).toContain('`scale-cluster`: cluster (PostgreSQL) alone');
  expect(table).toContain('`scale-sqlite`: dev server (SQLite) alone');
});
