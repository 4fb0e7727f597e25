/**
 * Slack-compatible incoming-webhook body (`text` fallback plus Block Kit `blocks`), accepted by
 * Slack and by Mattermost/Rocket.Chat-style compatible receivers. Every value from the incident
 * is escaped for mrkdwn (&, <, >), because alert titles are attacker-controlled and `<...>` is
 * Slack's link/mention syntax: an alert must not be able to ping @channel or plant a link.
 */
import type { PeopleNotice } from '../../src/domain/people-notice';
import { asksForDecision, noticeHeadings, noticeLink } from './webhook-payloads';

export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const icons: Record<PeopleNotice['kind'], string> = {
  'approval-needed': ':raised_hand:',
  reminder: ':alarm_clock:',
  escalation: ':rotating_light:',
  overdue: ':red_circle:',
  'step-failed': ':x:',
  test: ':white_check_mark:',
};

export interface SlackBody {
  text: string;
  blocks: (
    | { type: 'section'; text: { type: 'mrkdwn'; text: string } }
    | { type: 'context'; elements: { type: 'mrkdwn'; text: string }[] }
  )[];
}

export function slackPayload(notice: PeopleNotice, consoleUrl?: string): SlackBody {
  const e = escapeMrkdwn;
  const heading = `${icons[notice.kind]} *${noticeHeadings[notice.kind]}* — ${e(notice.stepTitle)} (${e(notice.severity)})`;
  const link = noticeLink(consoleUrl, notice);
  const label = asksForDecision(notice)
    ? `Approve or reject in the console (incident ${e(notice.incidentId)})`
    : `Open incident ${e(notice.incidentId)}`;
  const lines = [
    heading,
    e(notice.message),
    notice.approvalsNeeded > 0 ? `Needs ${notice.approvalsNeeded} more approval(s) from: ${e(notice.approverRoles.join(', '))}` : '',
    notice.to.length ? `For: ${e(notice.to.join(', '))}` : '',
    link ? `<${link}|${label}>` : `Incident \`${e(notice.incidentId)}\` — \`cordon show ${e(notice.incidentId)}\``,
  ].filter(Boolean);
  return {
    text: `${noticeHeadings[notice.kind]}: ${e(notice.stepTitle)} — ${e(notice.incidentId)}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `${e(notice.at)} · event ${e(notice.idempotencyKey)}` }] },
    ],
  };
}
