/**
 * A Temporal cluster on PostgreSQL as local processes: the schema tool sets up both databases
 * (idempotently), then frontend, history, matching and worker run as four `server` processes
 * that find each other through PostgreSQL's membership table, so one can be killed alone.
 * The config is written once per cluster folder from the module's development-postgres12 layout
 * with this cluster's ports; the history shard count is fixed when the databases are first set up.
 */
import { spawnSync } from 'node:child_process';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import fs from 'node:fs';
import path from 'node:path';
import { EarlyExitError, startChildServer, type ChildServer } from './child-server';
import { TEMPORAL_ROLE } from './postgres';
import { waitForTemporal } from './temporal-health';
import type { ClusterToolchainPaths } from './toolchain-paths';

export const TEMPORAL_SERVICES = ['history', 'matching', 'frontend', 'worker'] as const;
export type TemporalService = (typeof TEMPORAL_SERVICES)[number];

export interface ServicePorts {
  grpc: number;
  membership: number;
  http?: number;
}
export type ClusterPorts = Record<TemporalService, ServicePorts>;

export const DATABASES = { default: 'temporal', visibility: 'temporal_visibility' } as const;

export interface DiagnosticPorts {
  pprof: number;
  metrics: number;
}

export interface TemporalClusterConfig {
  /** The cluster folder: `config/`, one log file per service. */
  root: string;
  postgresPort: number;
  ports: ClusterPorts;
  numHistoryShards: number;
  /** Per service, Go's pprof and the server's Prometheus metrics on these loopback ports (benchmarks read both); none when absent. */
  diagnosticPorts?: Partial<Record<TemporalService, DiagnosticPorts>>;
}

/** The server's config (JSON is YAML), written to `<root>/config/cordon.yaml`; `--env cordon` selects it. */
export function writeServerConfig(tools: ClusterToolchainPaths, cfg: TemporalClusterConfig): string {
  const dir = path.join(cfg.root, 'config');
  fs.mkdirSync(dir, { recursive: true });
  const dynamic = path.join(dir, 'dynamicconfig.yaml');
  fs.copyFileSync(path.join(tools.temporalServerFiles, 'config', 'dynamicconfig', 'development-sql.yaml'), dynamic);
  const sql = (databaseName: string, maxConns: number) => ({
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: `127.0.0.1:${cfg.postgresPort}`,
      connectProtocol: 'tcp',
      user: TEMPORAL_ROLE.user,
      password: TEMPORAL_ROLE.password,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  const rpc = (p: ServicePorts) => ({
    rpc: { grpcPort: p.grpc, membershipPort: p.membership, bindOnLocalHost: true, ...(p.http ? { httpPort: p.http } : {}) },
  });
  const config = {
    log: { stdout: true, level: 'warn' },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: cfg.numHistoryShards,
      datastores: { 'postgres-default': sql(DATABASES.default, 20), 'postgres-visibility': sql(DATABASES.visibility, 5) },
    },
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' }, pprof: { port: 0 } },
    services: Object.fromEntries(TEMPORAL_SERVICES.map((s) => [s, rpc(cfg.ports[s])])),
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: `127.0.0.1:${cfg.ports.frontend.grpc}` },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } },
    namespaceDefaults: { archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } } },
    dynamicConfigClient: { filepath: dynamic, pollInterval: '10s' },
  };
  const file = path.join(dir, 'cordon.yaml');
  fs.writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
  // A service's own file (`cordon_<service>.yaml`, selected by `--zone <service>`) is read after cordon.yaml and overrides it.
  for (const service of TEMPORAL_SERVICES) {
    const own = path.join(dir, `cordon_${service}.yaml`);
    const ports = cfg.diagnosticPorts?.[service];
    const global = ports && {
      pprof: { port: ports.pprof, host: '127.0.0.1' },
      metrics: { prometheus: { listenAddress: `127.0.0.1:${ports.metrics}` } },
    };
    if (global) fs.writeFileSync(own, `${JSON.stringify({ global }, null, 2)}\n`);
    else fs.rmSync(own, { force: true });
  }
  return file;
}

/** The sql tool's commands for one database, exactly as the compose schema job runs them. */
export function schemaCommands(database: string, versionedDir: string): string[][] {
  return [['create-database'], ['setup-schema', '-v', '0.0'], ['update-schema', '-d', versionedDir]].map((c) => [`--db`, database, ...c]);
}

/**
 * Creates both databases and brings their schemas to the module's latest version. Idempotent: an
 * existing database or an already set up schema is not an error, and update-schema applies only
 * the versions the database lacks.
 */
export function setupSchemas(tools: ClusterToolchainPaths, postgresPort: number, logFile: string): void {
  const base = [
    '--plugin',
    'postgres12',
    '--ep',
    '127.0.0.1',
    '-p',
    String(postgresPort),
    '-u',
    TEMPORAL_ROLE.user,
    '--pw',
    TEMPORAL_ROLE.password,
  ];
  const schemaRoot = path.join(tools.temporalServerFiles, 'schema', 'postgresql', 'v12');
  for (const [key, database] of Object.entries(DATABASES)) {
    const versioned = path.join(schemaRoot, key === 'default' ? 'temporal' : 'visibility', 'versioned');
    for (const command of schemaCommands(database, versioned)) {
      const r = spawnSync(tools.temporalSqlTool, [...base, ...command], { encoding: 'utf8' });
      const out = `${r.stdout}${r.stderr}`;
      fs.appendFileSync(logFile, `$ sql ${command.join(' ')}\n${out}\n`);
      if (r.status === 0) continue;
      const verb = command[2];
      // Already done on an earlier start: the database exists, or its schema_version table does.
      if ((verb === 'create-database' || verb === 'setup-schema') && /already exists/i.test(out)) continue;
      throw new Error(`temporal-sql-tool ${command.join(' ')} failed (see ${logFile}): ${out.trim().split('\n').slice(-2).join(' | ')}`);
    }
  }
}

/**
 * One service as one process. An exit during start is tried again (twice): the config does not change,
 * so a retry is safe, and a service that lost a start-up race on a shared row (cluster metadata,
 * membership) succeeds the second time. Anything else (never listening) is not retried.
 */
export async function startTemporalService(
  tools: ClusterToolchainPaths,
  cfg: TemporalClusterConfig,
  service: TemporalService,
): Promise<ChildServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startServiceOnce(tools, cfg, service);
    } catch (err) {
      if (!(err instanceof EarlyExitError) || attempt >= 3) throw err;
    }
  }
}

function startServiceOnce(tools: ClusterToolchainPaths, cfg: TemporalClusterConfig, service: TemporalService): Promise<ChildServer> {
  return startChildServer({
    name: `temporal-${service}`,
    command: tools.temporalServer,
    args: [
      '--root',
      cfg.root,
      '--config',
      'config',
      '--env',
      'cordon',
      ...(cfg.diagnosticPorts?.[service] ? ['--zone', service] : []),
      '--allow-no-auth',
      'start',
      '--service',
      service,
    ],
    // The worker service (Temporal's own system workflows) serves no gRPC; its membership port is what it opens.
    port: service === 'worker' ? cfg.ports[service].membership : cfg.ports[service].grpc,
    logFile: path.join(cfg.root, `${service}.log`),
    cwd: cfg.root,
    startTimeoutMs: 90000,
  });
}

/** Registers the namespace unless it exists (3 days' retention after close), then waits until the frontend serves it. */
export async function ensureNamespace(address: string, namespace: string, timeoutMs = 90000): Promise<void> {
  await waitForTemporal({ address, namespace: null, timeoutMs });
  const connection = await Connection.connect({ address, connectTimeout: '10s' });
  try {
    await connection.workflowService
      .registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('3 days') })
      .catch((err: unknown) => {
        // ALREADY_EXISTS: registered on an earlier start.
        if ((err as { code?: number }).code !== 6) throw err;
      });
  } finally {
    await connection.close();
  }
  await waitForTemporal({ address, namespace, timeoutMs });
}
