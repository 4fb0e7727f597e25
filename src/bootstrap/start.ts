/**
 * `npm start`: Cordon on embedded defaults. Starts (unless configured otherwise) the Temporal
 * dev server with a SQLite file in the data folder, moto with a seeded demo fleet, a worker
 * and the API, then prints a banner. Ctrl-C stops every child process; so does the death of the
 * npm/tsx processes that launched this one, and the children die with this process even on
 * kill -9 (process-guard.ts). A start that finds a port held by an orphan of an earlier start from
 * the same data folder says so and stops it; a port held by anything else is named, and nothing starts.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { peopleTargetsFromConfig } from '../../activities/people-notices/people-config';
import { ConfigError, loadConfig, usesSimulatedAws, type Config } from '../config/schema';
import type { ChildServer } from '../local/child-server';
import { seedDemoFleet, type DemoFleet } from '../local/demo-fleet';
import { assertPortsFree } from '../local/free-port';
import { startMoto } from '../local/moto-server';
import { claimRun, watchAncestors } from '../local/process-guard';
import { startTemporalDevServer } from '../local/temporal-dev-server';
import { projectRoot, toolchainPaths } from '../local/toolchain-paths';
import { printBanner } from './banner';
import { awsClientsFor, startApiService, startWorkerService } from './services';
import { formatProblem } from '../runbooks/load-runbook';

function step(message: string): void {
  process.stderr.write(`  · ${message}\n`);
}

async function main(config: Config): Promise<void> {
  const dataDir = path.resolve(projectRoot, config.CORDON_DATA_DIR);
  fs.mkdirSync(dataDir, { recursive: true });
  const children: ChildServer[] = [];
  const cleanups: (() => Promise<unknown>)[] = [];
  let stopping = false;
  let release = () => undefined as void;
  const stop = async (code: number, why?: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`\n${why ? `${why}: ` : ''}stopping Cordon…\n`);
    for (const fn of cleanups.reverse()) await fn().catch(() => undefined);
    await Promise.all(children.map((c) => c.stop()));
    release();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  watchAncestors((gone) => void stop(1, `the process that started this one (pid ${gone.pid}) is gone`));

  try {
    const lock = await claimRun(dataDir, 'npm start', step);
    release = () => lock.release();
    const needsTemporal = !config.TEMPORAL_ADDRESS;
    const simulated = usesSimulatedAws(config);
    await assertPortsFree([
      ...(needsTemporal
        ? ([
            ['the Temporal dev server', config.TEMPORAL_DEV_PORT],
            ['the Temporal UI', config.TEMPORAL_UI_PORT],
          ] as [string, number][])
        : []),
      ...(simulated ? ([['moto', config.MOTO_PORT]] as [string, number][]) : []),
      ['the API', config.CORDON_API_PORT],
    ]);
    let temporalAddress = config.TEMPORAL_ADDRESS;
    let temporalUi: string | undefined;
    let endpoint = config.AWS_ENDPOINT_URL;
    const tools =
      needsTemporal || simulated
        ? toolchainPaths({ temporalCli: config.TEMPORAL_CLI_PATH, motoServer: config.MOTO_SERVER_PATH })
        : undefined;
    if (tools && needsTemporal) {
      step(`starting the Temporal dev server (data: ${path.relative(process.cwd(), dataDir) || '.'}/temporal.sqlite)`);
      const server = await startTemporalDevServer({
        binary: tools.temporalCli,
        dbFile: path.join(dataDir, 'temporal.sqlite'),
        port: config.TEMPORAL_DEV_PORT,
        uiPort: config.TEMPORAL_UI_PORT,
        logFile: path.join(dataDir, 'temporal.log'),
        sqlitePragmas: config.CORDON_DEV_SQLITE_PRAGMAS,
      });
      children.push(server);
      lock.add(server);
      temporalAddress = server.address;
      temporalUi = server.uiUrl;
    }
    if (tools && simulated) {
      step('no AWS credentials configured: starting moto (simulated AWS)');
      const moto = await startMoto({ binary: tools.motoServer, port: config.MOTO_PORT, logFile: path.join(dataDir, 'moto.log') });
      children.push(moto);
      lock.add(moto);
      endpoint = moto.endpoint;
    }
    const aws = awsClientsFor(config, endpoint);
    let fleet: DemoFleet | undefined;
    if (simulated) {
      step('seeding the demo fleet (Auto Scaling group "web", 3 instances)');
      fleet = await seedDemoFleet(aws, {
        verifiedImageTag: config.CORDON_VERIFIED_IMAGE_TAG,
        dataTagPrefix: config.CORDON_DATA_TAG_PREFIX,
      });
    }
    step(`connecting to Temporal at ${temporalAddress}`);
    const worker = await startWorkerService(config, temporalAddress!, aws);
    cleanups.push(() => worker.shutdown());
    const adminToken = config.CORDON_ADMIN_TOKEN ?? crypto.randomBytes(24).toString('base64url');
    const api = await startApiService(config, temporalAddress!, aws, adminToken);
    cleanups.push(() => api.close());
    printBanner({
      apiUrl: api.url,
      temporalAddress: temporalAddress!,
      temporalUi,
      adminToken,
      generatedToken: !config.CORDON_ADMIN_TOKEN,
      fleet,
      endpoint,
      simulated,
      notifiers: peopleTargetsFromConfig(config).map((t) => t.name),
      runbooks: {
        loaded: api.runbooks.list().map((r) => `${r.definition.name} ${r.definition.version}`),
        refused: api.runbooks.problemLines(),
        warnings: api.runbooks.warnings().map(formatProblem),
      },
    });
    await worker.done;
  } catch (err) {
    process.stderr.write(`\ncordon: ${(err as Error).message}\n`);
    await stop(1);
  }
}

try {
  void main(loadConfig(process.env));
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exit(2);
}
