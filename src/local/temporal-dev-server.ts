/**
 * The Temporal CLI dev server (`temporal server start-dev`) with a SQLite file, so incidents
 * survive a restart. Search attributes Cordon queries by are registered at start.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startChildServer, type ChildServer } from './child-server';
import { freePort } from './free-port';

export interface TemporalDevServer extends ChildServer {
  readonly address: string;
  readonly uiUrl?: string;
}

export interface DevServerOptions {
  binary: string;
  dbFile: string;
  port?: number;
  uiPort?: number;
  headless?: boolean;
  logFile?: string;
}

export async function startTemporalDevServer(opts: DevServerOptions): Promise<TemporalDevServer> {
  fs.mkdirSync(path.dirname(opts.dbFile), { recursive: true });
  const port = opts.port ?? (await freePort());
  const args = [
    'server', 'start-dev',
    '--ip', '127.0.0.1',
    '--port', String(port),
    '--db-filename', opts.dbFile,
    '--log-level', 'warn',
    '--namespace', 'default',
  ];
  let uiUrl: string | undefined;
  if (opts.headless) {
    args.push('--headless');
  } else {
    const uiPort = opts.uiPort ?? (await freePort());
    args.push('--ui-ip', '127.0.0.1', '--ui-port', String(uiPort));
    uiUrl = `http://127.0.0.1:${uiPort}`;
  }
  const server = await startChildServer({ name: 'temporal', command: opts.binary, args, port, logFile: opts.logFile, startTimeoutMs: 60000 });
  return Object.assign(server, { address: `127.0.0.1:${port}`, uiUrl });
}
