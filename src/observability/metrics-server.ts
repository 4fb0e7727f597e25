/**
 * The worker's small HTTP endpoint for orchestrators and scrapers: /metrics (Cordon's registry
 * followed by Temporal's own SDK metrics, read from the core runtime's Prometheus exporter on
 * loopback), /healthz (the process serves) and /readyz (the worker polls its task queue).
 * Counts only, never incident content; unauthenticated like the API's /metrics.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface MetricsServerOptions {
  port: number;
  host?: string;
  registry: Registry;
  /** The core runtime's Prometheus endpoint (installWorkerRuntime's bind address). */
  sdkMetricsUrl?: string;
  ready: () => boolean;
}

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

async function sdkMetrics(url: string | undefined): Promise<string> {
  if (!url) return '';
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return res.ok ? await res.text() : `# temporal sdk metrics unavailable: HTTP ${res.status}\n`;
  } catch (err) {
    return `# temporal sdk metrics unavailable: ${(err as Error).message}\n`;
  }
}

export async function startMetricsServer(opts: MetricsServerOptions): Promise<MetricsServer> {
  const server = http.createServer((req, res) => {
    const path = req.url?.split('?')[0];
    if (path === '/healthz') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    if (path === '/readyz') {
      const ok = opts.ready();
      return void res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ ok }));
    }
    if (path !== '/metrics') return void res.writeHead(404).end();
    void Promise.all([opts.registry.metrics(), sdkMetrics(opts.sdkMetricsUrl)]).then(
      ([own, sdk]) => res.writeHead(200, { 'content-type': opts.registry.contentType }).end(`${own}\n${sdk}`),
      (err: unknown) => res.writeHead(500).end(`# metrics failed: ${(err as Error).message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '0.0.0.0', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
