/**
 * Container command `api`: the HTTP API, console and /metrics against TEMPORAL_ADDRESS.
 * SIGTERM stops accepting connections and lets in-flight requests finish, then exits 0.
 */
import { ConfigError, loadConfig } from '../config/schema';
import { createLogger } from './logger';
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
  await api.close();
}

main().then(() => process.exit(0), (err: unknown) => {
  process.stderr.write(`cordon api: ${(err as Error).message}\n`);
  process.exit(err instanceof ConfigError ? 2 : 1);
});
