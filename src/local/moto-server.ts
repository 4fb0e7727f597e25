/** The moto AWS emulator on a loopback port (state lives in memory, reset on restart). */
import { EarlyExitError, startChildServer, type ChildServer } from './child-server';
import { freePort } from './free-port';

export interface MotoServer extends ChildServer {
  readonly endpoint: string;
  reset(): Promise<void>;
}

/** Tries of a start on a port we chose: another process can take it between our check and moto's bind. */
const START_ATTEMPTS = 3;

export async function startMoto(opts: { binary: string; port?: number; logFile?: string }): Promise<MotoServer> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startOnce(opts);
    } catch (err) {
      // A lost port race ends in an early exit ("address in use"); on a port the user chose it would only exit again.
      if (!(err instanceof EarlyExitError) || opts.port !== undefined || attempt >= START_ATTEMPTS) throw err;
    }
  }
}

async function startOnce(opts: { binary: string; port?: number; logFile?: string }): Promise<MotoServer> {
  const port = opts.port ?? (await freePort());
  const server = await startChildServer({
    name: 'moto',
    command: opts.binary,
    args: ['-H', '127.0.0.1', '-p', String(port)],
    port,
    logFile: opts.logFile,
  });
  const endpoint = `http://127.0.0.1:${port}`;
  return Object.assign(server, {
    endpoint,
    async reset() {
      const res = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      if (!res.ok) throw new Error(`moto reset failed: HTTP ${res.status}`);
    },
  });
}
