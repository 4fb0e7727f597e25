/**
 * Builds the targets of notices to people from Cordon's configuration (src/config/schema.ts
 * validated every value at start): the generic JSON webhook, the Slack-compatible webhook and
 * email over SMTP, each present only when configured. None: notices are only recorded.
 */
import type { Config } from '../../src/config/schema';
import type { NoticeTarget } from './deliver';

const list = (v: string) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export function peopleTargetsFromConfig(config: Config): NoticeTarget[] {
  return [
    ...(config.CORDON_NOTIFY_WEBHOOK_URL
      ? [{ name: 'webhook', url: config.CORDON_NOTIFY_WEBHOOK_URL, format: 'json' as const, secret: config.CORDON_NOTIFY_WEBHOOK_SECRET }]
      : []),
    ...(config.CORDON_NOTIFY_SLACK_URL ? [{ name: 'slack', url: config.CORDON_NOTIFY_SLACK_URL, format: 'slack' as const }] : []),
    ...(config.CORDON_NOTIFY_SMTP_URL && config.CORDON_NOTIFY_EMAIL_FROM
      ? [
          {
            name: 'email',
            format: 'email' as const,
            smtpUrl: config.CORDON_NOTIFY_SMTP_URL,
            from: config.CORDON_NOTIFY_EMAIL_FROM,
            to: list(config.CORDON_NOTIFY_EMAIL_TO),
          },
        ]
      : []),
  ];
}
