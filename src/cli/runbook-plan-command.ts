/**
 * `cordon runbooks plan FILE --alert FILE [--source s] [--input k=v …]`: what a runbook file (not
 * necessarily installed) would do for an alert payload, resolved against the live fleet by the
 * API's plan workflow (POST /v1/plans), changing nothing. The file is checked here first with the
 * loader's rules (problems: `file:line:col` lines, exit 2, nothing sent); the answer is printed as
 * the steps (with the gates they would wait at) and every AWS call with its arguments, or as JSON.
 */
import fs from 'node:fs';
import type { Command } from 'commander';
import { ExitCode } from '../domain/errors';
import type { IncidentSnapshot } from '../domain/incident';
import { formatProblem, loadRunbookFile } from '../runbooks/load-runbook';
import type { CordonApi } from './api-client';
import { CliExit } from './evidence-commands';
import type { Output } from './incident-commands';
import { parseInputs } from './run-command';
import { table } from './format';
import { inferSource } from './trigger-command';

export interface RunbookPlanOptions {
  alert: string;
  source?: string;
  input?: string[];
}

interface PlanAnswer {
  plans: { planId: string; instanceId: string; severity: string }[];
  skipped: unknown[];
  runbook: { name: string; version: string; sha256: string; inputs: Record<string, unknown>; matches: boolean };
  installed?: { name: string; version: string };
}
interface PlanView {
  planId: string;
  status: string;
  result?: IncidentSnapshot;
}

/** Waits for a plan to finish (each wait at most 30 s on the API's side, three times). */
async function finished(api: CordonApi, planId: string): Promise<PlanView> {
  let view = await api.request<PlanView>('GET', `/v1/plans/${planId}?waitSeconds=30`);
  for (let i = 0; i < 2 && view.status === 'RUNNING'; i += 1)
    view = await api.request<PlanView>('GET', `/v1/plans/${planId}?waitSeconds=30`);
  return view;
}

/** What each step would wait for: the gate's own words (a gate step's detail, or an action's approval entry). */
function gateOf(s: IncidentSnapshot, step: string): string | undefined {
  const approval = s.timeline.find((t) => t.kind === 'approval' && t.step === step && t.message.includes('plan: would wait'));
  return approval?.message.replace(`${step}: `, '').replace(/; running$/, '');
}

export function formatPlan(view: PlanView, instanceId: string): string {
  const head = `${instanceId} → ${view.planId} (${view.status.toLowerCase()}; nothing was changed)`;
  const s = view.result;
  if (!s) return head;
  const steps = table(
    ['#', 'STEP', 'WOULD', 'DETAIL'],
    s.steps.map((st, i) => {
      const gate = gateOf(s, st.name);
      return [String(i + 1), st.name, st.status, [gate, st.error ?? st.detail].filter(Boolean).join(' — ')];
    }),
  );
  const calls = table(
    ['STEP', 'CALL', 'ARGUMENTS'],
    (s.plan ?? []).map((c) => [c.step, `${c.service}:${c.operation}`, JSON.stringify(c.input)]),
  );
  return `${head}\n\n${steps}\n\nAWS calls it would make (${(s.plan ?? []).length})\n${calls}`;
}

export async function planRunbook(
  api: CordonApi,
  file: string,
  o: RunbookPlanOptions,
  out: Output,
  err: (t: string) => void,
): Promise<void> {
  const loaded = loadRunbookFile(file);
  if (!loaded.ok) {
    for (const p of loaded.problems) err(formatProblem(p));
    throw new CliExit(ExitCode.usage);
  }
  let alert: unknown;
  try {
    alert = JSON.parse(fs.readFileSync(o.alert, 'utf8'));
  } catch (e) {
    throw new Error(`--alert ${o.alert}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const source = o.source ?? inferSource(alert);
  if (!source) throw new Error(`cannot tell which source sent ${o.alert}; pass --source`);
  const answer = await api.request<PlanAnswer>('POST', '/v1/plans', {
    source,
    alert,
    runbook: fs.readFileSync(file, 'utf8'),
    ...(o.input?.length ? { inputs: parseInputs(o.input) } : {}),
  });
  const views = await Promise.all(answer.plans.map((p) => finished(api, p.planId)));
  if (out.json) return out.write(JSON.stringify({ ...answer, plans: views }, null, 2));
  const r = answer.runbook;
  const installed = answer.installed ? `${answer.installed.name} ${answer.installed.version}` : 'none';
  out.write(
    [
      `plan of ${r.name} ${r.version} (${file}, sha256 ${r.sha256.slice(0, 12)}…) for a ${source} alert`,
      r.matches
        ? `its matches accept this alert; installed, a live incident would pin: ${installed}`
        : `its matches do NOT accept this alert (planned anyway); a live incident would pin: ${installed}`,
      ...answer.plans.map((p, i) => `\n${formatPlan(views[i]!, p.instanceId)}`),
    ].join('\n'),
  );
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerRunbookPlanCommand(runbooks: Command, context: (cmd: Command) => { api: CordonApi; out: Output }): void {
  runbooks
    .command('plan <file>')
    .description('what a runbook file would do for an alert against the live fleet (every call it would make; nothing changes)')
    .requiredOption('--alert <file>', 'the alert payload (any source; inferred from its shape)')
    .option('--source <source>', 'the alert source, when its shape does not say')
    .option('--input <name=value>', "one of the runbook's inputs (repeatable)", collect)
    .action(async (file: string, o: RunbookPlanOptions, cmd: Command) => {
      const { api, out } = context(cmd);
      await planRunbook(api, file, o, out, (t) => process.stderr.write(`${t}\n`));
    });
}
