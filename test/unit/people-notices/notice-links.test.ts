/**
 * Every notice links to where the operator acts (CORDON_PUBLIC_URL + the console route): a
 * notice that asks for a decision opens that gate's decision, a failed step opens the incident,
 * a deadline notice opens the clock. The Slack, generic-webhook and email forms carry the same
 * address; without a public URL they name the CLI command instead.
 */
import { deadlineEmail, peopleEmail } from '../../../activities/people-notices/email-payloads';
import { slackPayload } from '../../../activities/people-notices/slack';
import { genericPayload, incidentLink, noticeLink } from '../../../activities/people-notices/webhook-payloads';
import type { PeopleNotice } from '../../../src/domain/people-notice';
import type { NotificationRequest } from '../../../workflows/regulator-notification/types';

const base = 'https://cordon.example.org/';
const id = 'inc-123456789012-eu-west-1-i-0abc';
const notice: PeopleNotice = {
  kind: 'approval-needed',
  idempotencyKey: `${id}/replace/approval-needed/0`,
  incidentId: id,
  step: 'replace',
  stepTitle: 'Approve replacement',
  severity: 'medium',
  to: ['oncall'],
  message: 'Replace i-0abc?',
  round: 0,
  at: '2026-01-01T00:00:00.000Z',
  approverRoles: ['approver'],
  approvalsNeeded: 1,
};
const decide = `https://cordon.example.org/console#/incidents/${id}/approve/replace`;
const incident = `https://cordon.example.org/console#/incidents/${id}`;

test.each<[string, Partial<PeopleNotice>, string]>([
  ['approval needed', {}, decide],
  ['reminder', { kind: 'reminder', round: 1 }, decide],
  ['escalation', { kind: 'escalation', round: 2 }, decide],
  ['overdue', { kind: 'overdue' }, decide],
  ['a gate decided meanwhile (nothing left to approve)', { kind: 'reminder', approvalsNeeded: 0 }, incident],
  ['a failed step', { kind: 'step-failed', approvalsNeeded: 0 }, incident],
])('%s → %s', (_what, change, link) => {
  const n = { ...notice, ...change };
  expect(noticeLink(base, n)).toBe(link);
  expect(genericPayload(n, base).link).toBe(link);
  expect(peopleEmail(n, base).text).toContain(`: ${link}\n`);
  expect(
    slackPayload(n, base).blocks[0]!.type === 'section' && (slackPayload(n, base).blocks[0] as { text: { text: string } }).text.text,
  ).toContain(`<${link}|`);
});

test('a step name or obligation id is one path segment, encoded', () => {
  expect(incidentLink(base, id, ['approve', 'a/b c'])).toBe(`${incident}/approve/a%2Fb%20c`);
  expect(incidentLink(undefined, id, ['approve', 'replace'])).toBeUndefined();
});

test('a deadline email links to the clock', () => {
  const req: NotificationRequest = {
    idempotencyKey: `${id}/breach:gdpr.33.1:due`,
    incidentId: id,
    obligationId: 'gdpr.33.1',
    title: 'Notify the supervisory authority',
    kind: 'due',
    dueAt: '2026-01-04T00:00:00.000Z',
    escalationLevel: 0,
    text: 'due now',
    contact: 'dpo',
  };
  expect(deadlineEmail(req, base).text).toContain(`Record the submission: ${incident}/clocks/gdpr.33.1\n`);
  expect(deadlineEmail(req).text).toContain(`Record the submission: cordon show ${id}\n`);
});

test('without a public URL the notice names the CLI command', () => {
  expect(peopleEmail(notice).text).toContain(`Approve or reject: cordon approve ${id} replace --reason "…"\n`);
  expect(genericPayload(notice).link).toBeUndefined();
  expect((slackPayload(notice).blocks[0] as { text: { text: string } }).text.text).toContain(`cordon show ${id}`);
});
