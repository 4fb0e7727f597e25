/**
 * The `cordon` command line. Every command talks to the API; errors print one line and exit
 * non-zero with a code that says why (the failure catalogue's `ExitCode`, src/domain/errors.ts,
 * listed in `--help`).
 */
import { Command, CommanderError } from 'commander';
import { CordonApi, exitCodeFor, exitCodeHelp } from './api-client';
import { cliSettings } from './cli-config';
import { closeIncident, decideStep, listIncidents, showIncident, type Output } from './incident-commands';
import { registerDoctorCommand } from './doctor-command';
import { registerRunbookCommands } from './runbook-commands';
import { registerRunCommand } from './run-command';
import { registerTestNotifiersCommand } from './test-notifiers-command';
import { registerTriggerCommand } from './trigger-command';
import { CliExit, registerEvidenceCommands } from './evidence-commands';
import { listDeadlines, registerNotificationCommands, submitNotification, type SubmitOptions } from './regulator-notification-commands';

interface Globals {
  api?: string;
  token?: string;
  json?: boolean;
}

function context(cmd: Command): { api: CordonApi; out: Output } {
  const g = cmd.optsWithGlobals<Globals>();
  const settings = cliSettings(process.env, g);
  return {
    api: new CordonApi(settings.apiUrl, settings.token),
    out: { json: g.json ?? false, write: (t) => process.stdout.write(`${t}\n`) },
  };
}

export function buildProgram(): Command {
  const program = new Command('cordon')
    .description('Cordon: incident-response runbooks for immutable cloud fleets')
    .option('--api <url>', 'API base URL (env CORDON_API_URL, default http://127.0.0.1:8787)')
    .option('--token <token>', 'API token (env CORDON_TOKEN)')
    .option('--json', 'machine-readable output')
    .addHelpText('after', `\n${exitCodeHelp}`)
    .exitOverride();

  program
    .command('incidents')
    .description('list incidents: state, severity, resource, approvals waiting, age')
    .addHelpText('after', `\n${exitCodeHelp}`)
    .action(async (_o, cmd: Command) => {
      const { api, out } = context(cmd);
      await listIncidents(api, out);
    });
  program
    .command('show <incident>')
    .description('one incident: steps, approvals waiting, evidence, regulatory clocks, timeline')
    .addHelpText('after', `\n${exitCodeHelp}`)
    .action(async (id: string, _o, cmd: Command) => {
      const { api, out } = context(cmd);
      await showIncident(api, id, out);
    });
  for (const decision of ['approve', 'reject'] as const) {
    program
      .command(`${decision} <incident> <step>`)
      .description(`${decision} a step waiting for approval (as the token's operator)`)
      .addHelpText('after', `\n${exitCodeHelp}`)
      .requiredOption('--reason <text>', 'why (recorded in the audit trail)')
      .action(async (id: string, step: string, o: { reason: string }, cmd: Command) => {
        const { api, out } = context(cmd);
        await decideStep(api, id, step, decision, o.reason, out);
      });
  }
  program
    .command('close <incident>')
    .description('close an incident')
    .requiredOption('--reason <text>', 'why')
    .action(async (id: string, o: { reason: string }, cmd: Command) => {
      const { api, out } = context(cmd);
      await closeIncident(api, id, o.reason, out);
    });
  program
    .command('deadlines')
    .description('every open regulatory clock across incidents')
    .action(async (_o, cmd: Command) => {
      const { api, out } = context(cmd);
      await listDeadlines(api, out);
    });
  program
    .command('submit <incident> <obligation>')
    .description('record a submission to an authority')
    .requiredOption('--reference <ref>', "the authority's reference for the submission")
    .option('--phase <phase>', 'initial, follow-up or final (GDPR Art. 33(4))', 'initial')
    .option('--submitted-at <iso>', 'when it was submitted (default: now)')
    .option('--reasons-for-delay <text>', 'required when late (GDPR Art. 33(1))')
    .action(async (id: string, obligation: string, o: SubmitOptions, cmd: Command) => {
      const { api, out } = context(cmd);
      await submitNotification(api, id, obligation, o, out);
    });
  registerRunbookCommands(program, context);
  registerRunCommand(program, context);
  registerNotificationCommands(program, context);
  registerTriggerCommand(program, context);
  registerEvidenceCommands(program, process.env);
  registerTestNotifiersCommand(program, process.env);
  registerDoctorCommand(program, process.env);
  return program;
}

export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof CliExit) return err.code;
    // One line, whatever the error (a ConfigError lists each bad variable on its own line).
    process.stderr.write(
      `cordon: ${(err as Error).message
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
        .join(' ')}\n`,
    );
    return exitCodeFor(err);
  }
}

if (require.main === module) {
  void runCli(process.argv.slice(2)).then((code) => process.exit(code));
}
