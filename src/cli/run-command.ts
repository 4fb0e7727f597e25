/**
 * `cordon run NAME (--target kind:id | --instance i-…) [--input k=v …] [--severity s] --reason TEXT`
 * starts a runbook by hand through the API (POST /v1/runbooks/:name/runs) as the token's operator.
 * Inputs go as text; the API types them against the runbook's declarations, so one set of rules
 * decides. A malformed `--input`, no target or two targets is a one-line reason and exit 2,
 * before anything is sent.
 */
import type { Command } from 'commander';
import type { CordonApi } from './api-client';
import type { Output } from './incident-commands';
import { parseTarget } from '../runbooks/run-target';

export interface RunOptions {
  target?: string;
  instance?: string;
  input?: string[];
  severity?: string;
  reason: string;
  account?: string;
  region?: string;
}

interface RunAnswer {
  incidentId: string;
  runbook: { name: string; version: string; sha256: string };
  inputs: Record<string, string | number | boolean>;
  severity: string;
  target: { kind: string; id: string; account: string; region: string };
}

/** `k=v` pairs as an object of text values; throws a one-line reason on the first malformed one. */
export function parseInputs(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`--input ${pair}: expected name=value`);
    const name = pair.slice(0, at);
    if (Object.prototype.hasOwnProperty.call(out, name)) throw new Error(`--input ${name} is given twice`);
    out[name] = pair.slice(at + 1);
  }
  return out;
}

function targetOf(o: RunOptions): { kind: string; id: string } {
  if (o.target && o.instance) throw new Error('give one target: --target kind:id or --instance i-…, not both');
  if (o.instance) return { kind: 'ec2-instance', id: o.instance };
  if (!o.target) throw new Error('give the target: --target kind:id (e.g. ec2-instance:i-0123456789abcdef0) or --instance i-…');
  const t = parseTarget(o.target);
  if (!t) throw new Error(`--target ${o.target}: expected kind:id (e.g. ec2-instance:i-0123456789abcdef0)`);
  return t;
}

export async function runRunbook(api: CordonApi, name: string, o: RunOptions, out: Output): Promise<void> {
  const target = { ...targetOf(o), ...(o.account ? { account: o.account } : {}), ...(o.region ? { region: o.region } : {}) };
  const body = { target, inputs: parseInputs(o.input ?? []), reason: o.reason, ...(o.severity ? { severity: o.severity } : {}) };
  const r = await api.request<RunAnswer>('POST', `/v1/runbooks/${encodeURIComponent(name)}/runs`, body);
  if (out.json) return out.write(JSON.stringify(r, null, 2));
  const inputs = Object.entries(r.inputs).map(([k, v]) => `${k}=${String(v)}`);
  out.write(
    [
      `started ${r.incidentId}`,
      `runbook   ${r.runbook.name} ${r.runbook.version}  sha256 ${r.runbook.sha256}`,
      `target    ${r.target.kind} ${r.target.id} (${r.target.account} · ${r.target.region})`,
      `severity  ${r.severity}${inputs.length ? `\ninputs    ${inputs.join(' ')}` : ''}`,
      `follow it: cordon show ${r.incidentId}`,
    ].join('\n'),
  );
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerRunCommand(program: Command, context: (cmd: Command) => { api: CordonApi; out: Output }): void {
  program
    .command('run <runbook>')
    .description('start a runbook by hand on one target, as the token’s operator (gates as for an alert of that severity)')
    .option('--target <kind:id>', 'the target, e.g. ec2-instance:i-0123456789abcdef0')
    .option('--instance <id>', 'shorthand for --target ec2-instance:<id>')
    .option('--input <name=value>', "one of the runbook's inputs (repeatable; typed by the runbook's declarations)", collect)
    .option(
      '--severity <severity>',
      'low, medium, high or critical: whose policy decides the gates the runbook leaves to it (default medium)',
    )
    .option('--account <id>', "the target's account (default: the API's)")
    .option('--region <region>', "the target's region (default: the API's)")
    .requiredOption('--reason <text>', 'why (recorded in the timeline and the audit trail)')
    .action(async (name: string, o: RunOptions, cmd: Command) => {
      const { api, out } = context(cmd);
      await runRunbook(api, name, o, out);
    });
}
