/** The moto AWS emulator on a loopback port (state lives in memory, reset on restart). */
import { startChildServer, type ChildServer } from './child-server';
import { freePort } from './free-port';

export interface MotoServer extends ChildServer {
  readonly endpoint: string;
  reset(): Promise<void>;
}

export async function startMoto(opts: { binary: string; port?: number; logFile?: string }): Promise<MotoServer> {
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
