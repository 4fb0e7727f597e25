/**
 * The `notifyPeople` activity: delivers one PeopleNotice to every configured target (generic
 * webhook, Slack-compatible webhook, email over SMTP). Nobody is paged twice for one event: each target gets the
 * notice's idempotency key, and targets already delivered in an earlier attempt (recorded as
 * heartbeat details, which survive into the retry) are not posted again. With no target
 * configured the notice is only recorded (the workflow timeline shows it), which is the local default.
 */
import type { PeopleNotice } from '../../src/domain/people-notice';
import { deliverToAll, sendNotice, type NoticeTarget } from './deliver';
import { peopleEmail } from './email-payloads';
import { slackPayload } from './slack';
import type { WebhookDeliveryDeps } from './webhook-notifier';
import { genericPayload } from './webhook-payloads';

export interface PeopleNotifierDeps extends WebhookDeliveryDeps {
  targets: NoticeTarget[];
  /** Public base URL of the API/console, for links in notices. */
  consoleUrl?: string;
}

export interface PeopleNoticeResult {
  delivered: string[];
  skipped: string[];
}

export async function notifyPeople(deps: PeopleNotifierDeps | undefined, notice: PeopleNotice): Promise<PeopleNoticeResult> {
  const { delivered, before } = await deliverToAll(deps?.targets ?? [], (target) =>
    sendNotice(deps ?? {}, target, {
      idempotencyKey: notice.idempotencyKey,
      email: () => peopleEmail(notice, deps?.consoleUrl),
      webhookBody: (t) => (t.format === 'slack' ? slackPayload(notice, deps?.consoleUrl) : genericPayload(notice, deps?.consoleUrl)),
    }),
  );
  return { delivered: delivered.filter((d) => !before.includes(d)), skipped: before };
}
