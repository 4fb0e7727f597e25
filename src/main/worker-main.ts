/**
 * Container command `worker`: runs workflows and activities against TEMPORAL_ADDRESS.
 * SIGTERM drains (no new tasks, running activities finish within the grace time), then exits 0;
 * whatever is unfinished is picked up by another worker from Temporal.
 */
import { ConfigError, loadConfig } from '../config/schema';
import { createLogger } from './logger';
import { awsClientsFor, startWorkerService } from './services';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  if (!config.TEMPORAL_ADDRESS) throw new ConfigError(['TEMPORAL_ADDRESS: required for the worker command']);
  const log = createLogger(config.CORDON_LOG_LEVEL);
  const worker = await startWorkerService(config, config.TEMPORAL_ADDRESS, awsClientsFor(config), 9464);
  log.info({ taskQueue: config.CORDON_TASK_QUEUE, namespace: config.TEMPORAL_NAMESPACE }, 'worker running');
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      log.info({ signal }, 'draining worker');
      void worker.shutdown();
    });
  }
  await worker.done;
  log.info('worker stopped');
}

main().then(() => process.exit(0), (err: unknown) => {
  process.stderr.write(`cordon worker: ${(err as Error).message}\n`);
  process.exit(err instanceof ConfigError ? 2 : 1);
});
