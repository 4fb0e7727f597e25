/**
 * `npm run bench`: runs every benchmark, prints one table (each figure beside the floor
 * measured in the same run, with the ratio) and writes the full report, raw samples included,
 * to `.bench/<timestamp>.json` and `.bench/latest.json` (git-ignored).
 *   npm run bench -- --incidents 50 --only containment
 *   npm run bench -- --only scale --scale-incidents 1000;  npm run bench -- --only clocks --clock-workflows 20
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runClockAccuracyBench } from './clock-accuracy';
import { runContainmentBench } from './containment';
import { runScaleBench } from './scale';
import { formatTable, type BenchReport } from './stats';

const { values } = parseArgs({
  options: {
    incidents: { type: 'string', default: '50' },
    warmup: { type: 'string', default: '3' },
    only: { type: 'string' },
    'scale-incidents': { type: 'string', default: '1000' },
    'clock-workflows': { type: 'string', default: '20' },
  },
});
const log = (line: string) => process.stderr.write(`${line}\n`);

function isReport(value: unknown): value is BenchReport {
  return typeof value === 'object' && value !== null && Array.isArray((value as BenchReport).rows) && typeof (value as BenchReport).name === 'string';
}

/** The ingest benchmark is its own module; it is run when present and its absence is said at run time. */
async function ingest(): Promise<BenchReport[]> {
  const file = ['ingest.ts', 'ingest.js'].map((f) => path.join(__dirname, f)).find((f) => fs.existsSync(f));
  if (!file) {
    log('ingest: skipped (bench/ingest.ts is not in this checkout)');
    return [];
  }
  const mod = (await import(file)) as { runIngestBench?: () => Promise<unknown>; formatTable?: (rows: never) => string };
  if (typeof mod.runIngestBench !== 'function') {
    log('ingest: skipped (bench/ingest.ts exports no runIngestBench)');
    return [];
  }
  log('ingest: running bench/ingest.ts…');
  const result = await mod.runIngestBench();
  if (isReport(result)) return [result];
  // The ingest benchmark prints its own table (each load beside the bare endpoint); its rows go to the JSON.
  const table = typeof mod.formatTable === 'function' ? mod.formatTable(result as never) : JSON.stringify(result, null, 1);
  return [{ name: 'ingest', rows: [], notes: [`\n${table}`], raw: { rows: result } }];
}

async function main(): Promise<void> {
  const incidents = Number(values.incidents);
  if (!Number.isInteger(incidents) || incidents < 1) throw new Error('--incidents must be a positive integer');
  const wanted = (name: string) => !values.only || values.only.split(',').includes(name);
  const reports: BenchReport[] = [];
  if (wanted('containment')) {
    log(`containment: ${incidents} incidents against moto + the Temporal dev server…`);
    reports.push(await runContainmentBench({ incidents, warmup: Number(values.warmup), log }));
  }
  if (wanted('ingest')) reports.push(...(await ingest()));
  if (wanted('scale')) {
    log(`scale: ${values['scale-incidents']} open incidents with live clocks on one dev server (SQLite) and one worker…`);
    reports.push(await runScaleBench({ incidents: Number(values['scale-incidents']), log }));
  }
  if (wanted('clocks')) {
    log(`clocks: ${values['clock-workflows']} breach-notification workflows on the time-skipping server…`);
    reports.push(await runClockAccuracyBench({ workflows: Number(values['clock-workflows']), log }));
  }

  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, ${os.platform()} ${os.release()}`;
  process.stdout.write(`\n${formatTable(reports)}\n\n`);
  for (const r of reports) for (const note of r.notes) process.stdout.write(`${r.name}: ${note}\n`);
  process.stdout.write(`machine: ${machine}\n`);

  const dir = path.resolve(__dirname, '..', '.bench');
  fs.mkdirSync(dir, { recursive: true });
  const report = { at: new Date().toISOString(), machine, command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(), reports };
  const file = path.join(dir, `${report.at.replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, JSON.stringify(report, null, 2));
  fs.writeFileSync(path.join(dir, 'latest.json'), JSON.stringify(report, null, 2));
  process.stdout.write(`report: ${path.relative(process.cwd(), file)}\n`);
}

main().then(() => process.exit(0), (err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
