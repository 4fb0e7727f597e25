/** A free TCP port on loopback, chosen by the kernel. */
import net from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts TCP connections on host:port, or rejects after timeoutMs. */
export async function waitForPort(port: number, timeoutMs: number, host = '127.0.0.1'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, host);
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${host}:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** True when nothing accepts TCP connections on 127.0.0.1:port right now. */
export async function portIsFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const socket = net.connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

/**
 * Throws, naming each, when a port this start needs is already taken. Called after the run lock has
 * stopped this folder's own orphans (process-guard.ts), so what is left belongs to another program.
 */
export async function assertPortsFree(ports: [name: string, port: number][]): Promise<void> {
  const taken: string[] = [];
  for (const [name, port] of ports) if (!(await portIsFree(port))) taken.push(`${name} port ${port}`);
  if (taken.length) {
    throw new Error(
      `already in use by another program (not one this folder's Cordon started): ${taken.join(', ')}; stop it or choose other ports (TEMPORAL_DEV_PORT, CORDON_API_PORT, MOTO_PORT)`,
    );
  }
}

/**
 * A free loopback port below 32768, outside Linux's ephemeral range (where freePort's come from).
 * Temporal stores each service's membership port in a PostgreSQL smallint, so its ports must fit.
 */
export async function freeLowPort(low = 20000, high = 32700): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low));
    const bound = await new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.unref();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (bound) return port;
  }
  throw new Error(`no free port between ${low} and ${high} after 200 tries`);
}
