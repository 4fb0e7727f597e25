/**
 * The production topology as local processes, one folder for all of it: PostgreSQL, the four
 * Temporal services (schemas set up first), moto, the Cordon API and N Cordon workers — each a
 * process of its own, so a test (or a curious operator) can kill one alone. Used by
 * `npm run start:cluster` and test/cluster. All or none: a failed start stops what had started.
 * Every start waits on health (PostgreSQL sessions, the frontend serving the namespace, the API
 * listening, each worker polling), each with a deadline that names what did not come up.
 */
import path from 'node:path';
import fs from 'node:fs';
import { createAwsClients, destroyAwsClients, type AwsClients } from '../aws/clients';
import type { ChildServer } from './child-server';
import { localProcessEnv, startApiProcess, startWorkerProcess, type CordonProcess } from './cordon-processes';
import { seedDemoFleet, type DemoFleet, type DemoFleetOptions } from './demo-fleet';
import { freeLowPort, freePort } from './free-port';
import { startMoto, type MotoServer } from './moto-server';
import { startPostgres, type PostgresServer } from './postgres';
import {
  ensureNamespace,
  setupSchemas,
  startTemporalService,
  TEMPORAL_SERVICES,
  writeServerConfig,
  type ClusterPorts,
  type TemporalClusterConfig,
  type TemporalService,
} from './temporal-cluster';
import { clusterToolchainPaths, type ClusterToolchainPaths } from './toolchain-paths';

export interface ClusterLayout {
  postgres: number;
  temporal: ClusterPorts;
  api: number;
  moto: number;
}

/** The fixed ports `npm run start:cluster` uses: Temporal's own development layout, PostgreSQL beside the system's 5432. */
export function defaultClusterLayout(frontend = 7233, api = 8787, moto = 5055): ClusterLayout {
  return {
    postgres: 5433,
    api,
    moto,
    temporal: {
      frontend: { grpc: frontend, membership: 6933, http: 7243 },
      history: { grpc: 7234, membership: 6934 },
      matching: { grpc: 7235, membership: 6935 },
      worker: { grpc: 7239, membership: 6939 },
    },
  };
}

/** Free ports (tests: each suite its own); Temporal's below 32768, as its membership table requires. */
export async function freeClusterLayout(): Promise<ClusterLayout> {
  const p = async () => freePort();
  const low = async () => freeLowPort();
  const service = async (http = false) => ({ grpc: await low(), membership: await low(), ...(http ? { http: await low() } : {}) });
  return {
    postgres: await p(),
    api: await p(),
    moto: await p(),
    temporal: { frontend: await service(true), history: await service(), matching: await service(), worker: await service() },
  };
}

export interface ClusterOptions {
  /** Holds everything: postgres/, config/, logs, evidence. Survives a stop (PostgreSQL keeps the incidents). */
  dir: string;
  layout: ClusterLayout;
  region: string;
  workers: number;
  /** The prebuilt workflow bundle the workers load. */
  bundle: string;
  motoBinary: string;
  namespace?: string;
  taskQueue?: string;
  numHistoryShards?: number;
  /** Added to the API's and every worker's environment (admin token, fleet limits, policies). */
  cordonEnv?: Record<string, string>;
  /** Seed the demo fleet into moto after it starts. */
  seedFleet?: DemoFleetOptions;
  say?: (line: string) => void;
  /** Node options of every worker process (benchmarks: `--cpu-prof`). */
  workerNodeArgs?: string[];
  /** Extra PostgreSQL settings (benchmarks: pg_stat_statements). */
  postgresSettings?: string[];
  /** Go's pprof and Prometheus metrics per Temporal service (benchmarks). */
  diagnosticPorts?: TemporalClusterConfig['diagnosticPorts'];
  /** Each child as it starts (the run lock records it). */
  onChild?: (child: { name: string; pid: number; port?: number }) => void;
}

type Worker = CordonProcess & { metricsUrl: string };

export interface LocalCluster {
  readonly dir: string;
  readonly tools: ClusterToolchainPaths;
  readonly config: TemporalClusterConfig;
  readonly address: string;
  readonly postgres: PostgresServer;
  readonly services: Record<TemporalService, ChildServer>;
  readonly moto: MotoServer;
  readonly aws: AwsClients;
  readonly fleet?: DemoFleet;
  readonly api: CordonProcess & { url: string };
  readonly workers: Worker[];
  /** The environment the API and workers run with. */
  readonly env: Record<string, string>;
  /** Starts one more worker process (its log: `worker-<n>.log`). */
  startWorker(): Promise<Worker>;
  /** Starts `service` again after it was stopped or killed (same ports, same config). */
  restartService(service: TemporalService): Promise<void>;
  stopPostgres(): Promise<void>;
  startPostgres(): Promise<void>;
  /** API, workers (drained), Temporal services, moto, PostgreSQL last. */
  stop(): Promise<void>;
}

export async function startCluster(opts: ClusterOptions): Promise<LocalCluster> {
  const say = opts.say ?? (() => undefined);
  const tools = clusterToolchainPaths();
  const namespace = opts.namespace ?? 'default';
  fs.mkdirSync(opts.dir, { recursive: true });
  // PostgreSQL runs as its own user when we are root: it must be able to pass through this folder (not list or read it).
  fs.chmodSync(opts.dir, fs.statSync(opts.dir).mode | 0o011);
  const cleanups: (() => Promise<unknown>)[] = [];
  const track = <T extends { name?: string; pid: number; port?: number }>(child: T, name = child.name ?? 'child'): T => {
    opts.onChild?.({ name, pid: child.pid, port: child.port });
    return child;
  };
  const stopAll = async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn().catch(() => undefined);
  };
  try {
    const pgOptions = {
      binDir: tools.postgresBin,
      dataDir: path.join(opts.dir, 'postgres'),
      port: opts.layout.postgres,
      logFile: path.join(opts.dir, 'postgresql.log'),
      settings: opts.postgresSettings,
    };
    say(`starting PostgreSQL (data: ${path.relative(process.cwd(), pgOptions.dataDir)}, port ${pgOptions.port})`);
    let postgres = track(await startPostgres(pgOptions));
    cleanups.push(() => postgres.stop());

    const config: TemporalClusterConfig = {
      root: opts.dir,
      postgresPort: opts.layout.postgres,
      ports: opts.layout.temporal,
      numHistoryShards: opts.numHistoryShards ?? 4,
      diagnosticPorts: opts.diagnosticPorts,
    };
    say('setting up the temporal and temporal_visibility schemas (temporal-sql-tool)');
    setupSchemas(tools, opts.layout.postgres, path.join(opts.dir, 'schema.log'));
    writeServerConfig(tools, config);

    say(`starting the Temporal services: ${TEMPORAL_SERVICES.join(', ')} (one process each)`);
    const services = {} as Record<TemporalService, ChildServer>;
    const start = async (s: TemporalService) => {
      services[s] = track(await startTemporalService(tools, config, s));
      cleanups.push(() => services[s].stop());
    };
    // The first service to start writes the cluster metadata into a fresh database; four at once race for that
    // row and the losers exit ("failed to initialize current cluster metadata"). One first, then the rest.
    const [first, ...rest] = TEMPORAL_SERVICES;
    await start(first);
    const results = await Promise.allSettled(rest.map(start));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    const address = `127.0.0.1:${opts.layout.temporal.frontend.grpc}`;
    say(`waiting for the frontend at ${address} to serve namespace "${namespace}"`);
    // A service that dies while the frontend comes up (a bad config, a lost port) fails the start now, with its reason.
    await Promise.race([
      ensureNamespace(address, namespace),
      ...TEMPORAL_SERVICES.map((s) => diedDuringStart(services[s], path.join(opts.dir, `${s}.log`))),
    ]);

    say('starting moto (simulated AWS)');
    const moto = track(await startMoto({ binary: opts.motoBinary, port: opts.layout.moto, logFile: path.join(opts.dir, 'moto.log') }));
    cleanups.push(() => moto.stop());
    const aws = createAwsClients({ region: opts.region, endpoint: moto.endpoint });
    cleanups.push(async () => destroyAwsClients(aws));
    let fleet: DemoFleet | undefined;
    if (opts.seedFleet) {
      say(`seeding the demo fleet (Auto Scaling group "${opts.seedFleet.groupName ?? 'web'}", ${opts.seedFleet.size ?? 3} instances)`);
      fleet = await seedDemoFleet(aws, opts.seedFleet);
    }

    const evidenceDir = path.join(opts.dir, 'evidence');
    const env = {
      ...localProcessEnv({
        temporalAddress: address,
        taskQueue: opts.taskQueue ?? 'cordon-runbooks',
        awsEndpoint: moto.endpoint,
        region: opts.region,
        bundle: opts.bundle,
        dataDir: path.join(opts.dir, 'cordon-data'),
        evidenceDir,
      }),
      TEMPORAL_NAMESPACE: namespace,
      ...opts.cordonEnv,
    };
    const workers: Worker[] = [];
    let started = 0;
    const startWorker = async (): Promise<Worker> => {
      const n = ++started;
      const worker = await startWorkerProcess(env, path.join(opts.dir, `worker-${n}.log`), opts.workerNodeArgs);
      track(worker, `cordon-worker-${n}`);
      workers[n - 1] = worker;
      cleanups.push(() => worker.stop(30000));
      return worker;
    };
    say(`starting the Cordon API and ${opts.workers} worker process${opts.workers === 1 ? '' : 'es'}`);
    let apiProcess: (CordonProcess & { url: string }) | undefined;
    const [api] = await Promise.all([
      startApiProcess(env, path.join(opts.dir, 'api.log'), opts.layout.api).then((a) => {
        apiProcess = track(a, 'cordon-api');
        return a;
      }),
      ...Array.from({ length: opts.workers }, () => startWorker()),
    ]).catch(async (err: unknown) => {
      await apiProcess?.stop(15000);
      throw err;
    }); // a worker failed: the API is not left running
    // Last in, first out: the API stops first, so no new alerts arrive while the workers drain.
    cleanups.push(() => api.stop(15000));

    return {
      dir: opts.dir,
      tools,
      config,
      address,
      get postgres() {
        return postgres;
      },
      services,
      moto,
      aws,
      fleet,
      api,
      workers,
      env,
      startWorker,
      async restartService(service) {
        await services[service].stop();
        services[service] = track(await startTemporalService(tools, config, service));
      },
      async stopPostgres() {
        await postgres.stop();
      },
      async startPostgres() {
        postgres = track(await startPostgres(pgOptions));
      },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** Rejects when `child` exits, quoting the last fatal (or last) line of its log. */
async function diedDuringStart(child: ChildServer, logFile: string): Promise<never> {
  await child.exited;
  const lines = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').trim().split('\n') : [];
  const reason = lines.reverse().find((l) => l.includes('"fatal"')) ?? lines[0] ?? 'no output';
  throw new Error(`${child.name} exited during start (${logFile}): ${reason.slice(0, 400)}`);
}
