/**
 * Installs the Temporal worker runtime once per process: SDK logs at the chosen level (the
 * bundler is chatty at INFO) and, when asked, Temporal's own metrics on a Prometheus endpoint.
 */
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';

let installed = false;

export function installWorkerRuntime(opts: { logLevel?: LogLevel; prometheusBindAddress?: string } = {}): void {
  if (installed) return;
  installed = true;
  Runtime.install({
    logger: new DefaultLogger(opts.logLevel ?? 'WARN'),
    ...(opts.prometheusBindAddress ? { telemetryOptions: { metrics: { prometheus: { bindAddress: opts.prometheusBindAddress } } } } : {}),
  });
}
