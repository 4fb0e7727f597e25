/**
 * Graceful shutdown of the real container commands against the test dev server + moto.
 * Worker: SIGTERM lands while the quarantine chain is mid-step (a fault proxy slows
 * DeregisterTargets, so "mid-step" is certain); the process drains and exits 0, a second
 * worker process finishes the incident once, with no failed step.
 * API: SIGTERM while a request is in flight (Temporal paused with SIGSTOP so the request
 * cannot finish): new connections are refused at once, the in-flight request still gets its
 * 202 when Temporal resumes, and the process exits 0.
 */
import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import crypto from 'node:crypto';
import path from 'node:path';
import type { DemoFleet } from '../../src/local/demo-fleet';
import { freePort } from '../../src/local/free-port';
import { autoPolicy, freshFleet, openIncident, runbookFinished, settled, stepStatus } from '../helpers/containment';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy';
import { eventually, startStack, type Stack, stackEnv } from '../helpers/stack';
import { bundleOnce, startApiProcess, startWorkerProcess, type CordonProcess } from '../../src/local/cordon-processes';

let stack: Stack;
let fleet: DemoFleet;
let proxy: FaultProxy;
let bundle: string;
const started: CordonProcess[] = [];

beforeAll(async () => {
  stack = await startStack({ worker: false });
  fleet = await freshFleet(stack);
  proxy = await startFaultProxy(stack.moto.endpoint);
  bundle = await bundleOnce(stack.dir);
});
afterAll(async () => {
  await Promise.all(started.map((p) => p.kill9()));
  await proxy?.close();
  await stack?.teardown();
});

async function groupMembers(): Promise<string[]> {
  const out = await stack.aws.autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['web'] }));
  return out.AutoScalingGroups![0]!.Instances!.map((i) => i.InstanceId!);
}

test('SIGTERM mid-runbook: the worker drains and exits 0, another worker finishes the incident once', async () => {
  proxy.setRule((action) => (action === 'DeregisterTargets' ? { kind: 'latency', ms: 2500 } : undefined));
  const first = await startWorkerProcess(
    stackEnv(stack, bundle, { AWS_ENDPOINT_URL: proxy.endpoint }),
    path.join(stack.dir, 'worker-1.log'),
  );
  started.push(first);
  const accused = fleet.instanceIds[0]!;
  const incidentId = await openIncident(stack, accused, autoPolicy);
  // The detach has reached moto and the slowed DeregisterTargets is in flight: mid-chain.
  await eventually(
    async () => !(await groupMembers()).includes(accused) && proxy.log.some((l) => l.action === 'DeregisterTargets'),
    30000,
    'the detach',
  );
  first.term();
  const exit = await first.exited;
  expect(exit).toEqual({ code: 0, signal: null });
  expect(first.logLines().find((l) => l.msg === 'worker stopped')).toMatchObject({ drained: true });

  const second = await startWorkerProcess(stackEnv(stack, bundle), path.join(stack.dir, 'worker-2.log'));
  started.push(second);
  const snap = await settled(stack, incidentId, runbookFinished, 90000);
  expect(snap.steps.filter((s) => s.status === 'failed')).toEqual([]);
  for (const step of ['leave-group', 'deregister-targets', 'isolate', 'cut-credentials', 'verify-replacement'])
    expect([step, stepStatus(snap, step)]).toEqual([step, 'done']);
  expect(snap.timeline.filter((t) => t.message.startsWith('runbook finished'))).toHaveLength(1);
  // The workflow tasks after the drain were completed by the second process.
  const history = await stack.client.workflow.getHandle(incidentId).fetchHistory();
  const identities = (history.events ?? [])
    .filter((e) => e.workflowTaskCompletedEventAttributes)
    .map((e) => e.workflowTaskCompletedEventAttributes!.identity ?? '');
  expect(identities.at(-1)).toContain(`:${second.pid}`);
  expect((await groupMembers()).length).toBe(3);
  await second.kill9();
});

test('SIGTERM on the API: it stops accepting at once and finishes the request in flight', async () => {
  const token = crypto.randomBytes(24).toString('hex');
  const api = await startApiProcess(
    stackEnv(stack, bundle, { CORDON_ADMIN_TOKEN: token }),
    path.join(stack.dir, 'api.log'),
    await freePort(),
  );
  started.push(api);
  expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
  process.kill(stack.temporal.pid, 'SIGSTOP');
  try {
    const inFlight = fetch(`${api.url}/v1/alerts/generic`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ instanceId: fleet.instanceIds[1], severity: 'low', title: 'in flight during shutdown' }),
    });
    await new Promise((r) => setTimeout(r, 500));
    api.term();
    await eventually(
      async () =>
        fetch(`${api.url}/healthz`).then(
          () => false,
          (err: Error) => /ECONNREFUSED/.test(String((err.cause as Error | undefined)?.message ?? err.message)),
        ),
      10000,
      'the listener to close',
    );
    process.kill(stack.temporal.pid, 'SIGCONT');
    const res = await inFlight;
    expect(res.status).toBe(202);
    const answeredAt = Date.now();
    expect(await api.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - answeredAt).toBeLessThan(10000);
    expect(api.logLines().map((l) => l.msg)).toEqual(expect.arrayContaining(['api stopping', 'api stopped']));
  } finally {
    process.kill(stack.temporal.pid, 'SIGCONT');
  }
});
