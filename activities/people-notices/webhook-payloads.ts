/**
 * Bodies for notices to people, one builder per format, from the same PeopleNotice:
 * Cordon's generic JSON (stable field names a receiver can route on) and the Slack-compatible
 * incoming-webhook body (slack.ts). Pure: unit tests compare bodies directly.
 */
import type { PeopleNotice } from '../../src/domain/people-notice';

export const noticeHeadings: Record<PeopleNotice['kind'], string> = {
  'approval-needed': 'Approval needed',
  reminder: 'Reminder',
  escalation: 'Escalation',
  overdue: 'Overdue',
  'step-failed': 'Runbook step failed',
  test: 'Test notice',
};

/**
 * A console address, when a public URL (CORDON_PUBLIC_URL) is known: the incident page, or a
 * view inside it (`approve/<step>` opens on the gate's decision, `clocks/<obligation>` on a
 * regulatory clock). The console keeps the address through sign-in, so one tap from a notice
 * lands on the decision.
 */
export function incidentLink(
  consoleUrl: string | undefined,
  incidentId: string,
  view?: ['approve' | 'clocks', string],
): string | undefined {
  if (!consoleUrl) return undefined;
  const tail = view ? `/${view[0]}/${encodeURIComponent(view[1])}` : '';
  return `${consoleUrl.replace(/\/$/, '')}/console#/incidents/${encodeURIComponent(incidentId)}${tail}`;
}

/** Notices about a gate that still needs a decision: their link opens that decision. */
export const asksForDecision = (notice: PeopleNotice): boolean =>
  notice.approvalsNeeded > 0 && ['approval-needed', 'reminder', 'escalation', 'overdue'].includes(notice.kind);

/** Where an operator acts on a notice to people: the gate's decision, else the incident. */
export function noticeLink(consoleUrl: string | undefined, notice: PeopleNotice): string | undefined {
  return incidentLink(consoleUrl, notice.incidentId, asksForDecision(notice) ? ['approve', notice.step] : undefined);
}

/** The documented webhook body: the notice itself, versioned, with a heading and a console link (to the decision when one is asked for). */
export interface GenericNoticeBody extends PeopleNotice {
  type: 'cordon.people-notice';
  version: 1;
  heading: string;
  link?: string;
}

export function genericPayload(notice: PeopleNotice, consoleUrl?: string): GenericNoticeBody {
  return {
    type: 'cordon.people-notice',
    version: 1,
    heading: noticeHeadings[notice.kind],
    ...notice,
    link: noticeLink(consoleUrl, notice),
  };
}
