/**
 * A fault-injecting proxy between the worker's AWS clients and moto. Transient faults
 * (throttling in each protocol's error shape, 503, dropped connections, added latency) on a
 * seeded 20% of calls, absorbed by the SDK's own attempts, plus a burst of throttling that
 * exhausts them and needs Temporal's activity retry: the runbook completes. A permanent error
 * (UnauthorizedOperation) ends its step at once, with a reason an operator can act on, pages
 * the policy's contacts through the configured webhook, and the runbook still finishes and says
 * what was not done.
 */
import { NativeConnection } from '@temporalio/worker';
import path from 'node:path';
import type { GatePolicy } from '../../src/domain/gate';
import { createAwsClients, destroyAwsClients, type AwsClients } from '../../src/aws/clients';
import { LocalWormStore } from '../../src/evidence/local-worm-store';
import type { DemoFleet } from '../../src/local/demo-fleet';
import { createCordonWorker, type CordonWorker } from '../../src/bootstrap/create-worker';
import { autoPolicy, freshFleet, openIncident, runbookFinished, settled, stepStatus } from '../helpers/containment';
import { seeded, startFaultProxy, type Fault, type FaultProxy } from '../helpers/fault-proxy';
import { REGION, UNBOUNDED_FLEET, eventually, startStack, type Stack } from '../helpers/stack';
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/smtp-receiver';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver';

let stack: Stack;
let fleet: DemoFleet;
let proxy: FaultProxy;
let aws: AwsClients;
let connection: NativeConnection;
let worker: CordonWorker;
let running: Promise<void>;
let hook: WebhookReceiver;
let smtp: SmtpReceiver;

beforeAll(async () => {
  stack = await startStack({ worker: false });
  fleet = await freshFleet(stack);
  proxy = await startFaultProxy(stack.moto.endpoint);
  hook = await startWebhookReceiver();
  smtp = await startSmtpReceiver();
  aws = createAwsClients({ region: REGION, endpoint: proxy.endpoint });
  connection = await NativeConnection.connect({ address: stack.temporal.address });
  worker = await createCordonWorker({
    connection,
    namespace: 'default',
    taskQueue: stack.taskQueue,
    deps: {
      aws,
      config: { verifiedImageTag: 'cordon:verified', dataTagPrefix: 'data:', compromiseLookbackHours: 24 },
      evidence: { store: new LocalWormStore(path.join(stack.dir, 'evidence')) },
      people: {
        targets: [
          { name: 'ops-webhook', url: hook.url, format: 'json' },
          { name: 'email', format: 'email', smtpUrl: smtp.url, from: 'cordon@example.com', to: ['secops@example.com'] },
        ],
      },
    },
    fleet: { limits: UNBOUNDED_FLEET },
  });
  running = worker.run();
});
afterAll(async () => {
  worker?.shutdown();
  await running;
  await connection?.close();
  destroyAwsClients(aws);
  await proxy?.close();
  await hook?.close();
  await smtp?.close();
  await stack?.teardown();
});

test('throttling, 5xx, dropped connections and latency on 20% of calls, and a throttling burst: the runbook completes through retries', async () => {
  const random = seeded(8);
  const kinds: Fault[] = [{ kind: 'throttle' }, { kind: 'server-error' }, { kind: 'drop' }, { kind: 'latency', ms: 400 }];
  // Random faults never hit one action more than twice in a row, so the SDK's own three attempts absorb them;
  // the first three ModifyNetworkInterfaceAttribute calls are throttled, which exhausts the SDK and needs Temporal's retry.
  const streak = new Map<string, number>();
  proxy.setRule((action, n) => {
    if (action === 'ModifyNetworkInterfaceAttribute' && n <= 3) return { kind: 'throttle' };
    const s = streak.get(action) ?? 0;
    const fault = s < 2 && random() < 0.2 ? kinds[Math.floor(random() * kinds.length)] : undefined;
    streak.set(action, fault && fault.kind !== 'latency' ? s + 1 : 0);
    return fault;
  });
  const incidentId = await openIncident(stack, fleet.instanceIds[0]!, autoPolicy);
  const snap = await settled(stack, incidentId, runbookFinished, 110000);
  expect(snap.steps.filter((s) => s.status === 'failed').map((s) => `${s.name}: ${s.error}`)).toEqual([]);
  for (const step of ['protect-evidence', 'leave-group', 'isolate', 'cut-credentials', 'verify-replacement'])
    expect([step, stepStatus(snap, step)]).toEqual([step, 'done']);
  const injected = new Set(proxy.log.map((l) => l.fault).filter(Boolean));
  expect([...injected].sort()).toEqual(['drop', 'latency', 'server-error', 'throttle']);
  expect(
    proxy.log
      .filter((l) => l.action === 'ModifyNetworkInterfaceAttribute')
      .slice(0, 3)
      .map((l) => l.fault),
  ).toEqual(['throttle', 'throttle', 'throttle']);
  expect(snap.timeline.filter((t) => t.message.startsWith('runbook finished'))).toHaveLength(1);
}, 150000);

test('a permanent error ends its step with an operator-readable reason, pages the contacts; the runbook finishes and lists it', async () => {
  proxy.setRule((action) =>
    action === 'DisassociateIamInstanceProfile' ? { kind: 'permanent', code: 'UnauthorizedOperation' } : undefined,
  );
  const seen = proxy.log.length;
  const incidentId = await openIncident(stack, fleet.instanceIds[1]!, {
    ...autoPolicy,
    contain: { ...(autoPolicy.contain as GatePolicy), notify: ['oncall-secops'] },
  });
  const snap = await settled(stack, incidentId, runbookFinished, 90000);
  const cut = snap.steps.find((s) => s.name === 'cut-credentials')!;
  expect(cut.status).toBe('failed');
  expect(cut.error).toMatch(/UnauthorizedOperation/);
  expect(cut.error).toMatch(/lacks permission; grant it and retry the step/);
  // Not retried: a permanent error is not worth a second call.
  expect(
    proxy.log
      .slice(seen)
      .filter((l) => l.action === 'DisassociateIamInstanceProfile')
      .map((l) => ({ action: l.action, fault: l.fault, status: l.status })),
  ).toEqual([{ action: 'DisassociateIamInstanceProfile', fault: 'permanent', status: 403 }]);
  expect(stepStatus(snap, 'isolate')).toBe('done');
  const finished = snap.timeline.find((t) => t.message.startsWith('runbook finished'))!;
  expect(finished.message).toMatch(/not done .*cut-credentials \(failed: .*UnauthorizedOperation/);

  // The page: one step-failed notice for this incident, with the reason and an idempotency key, and its delivery in the timeline.
  const pages = await eventually(
    async () => {
      const p = hook.received.filter((r) => r.body.incidentId === incidentId && r.body.kind === 'step-failed');
      return p.length ? p : undefined;
    },
    30000,
    'the step-failed page',
  );
  expect(pages).toHaveLength(1);
  expect(pages[0]!.body).toMatchObject({
    type: 'cordon.people-notice',
    heading: 'Runbook step failed',
    step: 'cut-credentials',
    to: ['oncall-secops'],
  });
  expect(String(pages[0]!.body.message)).toMatch(/UnauthorizedOperation.*lacks permission; grant it and retry the step/);
  expect(pages[0]!.headers['idempotency-key']).toBe(`${incidentId}/cut-credentials/step-failed/0`);
  const after = await settled(stack, incidentId, (s) => s.timeline.some((t) => t.kind === 'notification' && t.step === 'cut-credentials'));
  expect(after.timeline.find((t) => t.kind === 'notification' && t.step === 'cut-credentials')!.message).toBe(
    'notified oncall-secops via ops-webhook, email: step failed',
  );
  // The same page by email, once, to the team mailbox (the policy contact is a team name, not an address).
  const mails = smtp.received.filter((m) => m.headers.subject?.includes(incidentId));
  expect(mails).toHaveLength(1);
  expect(mails[0]!.to).toEqual(['secops@example.com']);
  expect(mails[0]!.headers.subject).toBe(`[Cordon] Runbook step failed: ${pages[0]!.body.stepTitle as string} — ${incidentId}`);
  expect(mails[0]!.headers['x-cordon-idempotency-key']).toBe(`${incidentId}/cut-credentials/step-failed/0`);
  expect(mails[0]!.body).toMatch(/UnauthorizedOperation/);
  // Nothing failed in the first test, so nothing else was paged as failed.
  expect(hook.received.filter((r) => r.body.kind === 'step-failed')).toHaveLength(1);
});
