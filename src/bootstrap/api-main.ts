/**
 * Container command `api`: the HTTP API, console and /metrics against TEMPORAL_ADDRESS.
 * SIGTERM stops accepting connections (new ones are refused at once), lets requests in flight
 * finish, closes each keep-alive socket as soon as it is idle, then exits 0.
 */
import { ConfigError, loadConfig } from '../config/schema';
import { createLogger } from '../observability/logger';
import { awsClientsFor, startApiService } from './services';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  if (!config.TEMPORAL_ADDRESS) throw new ConfigError(['TEMPORAL_ADDRESS: required for the api command']);
  const log = createLogger(config.CORDON_LOG_LEVEL);
  const api = await startApiService(config, config.TEMPORAL_ADDRESS, awsClientsFor(config), config.CORDON_ADMIN_TOKEN);
  log.info({ url: api.url }, 'api listening');
  await new Promise<void>((resolve) => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => resolve());
  });
  log.info('api stopping');
  // close() stops listening and waits for requests in flight; a keep-alive socket that turns idle
  // afterwards would hold the exit for Fastify's 72 s keepAliveTimeout, so idle sockets are swept.
  const sweep = setInterval(() => api.app.server.closeIdleConnections(), 100);
  await api.close();
  clearInterval(sweep);
  log.info('api stopped');
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`cordon api: ${(err as Error).message}\n`);
    process.exit(err instanceof ConfigError ? 2 : 1);
  },
);
