/**
 * Container command `worker`: runs workflows and activities against TEMPORAL_ADDRESS.
 *   worker-main [--metrics-port 9464]   (0 picks a free port; the log line says which)
 * Serves /metrics (Cordon's and Temporal's SDK metrics), /healthz and /readyz on that port.
 * Keeps as many workflows cached as CORDON_WORKER_MEMORY_MIB allows (memory-budget.ts; logged at start).
 * Start it with memory-budget.ts's workerNodeFlags (the image does); without them it warns at start.
 * SIGTERM (or SIGINT) drains: no new tasks are polled, running activities get the grace time
 * (CORDON_SHUTDOWN_GRACE_SECONDS), then the process exits 0; whatever is unfinished is picked up
 * by another worker from Temporal. A second signal does not cut the drain short.
 */
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import { ConfigError, loadConfig } from '../config/schema';
import { freePort } from '../local/free-port';
import { mainHeapWarning, workerMemorySettings } from './memory-budget';
import { installWorkerRuntime } from './runtime';
import { createLogger } from '../observability/logger';
import { awsClientsFor, startWorkerService } from './services';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'metrics-port': { type: 'string', default: '9464' } } });
  const metricsPort = Number(values['metrics-port']);
  if (!Number.isInteger(metricsPort) || metricsPort < 0 || metricsPort > 65535)
    throw new ConfigError([`--metrics-port: expected a port number, got "${values['metrics-port']}"`]);
  const config = loadConfig(process.env);
  if (!config.TEMPORAL_ADDRESS) throw new ConfigError(['TEMPORAL_ADDRESS: required for the worker command']);
  const log = createLogger(config.CORDON_LOG_LEVEL);
  // Temporal's core runtime exports its metrics on loopback only; /metrics republishes them.
  const sdkMetricsPort = await freePort();
  installWorkerRuntime({ prometheusBindAddress: `127.0.0.1:${sdkMetricsPort}` });
  const worker = await startWorkerService(
    config,
    config.TEMPORAL_ADDRESS,
    awsClientsFor(config),
    metricsPort,
    `http://127.0.0.1:${sdkMetricsPort}/metrics`,
  );
  const mainHeapLimit = v8.getHeapStatistics().heap_size_limit;
  const memory = {
    budgetMiB: config.CORDON_WORKER_MEMORY_MIB,
    ...workerMemorySettings(config.CORDON_WORKER_MEMORY_MIB),
    mainHeapLimitMiB: Math.round(mainHeapLimit / 2 ** 20),
  };
  log.info(
    { taskQueue: config.CORDON_TASK_QUEUE, namespace: config.TEMPORAL_NAMESPACE, metricsUrl: worker.metricsUrl, memory },
    'worker running',
  );
  const heapWarning = mainHeapWarning(mainHeapLimit);
  if (heapWarning) log.warn({ memory }, heapWarning);
  let draining = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (draining) return;
      draining = true;
      log.info({ signal, graceSeconds: config.CORDON_SHUTDOWN_GRACE_SECONDS }, 'draining worker');
      void worker.shutdown();
    });
  }
  await worker.done;
  log.info({ drained: true }, 'worker stopped');
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`cordon worker: ${(err as Error).message}\n`);
    process.exit(err instanceof ConfigError ? 2 : 1);
  },
);
