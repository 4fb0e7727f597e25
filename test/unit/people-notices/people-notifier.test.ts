/**
 * The people notifier against a local HTTP receiver: the generic body and the Slack-compatible
 * body arrive with the event's idempotency key and a valid signature; attacker-controlled text
 * cannot ping or link in Slack; a transient failure is retryable, a 4xx is not; and a retry after
 * a partial delivery does not post again to a target that already got the notice.
 */
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { notifyPeople } from '../../../activities/people-notices/people-notifier';
import { postWebhook, signBody } from '../../../activities/people-notices/webhook-notifier';
import type { PeopleNotice } from '../../../src/domain/people-notice';

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}
let server: http.Server;
let base: string;
const received: Received[] = [];
/** Status to answer per path (default 200). */
const answers = new Map<string, number[]>();

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body });
      res.writeHead(answers.get(req.url ?? '')?.shift() ?? 200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
});
beforeEach(() => {
  received.length = 0;
  answers.clear();
});

const notice: PeopleNotice = {
  kind: 'escalation',
  idempotencyKey: 'inc-1/contain/escalation/2',
  incidentId: 'inc-1',
  step: 'contain',
  stepTitle: 'Approve containment',
  severity: 'high',
  to: ['security-lead'],
  message: 'no decision within 60 min: escalation 2 — <!channel> <https://evil.example|click>',
  round: 2,
  at: '2026-01-01T00:00:00.000Z',
  approverRoles: ['approver'],
  approvalsNeeded: 1,
};

test('delivers the generic and the Slack body with the idempotency key and a valid signature', async () => {
  const result = await notifyPeople(
    {
      consoleUrl: 'https://cordon.internal',
      targets: [
        { name: 'pager', url: `${base}/hook`, format: 'json', secret: 's3cret' },
        { name: 'slack', url: `${base}/slack`, format: 'slack' },
      ],
    },
    notice,
  );
  expect(result).toEqual({ delivered: ['pager', 'slack'], skipped: [] });
  const [generic, slack] = received;
  expect(generic!.headers['idempotency-key']).toBe('inc-1/contain/escalation/2');
  expect(generic!.headers['x-cordon-signature']).toBe(signBody('s3cret', generic!.body));
  expect(JSON.parse(generic!.body)).toMatchObject({
    type: 'cordon.people-notice',
    kind: 'escalation',
    round: 2,
    to: ['security-lead'],
    link: 'https://cordon.internal/console#/incidents/inc-1/approve/contain',
  });
  expect(slack!.headers['idempotency-key']).toBe('inc-1/contain/escalation/2');
  const text = (JSON.parse(slack!.body) as { blocks: { text?: { text: string } }[] }).blocks[0]!.text!.text;
  expect(text).toContain('&lt;!channel&gt; &lt;https://evil.example|click&gt;');
  expect(text).not.toContain('<!channel>');
  expect(text).toContain(
    '<https://cordon.internal/console#/incidents/inc-1/approve/contain|Approve or reject in the console (incident inc-1)>',
  );
});

test('5xx and 429 are transient (retried), other 4xx are permanent (never retried)', async () => {
  const target = (path: string) => ({ name: path, url: `${base}${path}`, format: 'json' as const });
  answers.set('/busy', [503]);
  answers.set('/slow', [429]);
  answers.set('/gone', [404]);
  await expect(postWebhook({}, target('/busy'), {}, 'k')).rejects.not.toBeInstanceOf(ApplicationFailure);
  await expect(postWebhook({}, target('/slow'), {}, 'k')).rejects.toThrow('answered 429');
  await expect(postWebhook({}, target('/gone'), {}, 'k')).rejects.toMatchObject({ type: 'WebhookRejected', nonRetryable: true });
  await expect(postWebhook({}, { ...target('/x'), url: 'http://127.0.0.1:9/' }, {}, 'k')).rejects.toThrow('unreachable');
});

test('with no target configured the notice is only recorded', async () => {
  expect(await notifyPeople(undefined, notice)).toEqual({ delivered: [], skipped: [] });
  expect(received).toEqual([]);
});

test('a retry after a partial delivery posts only to the targets that did not get the notice', async () => {
  const targets = [
    { name: 'pager', url: `${base}/hook`, format: 'json' as const },
    { name: 'slack', url: `${base}/slack`, format: 'slack' as const },
  ];
  answers.set('/slack', [500]);
  const first = new MockActivityEnvironment();
  const beats: unknown[] = [];
  first.on('heartbeat', (d: unknown) => beats.push(d));
  await expect(first.run(notifyPeople, { targets }, notice)).rejects.toThrow('answered 500');
  expect(beats).toEqual([{ delivered: ['pager'] }]);

  const retry = new MockActivityEnvironment({ attempt: 2, heartbeatDetails: beats.at(-1) });
  expect(await retry.run(notifyPeople, { targets }, notice)).toEqual({ delivered: ['slack'], skipped: ['pager'] });
  expect(received.map((r) => r.path)).toEqual(['/hook', '/slack', '/slack']);
});
