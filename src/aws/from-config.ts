/**
 * AWS clients and the account router as the configuration describes them: one place, shared by
 * the worker, the API and `cordon doctor`, so the doctor checks exactly what a worker would use.
 */
import type { Config } from '../config/schema';
import { organisationFromConfig } from '../config/organisation';
import { AccountRouter } from './account-router';
import { createAwsClients, type AwsClients } from './clients';

/** The default credential chain's clients in AWS_REGION (static keys when configured; dummy ones for an endpoint such as moto). */
export function awsClientsFor(config: Config, endpoint = config.AWS_ENDPOINT_URL): AwsClients {
  const credentials =
    config.AWS_ACCESS_KEY_ID && config.AWS_SECRET_ACCESS_KEY
      ? { accessKeyId: config.AWS_ACCESS_KEY_ID, secretAccessKey: config.AWS_SECRET_ACCESS_KEY }
      : undefined;
  return createAwsClients({ region: config.AWS_REGION, endpoint, credentials });
}

/** Where each incident acts: the configuration's organisation, from these (default-chain) clients. */
export function accountRouterFor(config: Config, aws: AwsClients): AccountRouter {
  return new AccountRouter({ home: aws, organisation: organisationFromConfig(config) });
}
