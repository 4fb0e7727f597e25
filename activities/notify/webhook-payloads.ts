/**
 * Bodies for notices to people, one builder per format, from the same PeopleNotice:
 * Cordon's generic JSON (stable field names a receiver can route on) and the Slack-compatible
 * incoming-webhook body (slack.ts). Pure: unit tests compare bodies directly.
 */
import type { PeopleNotice } from '../../workflows/definitions';

export const noticeHeadings: Record<PeopleNotice['kind'], string> = {
  'approval-needed': 'Approval needed',
  reminder: 'Reminder',
  escalation: 'Escalation',
  overdue: 'Overdue',
};

/** Where an operator acts on the notice (the console's incident page), when a public URL is known. */
export function incidentLink(consoleUrl: string | undefined, incidentId: string): string | undefined {
  return consoleUrl ? `${consoleUrl.replace(/\/$/, '')}/console#/incidents/${encodeURIComponent(incidentId)}` : undefined;
}

export interface GenericNoticeBody {
  type: 'cordon.people-notice';
  version: 1;
  kind: PeopleNotice['kind'];
  heading: string;
  idempotencyKey: string;
  incidentId: string;
  step: string;
  stepTitle: string;
  severity: string;
  to: string[];
  message: string;
  round: number;
  at: string;
  approverRoles: string[];
  approvalsNeeded: number;
  link?: string;
}

export function genericPayload(notice: PeopleNotice, consoleUrl?: string): GenericNoticeBody {
  return {
    type: 'cordon.people-notice', version: 1, kind: notice.kind, heading: noticeHeadings[notice.kind], idempotencyKey: notice.idempotencyKey,
    incidentId: notice.incidentId, step: notice.step, stepTitle: notice.stepTitle, severity: notice.severity, to: notice.to, message: notice.message,
    round: notice.round, at: notice.at, approverRoles: notice.approverRoles, approvalsNeeded: notice.approvalsNeeded, link: incidentLink(consoleUrl, notice.incidentId),
  };
}
