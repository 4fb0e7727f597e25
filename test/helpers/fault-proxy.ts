/**
 * A fault-injecting HTTP proxy between Cordon's AWS clients and moto: throttling errors (in
 * each protocol's own error shape), 5xx, added latency, dropped connections. Faults are
 * chosen per request by a rule that sees the AWS action, so tests can say "throttle the first
 * two DetachInstances" or "fail 30% of calls" with a seeded generator.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault =
  | { kind: 'throttle' }
  | { kind: 'server-error' }
  | { kind: 'latency'; ms: number }
  | { kind: 'drop' }
  | { kind: 'permanent'; code: string };

export interface FaultProxy {
  endpoint: string;
  /**
   * Every request seen: the AWS action (or method + path), the fault applied, the query-protocol
   * parameters (EC2, Auto Scaling, ELBv2, IAM), and the HTTP status answered (set once known; a
   * dropped connection has none) — so a test can count Cordon's own successful mutations.
   */
  log: ProxyLogEntry[];
  /** `params`: the query-protocol parameters (e.g. AssumeRole's RoleArn), empty for other protocols. */
  setRule(rule: (action: string, n: number, params: Record<string, string>) => Fault | undefined): void;
  close(): Promise<void>;
}

/** Deterministic generator (mulberry32) so a failing fault run can be replayed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function errorBody(action: string, code: string, message: string): string {
  // EC2 answers in its own envelope; the other query-protocol services use ErrorResponse.
  const ec2 =
    /^(Describe|Create|Modify|Associate|Disassociate|Revoke|Authorize|Get|Run|Terminate)/.test(action) &&
    !/AutoScaling|LaunchConfiguration|TargetHealth|TargetGroups|LoadBalancers/.test(action);
  return ec2
    ? `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>fault-proxy</RequestID></Response>`
    : `<?xml version="1.0" encoding="UTF-8"?><ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>`;
}

export interface ProxyLogEntry {
  action: string;
  fault?: Fault['kind'];
  params: Record<string, string>;
  status?: number;
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  let rule: (action: string, n: number, params: Record<string, string>) => Fault | undefined = () => undefined;
  const counts = new Map<string, number>();
  const log: FaultProxy['log'] = [];

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const form = new URLSearchParams(body.toString('utf8'));
      const action = form.get('Action') ?? `${req.method} ${req.url?.split('?')[0]}`;
      const n = (counts.get(action) ?? 0) + 1;
      counts.set(action, n);
      const params = form.has('Action') ? Object.fromEntries(form) : {};
      const fault = rule(action, n, params);
      const entry: ProxyLogEntry = { action, fault: fault?.kind, params };
      log.push(entry);
      const forward = () => {
        const out = http.request(
          { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
          (up) => {
            entry.status = up.statusCode ?? 502;
            res.writeHead(up.statusCode ?? 502, up.headers);
            up.pipe(res);
          },
        );
        out.on('error', () => res.destroy());
        out.end(body);
      };
      if (!fault) return forward();
      switch (fault.kind) {
        case 'latency':
          return void setTimeout(forward, fault.ms);
        case 'drop':
          return void req.socket.destroy();
        case 'throttle':
          entry.status = 400;
          return void res
            .writeHead(400, { 'content-type': 'text/xml' })
            .end(
              errorBody(
                action,
                action.includes('Instance') && !action.includes('AutoScaling') ? 'RequestLimitExceeded' : 'Throttling',
                'Rate exceeded',
              ),
            );
        case 'server-error':
          entry.status = 503;
          return void res
            .writeHead(503, { 'content-type': 'text/xml' })
            .end(errorBody(action, 'ServiceUnavailable', 'Service is unavailable, try again'));
        case 'permanent':
          entry.status = 403;
          return void res
            .writeHead(403, { 'content-type': 'text/xml' })
            .end(errorBody(action, fault.code, `You are not authorized to perform ${action}`));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    log,
    setRule(next) {
      rule = next;
      counts.clear();
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
