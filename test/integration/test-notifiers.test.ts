/**
 * `cordon test-notifiers` as an operator runs it (the real CLI, a clean environment): every
 * configured target gets one test notice on its own; the table says which answered and why one
 * failed; exit 1 when any failed, 0 when all delivered, 2 when nothing or something invalid is
 * configured; no secret (SMTP password, webhook secret) is printed.
 */
import { freePort } from '../../src/local/free-port';
import { runCordon } from '../helpers/cli';
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/smtp-receiver';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver';

let smtp: SmtpReceiver;
let hook: WebhookReceiver;
beforeAll(async () => {
  [smtp, hook] = await Promise.all([startSmtpReceiver(), startWebhookReceiver()]);
});
afterAll(async () => {
  await Promise.all([smtp?.close(), hook?.close()]);
});
beforeEach(() => {
  smtp.received.length = 0;
  hook.received.length = 0;
});

const email = () => ({
  CORDON_NOTIFY_SMTP_URL: smtp.url,
  CORDON_NOTIFY_EMAIL_FROM: 'Cordon <cordon@example.com>',
  CORDON_NOTIFY_EMAIL_TO: 'secops@example.com',
});

test('each target is tried on its own; a dead one is named with its reason and exits 1', async () => {
  const closedPort = await freePort(); // free a moment ago, nobody listens: connection refused
  const run = await runCordon(['test-notifiers', '--to', 'dpo@example.com'], {
    ...email(),
    CORDON_NOTIFY_WEBHOOK_URL: hook.url,
    CORDON_NOTIFY_WEBHOOK_SECRET: 'webhook-signing-secret',
    CORDON_NOTIFY_SLACK_URL: `http://127.0.0.1:${closedPort}/services/T0/B0/xyz`,
  });
  expect(run.code).toBe(1);
  const lines = run.stdout.trim().split('\n');
  expect(lines[0]).toMatch(/^TARGET\s+KIND\s+RESULT\s+DETAIL$/);
  expect(lines[1]).toMatch(/^webhook\s+webhook\s+delivered$/);
  expect(lines[2]).toMatch(/^slack\s+slack webhook\s+failed\s+webhook slack unreachable: fetch failed \(ECONNREFUSED\)$/);
  expect(lines[3]).toMatch(/^email\s+email\s+delivered$/);
  expect(run.stdout).not.toMatch(/smtp-secret-for-tests|webhook-signing-secret|xyz/);

  expect(hook.received).toHaveLength(1);
  expect(hook.received[0]!.body).toMatchObject({
    type: 'cordon.people-notice',
    kind: 'test',
    heading: 'Test notice',
    incidentId: 'test-notice',
  });
  expect(smtp.received).toHaveLength(1);
  expect(smtp.received[0]!.to.sort()).toEqual(['dpo@example.com', 'secops@example.com']);
  expect(smtp.received[0]!.headers.subject).toBe('[Cordon] Test notice: Cordon notifier check — test-notice');
  expect(smtp.received[0]!.body).toContain('nothing needs doing');
});

test('all delivered: exit 0, and --json gives one row per target', async () => {
  const run = await runCordon(['--json', 'test-notifiers'], email());
  expect(run.code).toBe(0);
  expect(JSON.parse(run.stdout)).toEqual([{ target: 'email', kind: 'email', result: 'delivered', detail: '' }]);
});

test('nothing configured, or a bad configuration: exit 2 with the reason, nothing sent', async () => {
  const none = await runCordon(['test-notifiers']);
  expect(none.code).toBe(2);
  expect(none.stdout).toMatch(/^no notice targets configured: set CORDON_NOTIFY_WEBHOOK_URL/);
  const bad = await runCordon(['test-notifiers'], { CORDON_NOTIFY_SMTP_URL: smtp.url });
  expect(bad.code).toBe(2);
  expect(bad.stderr).toBe('cordon: invalid configuration: - CORDON_NOTIFY_EMAIL_FROM: required when CORDON_NOTIFY_SMTP_URL is set\n');
  expect(bad.stderr).not.toContain('smtp-secret-for-tests');
  expect(smtp.received).toHaveLength(0);
});
