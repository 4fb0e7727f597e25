/**
 * The API in process (buildApi + inject) over a fake IncidentService that records every call
 * and answers with an id, so route and authentication behaviour can be observed without
 * Temporal: "no second signal" is "no second recorded call".
 */
import type { FastifyInstance } from 'fastify';
import { OperatorDirectory } from '../../../src/api/auth/operators';
import type { AlertRouteOptions } from '../../../src/api/routes/alerts';
import { buildApi, type ApiDeps } from '../../../src/api/server';
import type { IncidentService } from '../../../src/temporal/incident-service';

export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';
export const SENSOR_TOKEN = 'sensor-token-0123456789abcdef';
export const AUDITOR_TOKEN = 'auditor-token-0123456789abcdef';

export interface TestApi {
  app: FastifyInstance;
  /** Every IncidentService method called, by name, in order. */
  calls: string[];
}

export function recordingIncidents(calls: string[]): IncidentService {
  return new Proxy(
    {},
    {
      get: (_target, name) =>
        name === 'then'
          ? undefined
          : async () => {
              calls.push(String(name));
              return `inc-${ACCOUNT}-${REGION}-i-0123456789abcdef0`;
            },
    },
  ) as IncidentService;
}

export async function testApi(
  alerts: Partial<AlertRouteOptions> = {},
  extra: Partial<ApiDeps> = {},
  calls: string[] = [],
): Promise<TestApi> {
  const operators = new OperatorDirectory();
  operators.addToken({ name: 'sensor', roles: ['alert-source'] }, SENSOR_TOKEN);
  operators.addToken({ name: 'audrey', roles: ['auditor'] }, AUDITOR_TOKEN);
  const app = await buildApi({
    incidents: recordingIncidents(calls),
    operators,
    ready: async () => true,
    alerts: { defaults: { account: ACCOUNT, region: REGION }, batchAlerts: false, ...alerts },
    ...extra,
  });
  return { app, calls };
}
