/**
 * `cordon doctor`: before an incident needs them, checks every account and region the
 * organisation configuration allows (README "Organisation"). For each, it opens the session a
 * worker would (the default credential chain in the Cordon account, sts:AssumeRole into the
 * responder role elsewhere) and dry-runs the responder policy's permissions
 * (src/aws/permission-checks.ts); with an API token it also lists the incidents whose account or
 * region is not configured (they stopped at `describe`). Reads the same environment as the
 * worker (CORDON_ACCOUNTS, AWS_*); nothing is changed anywhere.
 * Prints a summary per account and region, then what is missing; `--all` every check, `--json`
 * the whole report. Exit codes: 0 nothing missing, 1 a permission missing, a role refused or an
 * incident in an unconfigured account or region, 2 bad configuration. No secret is printed.
 */
import type { Command } from 'commander';
import { AssumeRoleRefusedError } from '../aws/account-router';
import { destroyAwsClients } from '../aws/clients';
import { checkPermissions, type PermissionCheck } from '../aws/permission-checks';
import { loadConfig } from '../config/schema';
import { accountRouterFor, awsClientsFor } from '../aws/from-config';
import { CordonApi } from './api-client';

/** What `GET /v1/incidents` says of each incident that the doctor reads. */
interface IncidentListed {
  incidentId: string;
  account?: string;
  region?: string;
}
import { CliExit } from './evidence-commands';
import { paint, table } from './format';

export interface ScopeReport {
  account: string;
  region: string;
  via: string;
  /** The session could be opened (AssumeRole answered, or the default chain in the Cordon account). */
  session: 'ok' | 'refused' | 'error';
  detail?: string;
  checks: PermissionCheck[];
}

export interface DoctorReport {
  homeAccount: string;
  source: string;
  scopes: ScopeReport[];
  /** Incidents Cordon could not act on: their account or region is not configured. */
  unconfigured: { incidentId: string; account: string; region: string; reason: string }[];
  /** Why incidents were not read (no token, API unreachable), when they were not. */
  incidentsNote?: string;
  problems: number;
}

export async function runDoctor(env: Record<string, string | undefined>, api?: CordonApi): Promise<DoctorReport> {
  const config = loadConfig(env);
  const aws = awsClientsFor(config);
  const router = accountRouterFor(config, aws);
  try {
    const homeAccount = await router.homeAccount();
    const scopes: ScopeReport[] = [];
    for (const scope of await router.configured()) {
      const report: ScopeReport = { account: scope.account, region: scope.region, via: scope.via, session: 'ok', checks: [] };
      try {
        const acting = await router.clientsFor(scope, { name: 'doctor', tags: { 'cordon:incident': 'doctor' } });
        report.checks = await checkPermissions(acting.aws);
      } catch (err) {
        report.session = err instanceof AssumeRoleRefusedError ? 'refused' : 'error';
        report.detail = (err as Error).message;
      }
      scopes.push(report);
    }
    const unconfigured: DoctorReport['unconfigured'] = [];
    let incidentsNote: string | undefined = api
      ? undefined
      : 'no API token (--token or CORDON_TOKEN): incidents in unconfigured accounts were not looked for';
    if (api) {
      try {
        const { incidents } = await api.request<{ incidents: IncidentListed[] }>('GET', '/v1/incidents');
        for (const i of incidents) {
          if (!i.account || !i.region) continue;
          const reason = await router.refusal({ account: i.account, region: i.region });
          if (reason) unconfigured.push({ incidentId: i.incidentId, account: i.account, region: i.region, reason });
        }
      } catch (err) {
        incidentsNote = `incidents not read: ${(err as Error).message}`;
      }
    }
    const problems =
      scopes.filter((s) => s.session !== 'ok').length +
      scopes.flatMap((s) => s.checks).filter((c) => c.result === 'missing').length +
      unconfigured.length;
    return { homeAccount, source: router.organisation.source, scopes, unconfigured, incidentsNote, problems };
  } finally {
    router.close();
    destroyAwsClients(aws);
  }
}

const shade = (result: string) =>
  paint(result === 'ok' ? 'green' : result === 'missing' || result === 'refused' || result === 'error' ? 'red' : 'yellow', result);

export function formatDoctor(r: DoctorReport, all: boolean): string {
  const count = (s: ScopeReport, result: PermissionCheck['result']) =>
    new Set(s.checks.filter((c) => c.result === result).map((c) => c.action)).size;
  const out = [
    `Cordon account ${r.homeAccount}; organisation from ${r.source === 'default' ? 'defaults (no CORDON_ACCOUNTS): the Cordon account in AWS_REGION only' : r.source}`,
    '',
    table(
      ['ACCOUNT', 'REGION', 'SESSION', 'ALLOWED', 'MISSING', 'NOT CHECKED', 'VIA'],
      r.scopes.map((s) => [
        s.account,
        s.region,
        shade(s.session),
        String(count(s, 'ok')),
        count(s, 'missing') ? paint('red', String(count(s, 'missing'))) : '0',
        String(count(s, 'not checkable') + count(s, 'inconclusive') + count(s, 'unsupported')),
        s.via,
      ]),
    ),
  ];
  for (const s of r.scopes.filter((x) => x.session !== 'ok')) out.push('', `${paint('red', `${s.account} ${s.region}`)}: ${s.detail}`);
  const rows = r.scopes.flatMap((s) =>
    s.checks
      .filter((c) => all || c.result === 'missing')
      .map((c) => [s.account, s.region, c.statement, c.action, shade(c.result), c.detail]),
  );
  if (rows.length)
    out.push(
      '',
      paint('bold', all ? 'Every check' : 'Missing'),
      table(['ACCOUNT', 'REGION', 'STEP', 'PERMISSION', 'RESULT', 'DETAIL'], rows),
    );
  if (r.unconfigured.length) {
    out.push(
      '',
      paint('bold', 'Incidents in accounts or regions not configured (stopped at describe)'),
      table(
        ['INCIDENT', 'ACCOUNT', 'REGION', 'WHAT TO DO'],
        r.unconfigured.map((u) => [u.incidentId, u.account, u.region, u.reason]),
      ),
    );
  }
  if (r.incidentsNote) out.push('', paint('yellow', r.incidentsNote));
  out.push('', r.problems ? paint('red', `${r.problems} problem(s): see above`) : paint('green', 'nothing missing'));
  return out.join('\n');
}

export function registerDoctorCommand(program: Command, env: Record<string, string | undefined>): void {
  program
    .command('doctor')
    .description(
      'for every configured account and region: assume the role and dry-run the permissions Cordon needs; list incidents in unconfigured accounts',
    )
    .option('--all', 'print every check, not only what is missing')
    .action(async (o: { all?: boolean }, cmd: Command) => {
      const g = cmd.optsWithGlobals<{ json?: boolean; api?: string; token?: string }>();
      const token = g.token ?? env.CORDON_TOKEN;
      const api = token ? new CordonApi((g.api ?? env.CORDON_API_URL ?? 'http://127.0.0.1:8787').replace(/\/$/, ''), token) : undefined;
      const report = await runDoctor(env, api);
      process.stdout.write(`${g.json ? JSON.stringify(report, null, 2) : formatDoctor(report, o.all ?? false)}\n`);
      if (report.problems) throw new CliExit(1);
    });
}
