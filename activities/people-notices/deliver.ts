/**
 * One notice to every target, whatever their kind (generic or Slack webhook, email): the step
 * the people notifier and the deadline notifier share. Nobody is reached twice for one event:
 * targets delivered by an earlier attempt of the activity are recorded as heartbeat details,
 * which survive into Temporal's retry, and are skipped.
 */
import { Context } from '@temporalio/activity';
import { sendEmail, type EmailMessage, type EmailTarget } from './email-notifier';
import { postWebhook, type WebhookDeliveryDeps, type WebhookTarget } from './webhook-notifier';

export type NoticeTarget = WebhookTarget | EmailTarget;

export interface Delivery {
  delivered: string[];
  before: string[];
}

/** Targets delivered by earlier attempts of this activity (empty outside Temporal). */
function deliveredBefore(): string[] {
  try {
    return (Context.current().info.heartbeatDetails as { delivered?: string[] } | undefined)?.delivered ?? [];
  } catch {
    return []; // outside an activity (unit tests)
  }
}

function recordDelivered(delivered: string[]): void {
  try {
    Context.current().heartbeat({ delivered });
  } catch {
    /* outside an activity: nothing to record */
  }
}

/** `send` resolves false when the target had nobody to reach for this notice (not counted as delivered). */
/** One notice in the forms its targets take: an email message, a webhook body per target format. */
export interface NoticeForms {
  idempotencyKey: string;
  email: () => EmailMessage;
  webhookBody: (target: WebhookTarget) => unknown;
}

/** Sends the notice to one target in its form; false when an email target had nobody to write to. */
export async function sendNotice(deps: WebhookDeliveryDeps, target: NoticeTarget, forms: NoticeForms): Promise<boolean> {
  if (target.format === 'email') return (await sendEmail(target, forms.email(), deps.timeoutMs)).length > 0;
  await postWebhook(deps, target, forms.webhookBody(target), forms.idempotencyKey);
  return true;
}

export async function deliverToAll(targets: NoticeTarget[], send: (target: NoticeTarget) => Promise<boolean>): Promise<Delivery> {
  const before = deliveredBefore();
  const delivered = [...before];
  for (const target of targets) {
    if (delivered.includes(target.name)) continue;
    if (!(await send(target))) continue;
    delivered.push(target.name);
    recordDelivered(delivered);
  }
  return { delivered, before };
}
