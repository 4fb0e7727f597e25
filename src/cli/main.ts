/**
 * The `cordon` command line. Every command talks to the API; errors print one line and exit
 * non-zero (1 for a refused or failed request, 2 for bad usage or configuration).
 */
import { Command, CommanderError } from 'commander';
import fs from 'node:fs';
import { ApiError, CordonApi } from './api-client';
import { cliSettings } from './cli-config';
import { closeIncident, decideStep, listIncidents, showIncident, type Output } from './incident-commands';

interface Globals { api?: string; token?: string; json?: boolean }

function context(cmd: Command): { api: CordonApi; out: Output } {
  const g = cmd.optsWithGlobals<Globals>();
  const settings = cliSettings(process.env, g);
  return { api: new CordonApi(settings.apiUrl, settings.token), out: { json: g.json ?? false, write: (t) => process.stdout.write(`${t}\n`) } };
}

export function buildProgram(): Command {
  const program = new Command('cordon')
    .description('Cordon: incident-response runbooks for immutable cloud fleets')
    .option('--api <url>', 'API base URL (env CORDON_API_URL, default http://127.0.0.1:8787)')
    .option('--token <token>', 'API token (env CORDON_TOKEN)')
    .option('--json', 'machine-readable output')
    .exitOverride();

  program.command('incidents').description('list incidents').action(async (_o, cmd: Command) => {
    const { api, out } = context(cmd);
    await listIncidents(api, out);
  });
  program.command('show <incident>').description('timeline, steps and state of one incident').action(async (id: string, _o, cmd: Command) => {
    const { api, out } = context(cmd);
    await showIncident(api, id, out);
  });
  for (const decision of ['approve', 'reject'] as const) {
    program.command(`${decision} <incident> <step>`).description(`${decision} a step waiting for approval`)
      .requiredOption('--reason <text>', 'why (recorded in the audit trail)')
      .action(async (id: string, step: string, o: { reason: string }, cmd: Command) => {
        const { api, out } = context(cmd);
        await decideStep(api, id, step, decision, o.reason, out);
      });
  }
  program.command('close <incident>').description('close an incident').requiredOption('--reason <text>', 'why')
    .action(async (id: string, o: { reason: string }, cmd: Command) => {
      const { api, out } = context(cmd);
      await closeIncident(api, id, o.reason, out);
    });
  program.command('trigger [file]').description('send an alert payload (any source) to Cordon')
    .option('--source <source>', 'alert source: guardduty, securityhub, cloudwatch-sns, alertmanager, generic', 'generic')
    .option('--demo', 'send a demo alert for the first instance of the demo fleet')
    .option('--instance <id>', 'with --demo: the instance to accuse')
    .action(async (file: string | undefined, o: { source: string; demo?: boolean; instance?: string }, cmd: Command) => {
      const { api, out } = context(cmd);
      let body: string;
      if (o.demo) {
        if (!o.instance) throw new Error('--demo needs --instance <id> (npm start prints the demo fleet\'s instance ids)');
        body = JSON.stringify({ instanceId: o.instance, severity: 'medium', title: 'Demo: SSH brute force, then outbound traffic to a known C2 host' });
      } else {
        if (!file) throw new Error('give a payload file, or --demo');
        body = fs.readFileSync(file, 'utf8');
      }
      const r = await api.request<{ accepted: { incidentId: string }[] }>('POST', `/v1/alerts/${encodeURIComponent(o.demo ? 'generic' : o.source)}`, body);
      out.write(out.json ? JSON.stringify(r) : r.accepted.map((a) => `accepted → ${a.incidentId}`).join('\n'));
    });
  return program;
}

export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    process.stderr.write(`cordon: ${(err as Error).message}\n`);
    return err instanceof ApiError ? 1 : 2;
  }
}

if (require.main === module) {
  void runCli(process.argv.slice(2)).then((code) => process.exit(code));
}
