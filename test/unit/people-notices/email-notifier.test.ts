/**
 * Email notices against a real SMTP server on loopback (smtp-server), through the activities an
 * operator's worker runs: the people notice and the deadline notice arrive once each, to the
 * fixed recipients plus the contacts that are addresses, with a Message-ID stable per event;
 * an attacker's alert title cannot add a header; a 5yz refusal is permanent with the server's
 * reply, a 4yz is retried; the SMTP password never appears in an error; a retry after a partial
 * delivery does not write again.
 */
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createBreachActivities } from '../../../activities/regulator-notification/breach-activities';
import type { EmailTarget } from '../../../activities/people-notices/email-notifier';
import { notifyPeople } from '../../../activities/people-notices/people-notifier';
import type { PeopleNotice } from '../../../src/domain/people-notice';
import type { NotificationRequest } from '../../../workflows/regulator-notification/types';
import { startSmtpReceiver, type SmtpReceiver } from '../../helpers/smtp-receiver';
import { startWebhookReceiver, type WebhookReceiver } from '../../helpers/webhook-receiver';

let smtp: SmtpReceiver;
let hook: WebhookReceiver;
let email: EmailTarget;
beforeAll(async () => {
  [smtp, hook] = await Promise.all([startSmtpReceiver(), startWebhookReceiver()]);
  email = { name: 'email', format: 'email', smtpUrl: smtp.url, from: 'Cordon <cordon@example.com>', to: ['secops@example.com'] };
});
afterAll(async () => {
  await Promise.all([smtp?.close(), hook?.close()]);
});
beforeEach(() => {
  smtp.received.length = 0;
  hook.received.length = 0;
  smtp.refuse(undefined);
});

const notice: PeopleNotice = {
  kind: 'approval-needed',
  idempotencyKey: 'inc-1/contain/approval-needed/0',
  incidentId: 'inc-1',
  step: 'contain',
  stepTitle: 'Approve containment',
  severity: 'high',
  to: ['oncall-secops', 'Lead@Example.com'],
  message: 'Contain i-0abc?\r\nBcc: victim@evil.example',
  round: 0,
  at: '2026-01-01T00:00:00.000Z',
  approverRoles: ['approver'],
  approvalsNeeded: 1,
};

test('a people notice is written once to the fixed recipients and the contacts that are addresses', async () => {
  const result = await notifyPeople({ targets: [email], consoleUrl: 'https://cordon.example.internal' }, notice);
  expect(result).toEqual({ delivered: ['email'], skipped: [] });
  expect(smtp.received).toHaveLength(1);
  const mail = smtp.received[0]!;
  expect(mail.from).toBe('cordon@example.com');
  expect(mail.to.sort()).toEqual(['lead@example.com', 'secops@example.com']);
  expect(mail.headers.subject).toBe('[Cordon] Approval needed: Approve containment — inc-1');
  expect(mail.headers['x-cordon-idempotency-key']).toBe(notice.idempotencyKey);
  expect(mail.headers['auto-submitted']).toBe('auto-generated');
  expect(mail.headers['message-id']).toMatch(/^<cordon\.[0-9a-f]{32}@example\.com>$/);
  expect(mail.headers.bcc).toBeUndefined();
  expect(mail.body).toContain('Needs 1 more approval(s) from: approver');
  expect(mail.body).toMatch(/^Approve or reject: https:\/\/cordon\.example\.internal\/console#\/incidents\/inc-1\/approve\/contain\r?$/m);

  // The same event again (a retry that lost its heartbeat) carries the same Message-ID, so a mail client folds it.
  await notifyPeople({ targets: [email] }, notice);
  expect(smtp.received[1]!.headers['message-id']).toBe(mail.headers['message-id']);
  await notifyPeople({ targets: [email] }, { ...notice, idempotencyKey: 'inc-1/contain/reminder/1', kind: 'reminder' });
  expect(smtp.received[2]!.headers['message-id']).not.toBe(mail.headers['message-id']);
});

test('an alert title with line breaks cannot add a header', async () => {
  await notifyPeople({ targets: [email] }, { ...notice, stepTitle: 'x\r\nBcc: victim@evil.example\r\nX-Evil: 1' });
  const mail = smtp.received[0]!;
  expect(mail.to).not.toContain('victim@evil.example');
  expect(mail.headers.bcc).toBeUndefined();
  expect(mail.headers['x-evil']).toBeUndefined();
});

test('a permanent refusal (550) is non-retryable with the reply; a transient one (451) is retried; no password in either', async () => {
  smtp.refuse(550);
  const permanent = await notifyPeople({ targets: [email] }, notice).catch((e: unknown) => e);
  expect(permanent).toBeInstanceOf(ApplicationFailure);
  expect((permanent as ApplicationFailure).nonRetryable).toBe(true);
  expect((permanent as Error).message).toMatch(/^email email: the mail server refused the notice \(550\).*mailbox unavailable/);
  smtp.refuse(451);
  const transient = await notifyPeople({ targets: [email] }, notice).catch((e: unknown) => e);
  expect(transient).not.toBeInstanceOf(ApplicationFailure);
  expect((transient as Error).message).toMatch(/^email email not sent \(451\)/);
  for (const err of [permanent, transient]) expect(String((err as Error).message)).not.toContain('smtp-secret-for-tests');
  expect(smtp.received).toHaveLength(0);
});

test('an unreachable server is retried, without the URL or its password in the message', async () => {
  const closed = { ...email, smtpUrl: 'smtp://cordon:smtp-secret-for-tests@127.0.0.1:1' };
  const err = (await notifyPeople({ targets: [closed], timeoutMs: 2000 }, notice).catch((e: unknown) => e)) as Error;
  expect(err).not.toBeInstanceOf(ApplicationFailure);
  expect(err.message).toMatch(/^email email not sent: /);
  expect(err.message).not.toContain('smtp-secret-for-tests');
});

test('?requireTLS=true in the URL never sends in plain text to a server without STARTTLS', async () => {
  const strict = { ...email, smtpUrl: `${smtp.url}?requireTLS=true` };
  const err = (await notifyPeople({ targets: [strict] }, notice).catch((e: unknown) => e)) as ApplicationFailure;
  // The server refuses STARTTLS (500): a configuration mismatch that retrying cannot mend.
  expect(err).toBeInstanceOf(ApplicationFailure);
  expect(err.nonRetryable).toBe(true);
  expect(err.message).toMatch(/^email email: the mail server refused the notice \(500\)/);
  expect(err.message).not.toContain('smtp-secret-for-tests');
  expect(smtp.received).toHaveLength(0);
});

test('nobody to write to (no fixed recipients, no contact is an address) is not counted as delivered', async () => {
  const result = await notifyPeople({ targets: [{ ...email, to: [] }] }, { ...notice, to: ['oncall-secops'] });
  expect(result.delivered).toEqual([]);
  expect(smtp.received).toHaveLength(0);
});

test('a retry after the webhook got the notice writes only the email', async () => {
  const targets = [{ name: 'webhook', url: hook.url, format: 'json' as const }, email];
  smtp.refuse(451);
  const beats: unknown[] = [];
  const first = new MockActivityEnvironment();
  first.on('heartbeat', (d: unknown) => beats.push(d));
  await expect(first.run(notifyPeople, { targets }, notice)).rejects.toThrow(/451/);
  expect(hook.received).toHaveLength(1);
  smtp.refuse(undefined);
  const retry = new MockActivityEnvironment({ attempt: 2, heartbeatDetails: beats.at(-1) });
  expect(await retry.run(notifyPeople, { targets }, notice)).toEqual({ delivered: ['email'], skipped: ['webhook'] });
  expect(hook.received).toHaveLength(1);
  expect(smtp.received).toHaveLength(1);
});

test('a deadline notice goes to email beside the deadline webhooks, to the contact (an address) and the DPO', async () => {
  const req: NotificationRequest = {
    idempotencyKey: 'inc-1/breach:gdpr-art33:reminder:0.75',
    incidentId: 'inc-1',
    obligationId: 'gdpr-art33',
    title: 'GDPR Art. 33 notification to the supervisory authority',
    kind: 'reminder',
    fraction: 0.75,
    dueAt: '2026-01-04T00:00:00.000Z',
    contact: 'lead@example.com',
    escalationLevel: 0,
    text: 'gdpr-art33 GDPR Art. 33 notification for inc-1: 75% of the window has passed (due 2026-01-04T00:00:00.000Z)',
  };
  const deadlineHook = { name: 'deadline-webhook-1', url: hook.url, format: 'json' as const };
  const settings = {
    jurisdictions: ['EU' as const],
    sectors: [],
    reminderFractions: [0.75],
    escalateAfterMinutes: 0,
    contacts: ['lead@example.com'],
    displayZone: 'UTC',
    dpo: { name: 'Dana', email: 'dpo@example.com' },
  };
  const activities = createBreachActivities(
    { settings, targets: [deadlineHook] },
    { targets: [{ name: 'slack', url: `${hook.url}/slack`, format: 'slack' }, email], consoleUrl: 'https://cordon.example.internal' },
    'data:',
  );
  expect(await activities.sendDeadlineNotice(req)).toEqual({ delivered: ['deadline-webhook-1', 'email'] });
  expect(hook.received.map((r) => r.path)).toEqual(['/hook']);
  const mail = smtp.received[0]!;
  expect(mail.to.sort()).toEqual(['dpo@example.com', 'lead@example.com', 'secops@example.com']);
  expect(mail.headers.subject).toBe('[Cordon] Deadline reminder: GDPR Art. 33 notification to the supervisory authority — inc-1');
  expect(mail.body).toContain('Due: 2026-01-04T00:00:00.000Z');
  expect(mail.body).toContain('75% of the window has passed');
});
