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
  'step-failed': 'Runbook step failed',
  test: 'Test notice',
};

/** Where an operator acts on the notice (the console's incident page), when a public URL is known. */
export function incidentLink(consoleUrl: string | undefined, incidentId: string): string | undefined {
  return consoleUrl ? `${consoleUrl.replace(/\/$/, '')}/console#/incidents/${encodeURIComponent(incidentId)}` : undefined;
}

/** The documented webhook body: the notice itself, versioned, with a heading and a console link. */
export interface GenericNoticeBody extends PeopleNotice {
  type: 'cordon.people-notice';
  version: 1;
  heading: string;
  link?: string;
}

export function genericPayload(notice: PeopleNotice, consoleUrl?: string): GenericNoticeBody {
  return { type: 'cordon.people-notice', version: 1, heading: noticeHeadings[notice.kind], ...notice, link: incidentLink(consoleUrl, notice.incidentId) };
}
