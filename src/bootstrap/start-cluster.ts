/**
 * `npm run start:cluster`: the docker-compose topology as local processes — PostgreSQL (data in
 * `<CORDON_DATA_DIR>/cluster/postgres`), the Temporal frontend, history, matching and worker
 * services, moto with the demo fleet, the Cordon API and two Cordon workers — then the banner.
 * Ctrl-C (or SIGTERM) stops every process; so does the death of whatever launched this one
 * (process-guard.ts). Incidents stay in PostgreSQL for the next start.
 */
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { peopleTargetsFromConfig } from '../../activities/people-notices/people-config';
import { ConfigError, loadConfig, type Config } from '../config/schema';
import { defaultClusterLayout, startCluster, type LocalCluster } from '../local/cluster';
import { assertPortsFree } from '../local/free-port';
import { claimRun, watchAncestors } from '../local/process-guard';
import { projectRoot, toolchainPaths } from '../local/toolchain-paths';
import { workflowBundlerOptions, workflowsPath } from './workflow-bundle-options';
import { printBanner } from './banner';

function step(message: string): void {
  process.stderr.write(`  · ${message}\n`);
}

async function main(config: Config): Promise<void> {
  const dir = path.resolve(projectRoot, config.CORDON_DATA_DIR, 'cluster');
  const lock = await claimRun(dir, 'npm run start:cluster', (line) => step(line));
  let cluster: LocalCluster | undefined;
  let stopping = false;
  const stop = async (code: number, why?: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`\n${why ? `${why}: ` : ''}stopping the Cordon cluster…\n`);
    await cluster?.stop();
    lock.release();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  watchAncestors((gone) => void stop(1, `the process that started this one (pid ${gone.pid}) is gone`));

  try {
    const layout = defaultClusterLayout(config.TEMPORAL_DEV_PORT, config.CORDON_API_PORT, config.MOTO_PORT);
    await assertPortsFree([
      ['PostgreSQL', layout.postgres],
      ...Object.entries(layout.temporal).map(([s, p]) => [`temporal-${s}`, p.grpc] as [string, number]),
      ['the API', layout.api],
      ['moto', layout.moto],
    ]);
    const tools = toolchainPaths({ temporalCli: config.TEMPORAL_CLI_PATH, motoServer: config.MOTO_SERVER_PATH });
    step('bundling the workflow code once for both workers');
    const bundle = path.join(dir, 'workflow-bundle.js');
    const { code } = await bundleWorkflowCode({ workflowsPath, ...workflowBundlerOptions, logger: new DefaultLogger('WARN') });
    fs.writeFileSync(bundle, code);
    const adminToken = config.CORDON_ADMIN_TOKEN ?? crypto.randomBytes(24).toString('base64url');
    cluster = await startCluster({
      dir,
      layout,
      region: config.AWS_REGION,
      workers: 2,
      bundle,
      motoBinary: tools.motoServer,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: config.CORDON_TASK_QUEUE,
      cordonEnv: { ...passThrough(process.env), CORDON_ADMIN_TOKEN: adminToken, CORDON_API_HOST: '127.0.0.1' },
      seedFleet: { verifiedImageTag: config.CORDON_VERIFIED_IMAGE_TAG, dataTagPrefix: config.CORDON_DATA_TAG_PREFIX },
      say: step,
      onChild: (child) => lock.add(child),
    });
    printBanner({
      apiUrl: cluster.api.url,
      temporalAddress: cluster.address,
      adminToken,
      generatedToken: !config.CORDON_ADMIN_TOKEN,
      fleet: cluster.fleet,
      endpoint: cluster.moto.endpoint,
      simulated: true,
      notifiers: peopleTargetsFromConfig(config).map((t) => t.name),
      persistence: `PostgreSQL on 127.0.0.1:${layout.postgres} (${path.relative(process.cwd(), dir)}/postgres)`,
      processes: [
        `postgresql ${cluster.postgres.pid}`,
        ...Object.entries(cluster.services).map(([s, c]) => `${s} ${c.pid}`),
        `api ${cluster.api.pid}`,
        ...cluster.workers.map((w, i) => `worker-${i + 1} ${w.pid}`),
        `moto ${cluster.moto.pid}`,
      ],
      logs: path.relative(process.cwd(), dir),
    });
    // Any process of the topology ending on its own is reported; the rest keep running (as compose would).
    for (const [name, proc] of [['api', cluster.api], ...cluster.workers.map((w, i) => [`worker-${i + 1}`, w] as const)] as const) {
      void proc.exited.then(({ code, signal }) => {
        if (!stopping) step(`${name} exited (${signal ?? `code ${code}`}); see ${proc.logFile}`);
      });
    }
  } catch (err) {
    process.stderr.write(`\ncordon: ${(err as Error).message}\n`);
    await stop(1);
  }
}

/** Cordon's own settings (CORDON_*, AWS_*, TEMPORAL_* except the address) reach the API and workers as `npm start` would apply them. */
function passThrough(env: NodeJS.ProcessEnv): Record<string, string> {
  const keep = Object.entries(env).filter(([k, v]) => v !== undefined && /^(CORDON_|AWS_REGION$)/.test(k) && k !== 'CORDON_DATA_DIR');
  return Object.fromEntries(keep) as Record<string, string>;
}

try {
  void main(loadConfig(process.env));
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exit(2);
}
