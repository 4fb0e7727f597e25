/**
 * README figures come from committed benchmark results: the performance table in README.md is
 * exactly what bench/readme-table.ts renders from bench/results/*.json, and every result names
 * the commit, machine and command that produced it, with raw samples beside the figures.
 */
import fs from 'node:fs';
import path from 'node:path';
import { currentBlock, renderTable } from '../../../bench/readme-table';
import { readResults } from '../../../bench/results-file';

const results = readResults();

test('the README table is the one generated from bench/results/ (run `npm run bench:readme` after `npm run bench`)', () => {
  const readme = fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'README.md'), 'utf8');
  expect(currentBlock(readme)).toBe(renderTable(results));
});

test('each committed result says what it measured, where, and keeps its samples', () => {
  expect([...results.keys()].sort()).toEqual(expect.arrayContaining(['clocks', 'containment', 'ingest', 'ingest-fsync', 'scale']));
  for (const [file, r] of results) {
    expect({
      file,
      commit: /^[0-9a-f]{40}$/.test(r.commit),
      cores: r.machine.cores > 0,
      node: r.machine.node.startsWith('v'),
      command: /(^|\s)npm run bench/.test(r.command),
    }).toEqual({ file, commit: true, cores: true, node: true, command: true });
    expect({ file, rows: r.rows.length > 0, raw: Object.keys(r.raw ?? {}).length > 0 }).toEqual({ file, rows: true, raw: true });
    for (const row of r.rows)
      expect({ file, metric: row.metric, floorMeasured: typeof row.floor === 'number' }).toEqual({
        file,
        metric: row.metric,
        floorMeasured: true,
      });
  }
});
