/**
 * `npm start`: Cordon on embedded defaults. Starts (unless configured otherwise) the Temporal
 * dev server with a SQLite file in the data folder, moto with a seeded demo fleet, a worker
 * and the API, then prints a banner. Ctrl-C stops every child process.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { OperatorDirectory } from '../api/auth/operators';
import { buildApi } from '../api/server';
import { createAwsClients } from '../aws/clients';
import { ConfigError, loadConfig, usesSimulatedAws, type Config } from '../config/schema';
import type { ChildServer } from '../local/child-server';
import { seedDemoFleet, type DemoFleet } from '../local/demo-fleet';
import { startMoto } from '../local/moto-server';
import { startTemporalDevServer } from '../local/temporal-dev-server';
import { projectRoot, toolchainPaths } from '../local/toolchain-paths';
import { policyFor } from '../policy/runbook-policy';
import { IncidentService } from '../temporal/incident-service';
import { createCordonWorker } from '../worker/create-worker';
import { installWorkerRuntime } from '../worker/runtime';
import { printBanner } from './banner';
import { temporalConnectionOptions } from './temporal-connection';
import { createLogger } from './logger';

function step(message: string): void {
  process.stderr.write(`  · ${message}\n`);
}

async function main(config: Config): Promise<void> {
  const log = createLogger(config.CORDON_LOG_LEVEL);
  const dataDir = path.resolve(projectRoot, config.CORDON_DATA_DIR);
  fs.mkdirSync(dataDir, { recursive: true });
  const children: ChildServer[] = [];
  const cleanups: (() => Promise<unknown>)[] = [];
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write('\nstopping Cordon…\n');
    for (const fn of cleanups.reverse()) await fn().catch(() => undefined);
    await Promise.all(children.map((c) => c.stop()));
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  try {
    const tools = toolchainPaths({ temporalCli: config.TEMPORAL_CLI_PATH, motoServer: config.MOTO_SERVER_PATH });
    let temporalAddress = config.TEMPORAL_ADDRESS;
    let temporalUi: string | undefined;
    if (!temporalAddress) {
      step(`starting the Temporal dev server (data: ${path.relative(process.cwd(), dataDir)}/temporal.sqlite)`);
      const server = await startTemporalDevServer({
        binary: tools.temporalCli, dbFile: path.join(dataDir, 'temporal.sqlite'), port: config.TEMPORAL_DEV_PORT,
        uiPort: config.TEMPORAL_UI_PORT, logFile: path.join(dataDir, 'temporal.log'),
      });
      children.push(server);
      temporalAddress = server.address;
      temporalUi = server.uiUrl;
    }

    let endpoint = config.AWS_ENDPOINT_URL;
    let fleet: DemoFleet | undefined;
    const simulated = usesSimulatedAws(config);
    if (simulated) {
      step('no AWS credentials configured: starting moto (simulated AWS)');
      const moto = await startMoto({ binary: tools.motoServer, port: config.MOTO_PORT, logFile: path.join(dataDir, 'moto.log') });
      children.push(moto);
      endpoint = moto.endpoint;
    }
    const credentials = config.AWS_ACCESS_KEY_ID && config.AWS_SECRET_ACCESS_KEY ? { accessKeyId: config.AWS_ACCESS_KEY_ID, secretAccessKey: config.AWS_SECRET_ACCESS_KEY } : undefined;
    const aws = createAwsClients({ region: config.AWS_REGION, endpoint, credentials });
    if (simulated) {
      step('seeding the demo fleet (Auto Scaling group "web", 3 instances)');
      fleet = await seedDemoFleet(aws, { verifiedImageTag: config.CORDON_VERIFIED_IMAGE_TAG, dataTagPrefix: config.CORDON_DATA_TAG_PREFIX });
    }
    const identity = await aws.sts.send(new GetCallerIdentityCommand({}));
    const account = identity.Account ?? '000000000000';

    step(`connecting to Temporal at ${temporalAddress}`);
    installWorkerRuntime();
    const connectionOptions = temporalConnectionOptions(config, temporalAddress);
    const workerConnection = await NativeConnection.connect(connectionOptions);
    const worker = await createCordonWorker({
      connection: workerConnection, namespace: config.TEMPORAL_NAMESPACE, taskQueue: config.CORDON_TASK_QUEUE,
      deps: { aws, config: { verifiedImageTag: config.CORDON_VERIFIED_IMAGE_TAG, dataTagPrefix: config.CORDON_DATA_TAG_PREFIX, compromiseLookbackHours: config.CORDON_COMPROMISE_LOOKBACK_HOURS } },
    });
    const workerRun = worker.run();
    cleanups.push(async () => { worker.shutdown(); await workerRun; await workerConnection.close(); });

    const connection = await Connection.connect(connectionOptions);
    const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
    cleanups.push(() => connection.close());
    const incidents = new IncidentService(client, config.CORDON_TASK_QUEUE, (s) => policyFor(s));

    const operators = config.CORDON_OPERATORS_FILE ? OperatorDirectory.fromFile(config.CORDON_OPERATORS_FILE) : new OperatorDirectory();
    const adminToken = config.CORDON_ADMIN_TOKEN ?? crypto.randomBytes(24).toString('base64url');
    operators.addToken({ name: 'admin', roles: ['admin'] }, adminToken);

    const api = await buildApi({
      incidents, operators, alerts: { defaults: { account, region: config.AWS_REGION } },
      ready: async () => { await connection.healthService.check({}); return true; },
      logLevel: config.CORDON_LOG_LEVEL,
    });
    cleanups.push(() => api.close());
    await api.listen({ host: config.CORDON_API_HOST, port: config.CORDON_API_PORT });
    const apiUrl = `http://${config.CORDON_API_HOST}:${config.CORDON_API_PORT}`;
    printBanner({ apiUrl, temporalAddress, temporalUi, adminToken, generatedToken: !config.CORDON_ADMIN_TOKEN, fleet, endpoint, simulated });
    log.debug({ apiUrl }, 'cordon started');
    await workerRun;
  } catch (err) {
    process.stderr.write(`\ncordon: ${(err as Error).message}\n`);
    await stop(1);
  }
}

try {
  void main(loadConfig(process.env));
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  throw err;
}
