/**
 * A small AWS endpoint in front of moto for the image-suspect path: moto does not implement
 * instance refresh (AWS.md G13), so this server answers StartInstanceRefresh and
 * DescribeInstanceRefreshes itself (Auto Scaling's Query protocol: form body in, XML out),
 * records every such call, and forwards every other request to moto unchanged.
 */
import http from 'node:http';

export interface RecordedRefresh {
  action: string;
  params: Record<string, string>;
}

export interface InstanceRefreshEndpoint {
  url: string;
  calls: RecordedRefresh[];
  close(): Promise<void>;
}

const xmlns = 'http://autoscaling.amazonaws.com/doc/2011-01-01/';

function answer(action: string, result: string): string {
  return `<${action}Response xmlns="${xmlns}"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>recorder</RequestId></ResponseMetadata></${action}Response>`;
}

export async function startInstanceRefreshEndpoint(motoEndpoint: string): Promise<InstanceRefreshEndpoint> {
  const calls: RecordedRefresh[] = [];
  const started: { id: string; group: string }[] = [];
  const moto = new URL(motoEndpoint);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const params = Object.fromEntries(new URLSearchParams(body.toString('utf8')));
      const action = params.Action;
      if (action === 'StartInstanceRefresh' || action === 'DescribeInstanceRefreshes') {
        calls.push({ action, params });
        let xml: string;
        if (action === 'StartInstanceRefresh') {
          const id = `refresh-${started.length + 1}`;
          started.push({ id, group: params.AutoScalingGroupName ?? '' });
          xml = answer(action, `<InstanceRefreshId>${id}</InstanceRefreshId>`);
        } else {
          const members = started
            .filter((s) => s.group === params.AutoScalingGroupName)
            .map(
              (s) =>
                `<member><InstanceRefreshId>${s.id}</InstanceRefreshId><AutoScalingGroupName>${s.group}</AutoScalingGroupName><Status>InProgress</Status></member>`,
            );
          xml = answer(action, `<InstanceRefreshes>${members.join('')}</InstanceRefreshes>`);
        }
        res.writeHead(200, { 'content-type': 'text/xml' }).end(xml);
        return;
      }
      const forward = http.request(
        { host: moto.hostname, port: moto.port, method: req.method, path: req.url, headers: req.headers },
        (upstream) => {
          res.writeHead(upstream.statusCode ?? 502, upstream.headers);
          upstream.pipe(res);
        },
      );
      forward.on('error', (err) => res.writeHead(502).end(String(err)));
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
