/**
 * Plain-text emails for notices to people and for regulatory deadline notices. Pure: unit
 * tests compare messages directly. Alert titles are attacker-controlled: every value put in the
 * subject loses its control characters, so a title cannot add a header line.
 */
import type { PeopleNotice } from '../../src/domain/people-notice';
import type { NotificationRequest } from '../../workflows/regulator-notification/types';
import type { EmailMessage } from './email-notifier';
import { asksForDecision, incidentLink, noticeHeadings, noticeLink } from './webhook-payloads';

const oneLine = (s: string) => s.replace(/[\p{Cc}\u2028\u2029]+/gu, ' ').trim();

export function peopleEmail(notice: PeopleNotice, consoleUrl?: string): EmailMessage {
  const lines = [
    `${noticeHeadings[notice.kind]}: ${notice.stepTitle} (${notice.severity})`,
    '',
    notice.message,
    '',
    ...(notice.approvalsNeeded > 0 ? [`Needs ${notice.approvalsNeeded} more approval(s) from: ${notice.approverRoles.join(', ')}`] : []),
    ...(notice.to.length ? [`For: ${notice.to.join(', ')}`] : []),
    `Incident: ${notice.incidentId}`,
    asksForDecision(notice)
      ? `Approve or reject: ${noticeLink(consoleUrl, notice) ?? `cordon approve ${notice.incidentId} ${notice.step} --reason "…"`}`
      : `Act on it: ${noticeLink(consoleUrl, notice) ?? `cordon show ${notice.incidentId}`}`,
    '',
    `-- Cordon, ${notice.at} (event ${notice.idempotencyKey})`,
  ];
  return {
    subject: oneLine(`[Cordon] ${noticeHeadings[notice.kind]}: ${notice.stepTitle} — ${notice.incidentId}`),
    text: `${lines.join('\n')}\n`,
    idempotencyKey: notice.idempotencyKey,
    contacts: notice.to,
  };
}

const deadlineHeadings: Record<NotificationRequest['kind'], string> = {
  reminder: 'Deadline reminder',
  due: 'Deadline due now',
  escalation: 'Deadline OVERDUE',
};

export function deadlineEmail(req: NotificationRequest, consoleUrl?: string): EmailMessage {
  const lines = [
    `${deadlineHeadings[req.kind]}: ${req.title}`,
    '',
    req.text,
    '',
    `Due: ${req.dueAt}`,
    `Incident: ${req.incidentId}`,
    `Record the submission: ${incidentLink(consoleUrl, req.incidentId, ['clocks', req.obligationId]) ?? `cordon show ${req.incidentId}`}`,
    '',
    `-- Cordon (event ${req.idempotencyKey})`,
  ];
  return {
    subject: oneLine(`[Cordon] ${deadlineHeadings[req.kind]}: ${req.title} — ${req.incidentId}`),
    text: `${lines.join('\n')}\n`,
    idempotencyKey: req.idempotencyKey,
    contacts: req.contact ? [req.contact] : [],
  };
}
