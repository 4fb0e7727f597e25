/**
 * `cordon test-notifiers`: sends one clearly marked test notice to every notice target the
 * configuration names (CORDON_NOTIFY_*: webhook, Slack, email), each on its own, and prints
 * what each answered — so an operator learns that a webhook URL is wrong or the SMTP relay
 * refuses before a real incident needs it. Reads the same environment as the worker; needs no
 * API. Exit codes: 0 every target delivered, 1 one or more failed, 2 nothing configured or a
 * bad configuration. Nothing secret is printed: targets are shown by name and kind.
 */
import type { Command } from 'commander';
import crypto from 'node:crypto';
import os from 'node:os';
import { peopleTargetsFromConfig } from '../../activities/people-notices/people-config';
import { notifyPeople } from '../../activities/people-notices/people-notifier';
import { loadConfig } from '../config/schema';
import type { PeopleNotice } from '../domain/people-notice';
import { ExitCode } from '../domain/errors';
import { CliExit } from './evidence-commands';
import { paint, table } from './format';

export interface TargetResult {
  target: string;
  kind: string;
  result: 'delivered' | 'nobody to reach' | 'failed';
  detail: string;
}

function testNotice(to: string[]): PeopleNotice {
  const at = new Date().toISOString();
  return {
    kind: 'test',
    idempotencyKey: `test-notifiers/${crypto.randomUUID()}`,
    incidentId: 'test-notice',
    step: 'test',
    stepTitle: 'Cordon notifier check',
    severity: 'low',
    to,
    round: 0,
    at,
    approverRoles: [],
    approvalsNeeded: 0,
    message: `A test notice from \`cordon test-notifiers\` on ${os.hostname()} at ${at}. No incident is open; nothing needs doing.`,
  };
}

export async function testNotifiers(env: Record<string, string | undefined>, to: string[]): Promise<TargetResult[]> {
  const config = loadConfig(env);
  const results: TargetResult[] = [];
  for (const target of peopleTargetsFromConfig(config)) {
    const kind = target.format === 'email' ? 'email' : target.format === 'slack' ? 'slack webhook' : 'webhook';
    try {
      const { delivered } = await notifyPeople({ targets: [target], consoleUrl: config.CORDON_PUBLIC_URL }, testNotice(to));
      results.push({
        target: target.name,
        kind,
        result: delivered.length ? 'delivered' : 'nobody to reach',
        detail: delivered.length ? '' : 'no CORDON_NOTIFY_EMAIL_TO and no --to address',
      });
    } catch (err) {
      results.push({ target: target.name, kind, result: 'failed', detail: (err as Error).message });
    }
  }
  return results;
}

export function registerTestNotifiersCommand(program: Command, env: Record<string, string | undefined>): void {
  program
    .command('test-notifiers')
    .description('send a test notice to every configured notice target (CORDON_NOTIFY_*) and show what each answered')
    .option('--to <addresses>', 'also email these comma-separated addresses (as a policy contact would be)')
    .action(async (o: { to?: string }, cmd: Command) => {
      const json = cmd.optsWithGlobals<{ json?: boolean }>().json ?? false;
      const write = (t: string) => process.stdout.write(`${t}\n`);
      const results = await testNotifiers(
        env,
        (o.to ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      );
      if (json) write(JSON.stringify(results, null, 2));
      else if (results.length === 0)
        write(
          `${paint('yellow', 'no notice targets configured')}: set CORDON_NOTIFY_WEBHOOK_URL, CORDON_NOTIFY_SLACK_URL or CORDON_NOTIFY_SMTP_URL (README, Configuration)`,
        );
      else
        write(
          table(
            ['TARGET', 'KIND', 'RESULT', 'DETAIL'],
            results.map((r) => [
              r.target,
              r.kind,
              paint(r.result === 'delivered' ? 'green' : r.result === 'failed' ? 'red' : 'yellow', r.result),
              r.detail,
            ]),
          ),
        );
      if (results.length === 0) throw new CliExit(ExitCode.usage);
      if (results.some((r) => r.result !== 'delivered')) throw new CliExit(ExitCode.failed);
    });
}
