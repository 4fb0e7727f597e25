/**
 * Connection options for a remote Temporal (self-hosted with TLS/mTLS, or Temporal Cloud with
 * an API key), shared by the API, the worker and `npm start`.
 */
import fs from 'node:fs';
import type { Config } from '../config/schema';

export interface TemporalConnectionOptions {
  address: string;
  tls?: boolean | { serverNameOverride?: string; clientCertPair?: { crt: Buffer; key: Buffer } };
  apiKey?: string;
}

export function temporalConnectionOptions(config: Config, address: string): TemporalConnectionOptions {
  const mtls =
    config.TEMPORAL_TLS_CERT_PATH && config.TEMPORAL_TLS_KEY_PATH
      ? { crt: fs.readFileSync(config.TEMPORAL_TLS_CERT_PATH), key: fs.readFileSync(config.TEMPORAL_TLS_KEY_PATH) }
      : undefined;
  const wantsTls = config.TEMPORAL_TLS || Boolean(mtls) || Boolean(config.TEMPORAL_API_KEY);
  return {
    address,
    ...(wantsTls
      ? {
          tls:
            mtls || config.TEMPORAL_TLS_SERVER_NAME ? { serverNameOverride: config.TEMPORAL_TLS_SERVER_NAME, clientCertPair: mtls } : true,
        }
      : {}),
    ...(config.TEMPORAL_API_KEY ? { apiKey: config.TEMPORAL_API_KEY } : {}),
  };
}
