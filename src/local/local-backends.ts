/**
 * The two servers every local run of Cordon stands on, started fresh in one folder: moto and
 * the Temporal dev server (SQLite in that folder), with AWS clients pointed at moto and a
 * Temporal client connected. All or none: if either server or the connect fails, whatever
 * started is stopped before the error is thrown, so no caller can leave an orphan behind.
 * Used by the integration-test stack and the benchmarks (`npm start` keeps its own, fixed ports).
 */
import { Client, Connection } from '@temporalio/client';
import path from 'node:path';
import { createAwsClients, destroyAwsClients, type AwsClients } from '../aws/clients';
import { startAllOrNone } from './child-server';
import { startMoto, type MotoServer } from './moto-server';
import { startTemporalDevServer, type TemporalDevServer } from './temporal-dev-server';
import { toolchainPaths } from './toolchain-paths';

export interface LocalBackends {
  moto: MotoServer;
  temporal: TemporalDevServer;
  aws: AwsClients;
  connection: Connection;
  client: Client;
  /** Closes the clients, then stops both servers (the folder is the caller's). */
  stop(): Promise<void>;
}

export async function startLocalBackends(dir: string, region: string): Promise<LocalBackends> {
  const tools = toolchainPaths();
  const [moto, temporal] = await startAllOrNone([
    startMoto({ binary: tools.motoServer, logFile: path.join(dir, 'moto.log') }),
    startTemporalDevServer({
      binary: tools.temporalCli,
      dbFile: path.join(dir, 'temporal.sqlite'),
      headless: true,
      logFile: path.join(dir, 'temporal.log'),
    }),
  ] as const);
  const stopServers = () => Promise.all([moto.stop(), temporal.stop()]);
  // The frontend can accept TCP before it serves gRPC; with a full test suite on two cores that gap passed the
  // client's default 10 s once.
  const connection = await Connection.connect({ address: temporal.address, connectTimeout: '30s' }).catch(async (err: unknown) => {
    await stopServers();
    throw err;
  });
  const aws = createAwsClients({ region, endpoint: moto.endpoint });
  return {
    moto,
    temporal,
    aws,
    connection,
    client: new Client({ connection }),
    async stop() {
      await connection.close();
      destroyAwsClients(aws);
      await stopServers();
    },
  };
}
