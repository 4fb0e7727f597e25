/**
 * The `notifyPeople` activity: delivers one PeopleNotice to every configured target (generic
 * webhook, Slack-compatible webhook). Nobody is paged twice for one event: each target gets the
 * notice's idempotency key, and targets already delivered in an earlier attempt (recorded as
 * heartbeat details, which survive into the retry) are not posted again. With no target
 * configured the notice is only recorded (the workflow timeline shows it), which is the local default.
 */
import { Context } from '@temporalio/activity';
import type { PeopleNotice } from '../../workflows/definitions';
import { slackPayload } from './slack';
import { postWebhook, type WebhookDeliveryDeps, type WebhookTarget } from './webhook-notifier';
import { genericPayload } from './webhook-payloads';

export interface PeopleNotifierDeps extends WebhookDeliveryDeps {
  targets: WebhookTarget[];
  /** Public base URL of the API/console, for links in notices. */
  consoleUrl?: string;
}

export interface PeopleNoticeResult { delivered: string[]; skipped: string[] }

/** Targets delivered by earlier attempts of this activity (empty outside Temporal). */
function deliveredBefore(): string[] {
  try {
    const details = Context.current().info.heartbeatDetails as { delivered?: string[] } | undefined;
    return details?.delivered ?? [];
  } catch {
    return [];
  }
}

function recordDelivered(delivered: string[]): void {
  try {
    Context.current().heartbeat({ delivered });
  } catch {
    // outside an activity (unit tests): nothing to record
  }
}

export async function notifyPeople(deps: PeopleNotifierDeps | undefined, notice: PeopleNotice): Promise<PeopleNoticeResult> {
  const before = deliveredBefore();
  const delivered = [...before];
  for (const target of deps?.targets ?? []) {
    if (delivered.includes(target.name)) continue;
    const body = target.format === 'slack' ? slackPayload(notice, deps?.consoleUrl) : genericPayload(notice, deps?.consoleUrl);
    await postWebhook(deps ?? {}, target, body, notice.idempotencyKey);
    delivered.push(target.name);
    recordDelivered(delivered);
  }
  return { delivered: delivered.filter((d) => !before.includes(d)), skipped: before };
}
