/**
 * `npm run bench`: runs every benchmark, prints one table (each figure beside the floor
 * measured in the same run, with the ratio), writes each benchmark's result to
 * `bench/results/<name>.json` (committed; `npm run bench:readme` regenerates the README's table
 * from them) and the whole run to `.bench/<timestamp>.json` and `.bench/latest.json` (git-ignored).
 *   npm run bench -- --incidents 50 --only containment
 *   npm run bench -- --only scale --scale-incidents 1000;  npm run bench -- --only clocks --clock-workflows 20
 *   npm run bench -- --only scale --cluster --scale-incidents 10000   (the dev server and the PostgreSQL cluster, same load, one result: scale.json)
 *   npm run bench -- --only scale --scale-incidents 10000   (one backend alone: its own file, scale-sqlite.json)
 *   scale options: --scale-backends sqlite,cluster (instead of --cluster), --scale-workers 2, --scale-memory-mib 600 (each worker's CORDON_WORKER_MEMORY_MIB), --scale-shards 4, --no-profile
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runClockAccuracyBench } from './clock-accuracy';
import { runContainmentBench } from './containment';
import { runScaleBench } from './scale';
import { backendLabels, type BackendName } from './scale-backends';
import { formatTable as formatIngestTable, runIngestBench } from './ingest';
import { ingestReport } from './ingest-report';
import { writeResult, type BenchResultFile } from './results-file';
import { processAllocator } from '../src/local/worker-allocator';
import { benchPinsRunbooks } from './servers';
import { formatTable, type BenchReport } from './stats';

const { values } = parseArgs({
  options: {
    incidents: { type: 'string', default: '50' },
    warmup: { type: 'string', default: '3' },
    only: { type: 'string' },
    'scale-incidents': { type: 'string', default: '1000' },
    'clock-workflows': { type: 'string', default: '20' },
    cluster: { type: 'boolean', default: false },
    'scale-backends': { type: 'string' },
    'scale-workers': { type: 'string', default: '2' },
    'scale-memory-mib': { type: 'string', default: '600' },
    'scale-shards': { type: 'string', default: '4' },
    'no-profile': { type: 'boolean', default: false },
  },
});
const log = (line: string) => process.stderr.write(`${line}\n`);

/** The ingest benchmark (bench/ingest.ts) as a report; it also prints its own table (each load beside the bare endpoint). */
async function ingest(): Promise<BenchReport> {
  log('ingest: running bench/ingest.ts…');
  const rows = await runIngestBench();
  return ingestReport(rows, formatIngestTable(rows));
}

async function main(): Promise<void> {
  const incidents = Number(values.incidents);
  if (!Number.isInteger(incidents) || incidents < 1) throw new Error('--incidents must be a positive integer');
  const wanted = (name: string) => !values.only || values.only.split(',').includes(name);
  const reports: BenchReport[] = [];
  // The BENCH_* settings decide figures too (e.g. the evidence fsync): they are part of the command.
  const env = Object.entries(process.env)
    .filter(([k]) => k.startsWith('BENCH_'))
    .map(([k, v]) => `${k}=${v}`)
    .sort();
  const command = [...env, `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim()].join(' ');
  /** Each benchmark's result is committed under bench/results/ (the README's table is generated from those files). */
  const keep = (file: string, report: BenchReport, config: BenchResultFile['config']) => {
    reports.push(report);
    log(`${report.name}: result written to ${path.relative(process.cwd(), writeResult(file, report, command, config))}`);
  };
  if (wanted('containment')) {
    log(`containment: ${incidents} incidents against moto + the Temporal dev server…`);
    keep('containment', await runContainmentBench({ incidents, warmup: Number(values.warmup), log }), {
      incidents,
      warmup: Number(values.warmup),
      runbook: benchPinsRunbooks() ? 'ec2-compromised-instance (pinned, as production)' : 'built-in order (BENCH_RUNBOOKS=0)',
    });
  }
  if (wanted('ingest')) {
    // The evidence fsync decides the p99 (compose runs with it on): each setting keeps its own result file.
    const fsync = process.env.BENCH_EVIDENCE_FSYNC === '1';
    keep(fsync ? 'ingest-fsync' : 'ingest', await ingest(), {
      evidenceFsync: fsync,
      seconds: Number(process.env.BENCH_SECONDS ?? 10),
      concurrency: Number(process.env.BENCH_CONCURRENCY ?? 128),
    });
  }
  if (wanted('scale')) {
    const positive = (flag: string): number => {
      const v = Number(values[flag as keyof typeof values]);
      if (!Number.isInteger(v) || v < 1) throw new Error(`--${flag}: expected a positive integer`);
      return v;
    };
    const scale = {
      incidents: positive('scale-incidents'),
      workers: positive('scale-workers'),
      workerMemoryMiB: positive('scale-memory-mib'),
      historyShards: positive('scale-shards'),
      profile: !values['no-profile'],
    };
    const backends: BackendName[] = values['scale-backends']
      ? values['scale-backends'].split(',').map((b) => {
          if (b !== 'sqlite' && b !== 'cluster') throw new Error(`--scale-backends: sqlite and/or cluster, not "${b}"`);
          return b;
        })
      : values.cluster
        ? ['sqlite', 'cluster']
        : ['sqlite'];
    log(
      `scale: ${scale.incidents} open incidents with live clocks on ${backends.join(' and then ')}, ${scale.workers} worker processes each (${scale.workerMemoryMiB} MiB budget)…`,
    );
    // Backends side by side keep `scale`; one backend alone keeps its own file (a larger run need not replace the comparison).
    const file = backends.length > 1 ? 'scale' : `scale-${backends[0]}`;
    keep(file, await runScaleBench({ ...scale, backends: [...backends], log }), {
      incidents: scale.incidents,
      backends: backends.map((b) => backendLabels[b]).join(' | '),
      workers: scale.workers,
      workerMemoryMiB: scale.workerMemoryMiB,
      allocator: processAllocator().name,
      ...(backends.includes('cluster') ? { historyShards: scale.historyShards } : {}),
    });
  }
  if (wanted('clocks')) {
    log(`clocks: ${values['clock-workflows']} breach-notification workflows on the time-skipping server…`);
    keep('clocks', await runClockAccuracyBench({ workflows: Number(values['clock-workflows']), log }), {
      workflows: Number(values['clock-workflows']),
    });
  }

  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, ${os.platform()} ${os.release()}`;
  process.stdout.write(`\n${formatTable(reports)}\n\n`);
  for (const r of reports) for (const note of r.notes) process.stdout.write(`${r.name}: ${note}\n`);
  process.stdout.write(`machine: ${machine}\n`);

  const dir = path.resolve(__dirname, '..', '.bench');
  fs.mkdirSync(dir, { recursive: true });
  const report = { at: new Date().toISOString(), machine, command, reports };
  const file = path.join(dir, `${report.at.replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, JSON.stringify(report, null, 2));
  fs.writeFileSync(path.join(dir, 'latest.json'), JSON.stringify(report, null, 2));
  process.stdout.write(`report: ${path.relative(process.cwd(), file)}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
