/**
 * The two topologies the scale benchmark loads, started fresh in a temporary folder with the same
 * Cordon workers (separate `worker-main` processes, the same bundle, the same memory budget):
 *  - `sqlite`: the Temporal dev server (one process, SQLite) and moto, as `npm start` runs them;
 *  - `cluster`: PostgreSQL, the four Temporal services and moto, as `npm run start:cluster` runs
 *    them (src/local/cluster.ts; its API process idles: the bench opens incidents through
 *    IncidentService, the API's own door, from this process).
 * Each backend names every process whose CPU and memory count, and can say what its store holds.
 * With `profileDir`, each worker writes a V8 CPU profile at exit and the cluster's Temporal
 * services serve Go's pprof (bench/scale-diagnostics.ts reads both); PostgreSQL loads
 * pg_stat_statements either way (its cost is a counter update per statement).
 */
import { Client, Connection } from '@temporalio/client';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { AwsClients } from '../src/aws/clients';
import { freeClusterLayout, startCluster } from '../src/local/cluster';
import { bundleOnce, localProcessEnv, startWorkerProcess, type CordonProcess } from '../src/local/cordon-processes';
import { seedDemoFleet, type DemoFleet } from '../src/local/demo-fleet';
import { freeLowPort } from '../src/local/free-port';
import { startLocalBackends } from '../src/local/local-backends';
import { TEMPORAL_ROLE } from '../src/local/postgres';
import { DATABASES, TEMPORAL_SERVICES, type DiagnosticPorts, type TemporalService } from '../src/local/temporal-cluster';
import { toolchainPaths } from '../src/local/toolchain-paths';
import { activityConfig, BENCH_REGION } from './servers';

export type BackendName = 'sqlite' | 'cluster';
export const backendLabels: Record<BackendName, string> = { sqlite: 'dev server (SQLite)', cluster: 'cluster (PostgreSQL)' };

export interface ScaleProcess {
  name: string;
  pid: number;
  kind: 'temporal' | 'postgres' | 'moto' | 'worker';
}
export interface ScaleWorker {
  name: string;
  pid: number;
  metricsUrl: string;
  logFile: string;
  stop(): Promise<void>;
}

export interface ScaleBackend {
  name: BackendName;
  label: string;
  client: Client;
  taskQueue: string;
  aws: AwsClients;
  fleet: DemoFleet;
  workers: ScaleWorker[];
  /** Every process of the topology (the bench process aside); PostgreSQL's counts with its backends. */
  processes: ScaleProcess[];
  /** Bytes the store holds: the SQLite file with its WAL, or both PostgreSQL databases. */
  storeBytes(): number;
  /** The cluster's PostgreSQL: top statements by total time (pg_stat_statements); undefined for SQLite. */
  topStatements?(limit: number): { query: string; calls: number; totalMs: number; meanMs: number }[];
  /** The cluster's Temporal services' pprof and metrics ports (when profiling). */
  diagnosticPorts?: Partial<Record<TemporalService, DiagnosticPorts>>;
  /** The Temporal server's log files (ERROR lines are counted). */
  serverLogs: string[];
  /** Stops every worker (each writes its CPU profile), then everything else; the folder is the caller's. */
  teardown(): Promise<void>;
}

export interface BackendOptions {
  dir: string;
  workers: number;
  workerMemoryMiB: number;
  /** Where workers write `--cpu-prof` profiles; none: no profiles. */
  profileDir?: string;
  /** The cluster's history shards (fixed when its database is created). */
  historyShards?: number;
}

const FLEET = { verifiedImageTag: activityConfig.verifiedImageTag, dataTagPrefix: activityConfig.dataTagPrefix, size: 3 };

/** What every worker runs with, whatever the backend. */
function workerEnv(opts: BackendOptions): Record<string, string> {
  return {
    ...Object.fromEntries(
      Object.entries(process.env)
        .filter(([k]) => k.startsWith('MALLOC_') || k === 'NODE_OPTIONS_WORKER')
        .map(([k, v]) => [k === 'NODE_OPTIONS_WORKER' ? 'NODE_OPTIONS' : k, v!]),
    ),
    CORDON_WORKER_MEMORY_MIB: String(opts.workerMemoryMiB),
    CORDON_DATA_TAG_PREFIX: activityConfig.dataTagPrefix,
    CORDON_VERIFIED_IMAGE_TAG: activityConfig.verifiedImageTag,
  };
}

function cpuProfArgs(opts: BackendOptions, name: string): string[] {
  if (!opts.profileDir) return [];
  const dir = path.join(opts.profileDir, name);
  fs.mkdirSync(dir, { recursive: true });
  return ['--cpu-prof', `--cpu-prof-dir=${dir}`];
}

const asWorker = (name: string, p: CordonProcess & { metricsUrl: string }): ScaleWorker => ({
  name,
  pid: p.pid,
  metricsUrl: p.metricsUrl,
  logFile: p.logFile,
  stop: () => p.stop(60000),
});

export async function startSqliteBackend(opts: BackendOptions): Promise<ScaleBackend> {
  const backends = await startLocalBackends(opts.dir, BENCH_REGION);
  const workers: ScaleWorker[] = [];
  try {
    const fleet = await seedDemoFleet(backends.aws, FLEET);
    const taskQueue = 'cordon-scale';
    const env = {
      ...localProcessEnv({
        temporalAddress: backends.temporal.address,
        taskQueue,
        awsEndpoint: backends.moto.endpoint,
        region: BENCH_REGION,
        bundle: await bundleOnce(opts.dir),
        dataDir: path.join(opts.dir, 'cordon-data'),
        evidenceDir: path.join(opts.dir, 'evidence'),
      }),
      ...workerEnv(opts),
    };
    const started = await Promise.all(
      Array.from({ length: opts.workers }, (_, i) =>
        startWorkerProcess(env, path.join(opts.dir, `worker-${i + 1}.log`), cpuProfArgs(opts, `sqlite-worker-${i + 1}`)),
      ),
    );
    workers.push(...started.map((p, i) => asWorker(`worker-${i + 1}`, p)));
    const db = path.join(opts.dir, 'temporal.sqlite');
    return {
      name: 'sqlite',
      label: backendLabels.sqlite,
      client: backends.client,
      taskQueue,
      aws: backends.aws,
      fleet,
      workers,
      processes: [
        { name: 'dev server', pid: backends.temporal.pid, kind: 'temporal' },
        { name: 'moto', pid: backends.moto.pid, kind: 'moto' },
        ...workers.map((w) => ({ name: w.name, pid: w.pid, kind: 'worker' as const })),
      ],
      storeBytes: () => ['', '-wal'].reduce((sum, suffix) => sum + (fs.existsSync(db + suffix) ? fs.statSync(db + suffix).size : 0), 0),
      serverLogs: [path.join(opts.dir, 'temporal.log')],
      async teardown() {
        await Promise.all(workers.map((w) => w.stop()));
        await backends.stop();
      },
    };
  } catch (err) {
    await Promise.all(workers.map((w) => w.stop()));
    await backends.stop();
    throw err;
  }
}

export async function startClusterBackend(opts: BackendOptions): Promise<ScaleBackend> {
  const layout = await freeClusterLayout();
  const diagnosticPorts: Partial<Record<TemporalService, DiagnosticPorts>> = {};
  if (opts.profileDir) for (const s of TEMPORAL_SERVICES) diagnosticPorts[s] = { pprof: await freeLowPort(), metrics: await freeLowPort() };
  let worker = 0;
  const cluster = await startCluster({
    dir: opts.dir,
    layout,
    region: BENCH_REGION,
    workers: opts.workers,
    bundle: await bundleOnce(opts.dir),
    motoBinary: toolchainPaths().motoServer,
    numHistoryShards: opts.historyShards,
    cordonEnv: workerEnv(opts),
    seedFleet: FLEET,
    // Every worker gets its own profile folder: the profile names carry only pids.
    workerNodeArgs: opts.profileDir ? cpuProfArgs(opts, 'cluster-workers') : undefined,
    postgresSettings: ['shared_preload_libraries=pg_stat_statements', 'pg_stat_statements.track=all'],
    diagnosticPorts: opts.profileDir ? diagnosticPorts : undefined,
  });
  const connection = await Connection.connect({ address: cluster.address, connectTimeout: '30s' });
  const psql = (db: string, sql: string): string => {
    const r = spawnSync(
      path.join(cluster.tools.postgresBin, 'psql'),
      [
        '-h',
        '127.0.0.1',
        '-p',
        String(layout.postgres),
        '-U',
        'postgres',
        '-d',
        db,
        '-v',
        'ON_ERROR_STOP=1',
        '-qAtX',
        '-F',
        '\t',
        '-c',
        sql,
      ],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`psql: ${(r.stderr || r.stdout).trim()}`);
    return r.stdout;
  };
  psql(DATABASES.default, 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  psql(DATABASES.default, 'SELECT pg_stat_statements_reset()');
  const workers = cluster.workers.map((w) => asWorker(`worker-${++worker}`, w));
  return {
    name: 'cluster',
    label: backendLabels.cluster,
    client: new Client({ connection }),
    taskQueue: cluster.env.CORDON_TASK_QUEUE!,
    aws: cluster.aws,
    fleet: cluster.fleet!,
    workers,
    processes: [
      ...TEMPORAL_SERVICES.map((s) => ({ name: s, pid: cluster.services[s].pid, kind: 'temporal' as const })),
      { name: 'postgresql', pid: cluster.postgres.pid, kind: 'postgres' },
      { name: 'moto', pid: cluster.moto.pid, kind: 'moto' },
      ...workers.map((w) => ({ name: w.name, pid: w.pid, kind: 'worker' as const })),
    ],
    storeBytes: () => Object.values(DATABASES).reduce((sum, db) => sum + Number(psql(db, `SELECT pg_database_size('${db}')`).trim()), 0),
    topStatements(limit) {
      const rows = psql(
        DATABASES.default,
        `SELECT calls, total_exec_time, mean_exec_time, regexp_replace(query, '\\s+', ' ', 'g') FROM pg_stat_statements
        WHERE dbid IN (SELECT oid FROM pg_database WHERE datname IN ('${DATABASES.default}', '${DATABASES.visibility}')) AND userid = (SELECT oid FROM pg_roles WHERE rolname = '${TEMPORAL_ROLE.user}')
        ORDER BY total_exec_time DESC LIMIT ${limit}`,
      );
      return rows
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const [calls, total, mean, query] = line.split('\t');
          return { calls: Number(calls), totalMs: Number(total), meanMs: Number(mean), query: (query ?? '').slice(0, 160) };
        });
    },
    diagnosticPorts: opts.profileDir ? diagnosticPorts : undefined,
    serverLogs: TEMPORAL_SERVICES.map((s) => path.join(opts.dir, `${s}.log`)),
    async teardown() {
      await connection.close();
      await cluster.stop();
    },
  };
}
