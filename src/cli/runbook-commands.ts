/**
 * `cordon runbooks list | show NAME | validate FILE` (and `plan FILE --alert FILE`, runbook-plan-command.ts). `list` and `show` ask the API (the runbooks
 * the running Cordon read at start, and the files it refused); `validate` works offline on a file:
 * it prints `file:line:col message` for every problem and exits 2, or one line saying it is valid
 * (after a `warning: file:line:col message` line on stderr for each warning, e.g. no human gate).
 */
import type { Command } from 'commander';
import type { RunbookSummary, RunbookView } from '../runbooks/runbook-views';
import { formatProblem, loadRunbookFile } from '../runbooks/load-runbook';
import { ExitCode } from '../domain/errors';
import type { CordonApi } from './api-client';
import { CliExit } from './evidence-commands';
import type { Output } from './incident-commands';
import { table } from './format';
import { registerRunbookPlanCommand } from './runbook-plan-command';

type Context = (cmd: Command) => { api: CordonApi; out: Output };

export function validateRunbook(file: string, out: Output, err: (t: string) => void): void {
  const result = loadRunbookFile(file);
  if (!result.ok) {
    for (const p of result.problems) err(formatProblem(p));
    throw new CliExit(ExitCode.usage);
  }
  const d = result.runbook.definition;
  const warnings = result.runbook.warnings.map(formatProblem);
  // Warnings go to stderr and leave the exit code at 0: the file runs as written.
  for (const w of warnings) err(`warning: ${w}`);
  if (out.json)
    return out.write(
      JSON.stringify(
        { valid: true, name: d.name, version: d.version, sha256: result.runbook.sha256, steps: d.steps.length, warnings },
        null,
        2,
      ),
    );
  out.write(`${file}: valid — ${d.name} ${d.version}, ${d.steps.length} steps, sha256 ${result.runbook.sha256}`);
}

async function listRunbooks(api: CordonApi, out: Output): Promise<void> {
  const answer = await api.request<{ runbooks: RunbookSummary[]; refused: string[]; warnings?: string[] }>('GET', '/v1/runbooks');
  if (out.json) return out.write(JSON.stringify(answer, null, 2));
  out.write(
    table(
      ['NAME', 'VERSION', 'ORIGIN', 'STEPS', 'MATCHES', 'SHA256'],
      answer.runbooks.map((r) => [
        r.name,
        r.version,
        r.origin,
        String(r.steps),
        [r.matches.sources?.join('/'), r.matches.findingTypes?.join(' '), r.matches.severities?.join('/')].filter(Boolean).join('; ') ||
          `any ${r.matches.resourceKind}`,
        r.sha256.slice(0, 12),
      ]),
    ),
  );
  for (const line of answer.refused) out.write(`refused  ${line}`);
  for (const line of answer.warnings ?? []) out.write(`warning  ${line}`);
}

async function showRunbook(api: CordonApi, name: string, out: Output): Promise<void> {
  const r = await api.request<RunbookView>('GET', `/v1/runbooks/${encodeURIComponent(name)}`);
  if (out.json) return out.write(JSON.stringify(r, null, 2));
  out.write(`${r.name} ${r.version}  (${r.origin}, ${r.file}, sha256 ${r.sha256})`);
  if (r.description) out.write(r.description);
  out.write(
    table(
      ['#', 'STEP', 'WHEN', 'GATE', 'PARAMS'],
      r.definition.steps.map((s, i) => [
        String(i + 1),
        `${s.step}${s.alongside ? ' (alongside)' : ''}`,
        s.when ?? '-',
        s.gate === undefined
          ? '-'
          : typeof s.gate === 'string'
            ? s.gate
            : `${s.gate.mode} ${s.gate.approverRoles.join('/')} ${s.gate.timeoutMinutes}m→${s.gate.onTimeout}`,
        s.params
          ? Object.entries(s.params)
              .map(([k, v]) => `${k}=${String(v)}`)
              .join(' ')
          : '-',
      ]),
    ),
  );
}

export function registerRunbookCommands(program: Command, context: Context): void {
  const runbooks = program
    .command('runbooks')
    .description('the runbooks Cordon runs: list, show one, validate a file offline, plan a file against the live fleet');
  runbooks
    .command('list')
    .description('every runbook the API loaded, and the files it refused')
    .action(async (_o, cmd: Command) => {
      const { api, out } = context(cmd);
      await listRunbooks(api, out);
    });
  runbooks
    .command('show <name>')
    .description('one runbook: its steps, conditions, gates and parameters')
    .action(async (name: string, _o, cmd: Command) => {
      const { api, out } = context(cmd);
      await showRunbook(api, name, out);
    });
  runbooks
    .command('validate <file>')
    .description('check a runbook file offline (exit 2 with file:line:col lines when invalid)')
    .action((file: string, _o, cmd: Command) => {
      const json = cmd.optsWithGlobals<{ json?: boolean }>().json ?? false;
      validateRunbook(file, { json, write: (t) => process.stdout.write(`${t}\n`) }, (t) => process.stderr.write(`${t}\n`));
    });
  registerRunbookPlanCommand(runbooks, context);
}
