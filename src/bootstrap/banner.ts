/**
 * The banner `npm start` prints once everything is up: where things are and how to try it.
 * Invariant: the admin token appears only when this run generated it; a configured
 * CORDON_ADMIN_TOKEN is named, never printed (terminal scrollback and CI logs keep what is printed),
 * and the example commands read it from the environment.
 */
import type { DemoFleet } from '../local/demo-fleet';

export interface BannerInfo {
  apiUrl: string;
  temporalAddress: string;
  temporalUi?: string;
  adminToken: string;
  generatedToken: boolean;
  fleet?: DemoFleet;
  endpoint?: string;
  simulated: boolean;
  /** Names of the configured notice targets (webhook, slack, email); none: notices are only recorded. */
  notifiers: string[];
  /** Where incidents are kept; default: the dev server's SQLite file. */
  persistence?: string;
  /** `name pid` of each process the start runs (the cluster's, so one can be killed alone). */
  processes?: string[];
  /** The folder holding each process's log file. */
  logs?: string;
  /** The runbooks the API loaded (`name version`), the files it refused and the warnings of those loaded (`file:line:col message`). */
  runbooks?: { loaded: string[]; refused: string[]; warnings?: string[] };
}

export function bannerLines(info: BannerInfo): string[] {
  const demoInstance = info.fleet?.instanceIds[0] ?? 'i-0123456789abcdef0';
  const token = info.generatedToken ? info.adminToken : '$CORDON_ADMIN_TOKEN';
  // Double quotes where the shell must expand the variable.
  const auth = info.generatedToken ? `'Authorization: Bearer ${token}'` : `"Authorization: Bearer ${token}"`;
  return [
    '',
    '  Cordon is running',
    '',
    `  API            ${info.apiUrl}`,
    `  Console        ${info.apiUrl}/console`,
    `  Temporal       ${info.temporalAddress}${info.temporalUi ? `   UI ${info.temporalUi}` : ''}`,
    `  AWS            ${info.simulated ? `simulated (moto at ${info.endpoint}), demo fleet: group "web" = ${info.fleet?.instanceIds.join(', ')}` : (info.endpoint ?? 'default credential chain')}`,
    `  Notices        ${info.notifiers.length ? info.notifiers.join(', ') : "recorded in each incident's timeline only (set CORDON_NOTIFY_* to page people)"}`,
    `  Admin token    ${info.generatedToken ? `${info.adminToken}   (generated for this run; set CORDON_ADMIN_TOKEN to keep one)` : '(from CORDON_ADMIN_TOKEN)'}`,
    ...(info.runbooks ? [`  Runbooks       ${info.runbooks.loaded.join(', ') || 'none'}`] : []),
    ...(info.runbooks?.refused ?? []).map((line) => `  Refused        ${line}`),
    ...(info.runbooks?.warnings ?? []).map((line) => `  Warning        ${line}`),
    ...(info.persistence ? [`  Incidents      ${info.persistence}`] : []),
    ...(info.processes ? [`  Processes      ${info.processes.join(', ')}`] : []),
    ...(info.logs ? [`  Logs           ${info.logs}/*.log`] : []),
    '',
    '  Trigger a demo alert:',
    `    curl -s -X POST ${info.apiUrl}/v1/alerts/generic \\`,
    `      -H ${auth} -H 'Content-Type: application/json' \\`,
    `      -d '{"instanceId":"${demoInstance}","severity":"high","title":"Demo: SSH brute force, then outbound C2"}'`,
    '',
    '  Then watch it:',
    `    curl -s -H ${auth} ${info.apiUrl}/v1/incidents`,
    '',
    `  Ctrl-C stops everything; incidents stay in ${info.persistence ? 'PostgreSQL' : 'the SQLite file'} for the next start.`,
    '',
  ];
}

export function printBanner(info: BannerInfo): void {
  process.stdout.write(`${bannerLines(info).join('\n')}\n`);
}
