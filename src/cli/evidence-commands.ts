/**
 * `cordon evidence verify <incident>` and `cordon evidence export <incident> --out <dir>`: read
 * the evidence store directly (no Temporal, no API), so an auditor can check the record with
 * nothing but store access. Exit codes: 0 intact/exported, 1 broken (the export folder is
 * still written), 2 unusable (bad store or settings), 3 no evidence for the incident. Verify
 * names the first broken link.
 */
import type { Command } from 'commander';
import { createAwsClients } from '../aws/clients';
import { loadConfig } from '../config/schema';
import { exportIncident, LocalWormStore, recordCustody, verifyIncident, type EvidenceStore, type VerifyProblem, type VerifyReport } from '../evidence';
import { openConfiguredEvidenceStore } from '../evidence/from-config';
import { paint } from './format';

export interface EvidenceCommandOptions {
  store: EvidenceStore;
  json?: boolean;
  write?: (text: string) => void;
  /** Who runs the command; when given, verify records a custody 'access' entry. */
  by?: string;
}

export const ExitCode = { ok: 0, broken: 1, unusable: 2, notFound: 3 } as const;

/** Thrown by an action to leave with a specific exit code (runCli returns it). */
export class CliExit extends Error {
  constructor(readonly code: number) { super(`exit ${code}`); }
}

export async function verifyCommand(incidentId: string, opts: EvidenceCommandOptions): Promise<number> {
  const write = opts.write ?? ((t: string) => process.stdout.write(`${t}\n`));
  let report: VerifyReport;
  try {
    report = await verifyIncident(opts.store, incidentId);
    if (report.found && opts.by) await recordCustody(opts.store, incidentId, { action: 'access', by: opts.by, note: `verified: ${report.ok ? 'intact' : 'broken'}`, detail: { manifestHead: report.manifest.head ?? null, auditHead: report.audit.head ?? null } });
  } catch (err) {
    write(opts.json ? JSON.stringify({ error: (err as Error).message }) : `${paint('red', 'error')} ${(err as Error).message}`);
    return ExitCode.unusable;
  }
  if (opts.json) write(JSON.stringify(report, null, 2));
  else write(formatReport(report));
  if (!report.found) return ExitCode.notFound;
  return report.ok ? ExitCode.ok : ExitCode.broken;
}

export function formatReport(r: VerifyReport): string {
  if (!r.found) return `${paint('red', 'not found')} no evidence for ${r.incidentId} in ${r.location}`;
  const counts = `${r.manifest.artifacts} artifacts, ${r.manifest.entries} manifest entries (${r.manifest.custody} custody), ${r.audit.entries} audit entries`;
  if (r.ok) {
    return [
      `${paint('green', 'INTACT')} ${r.incidentId}: ${counts}`,
      `  store          ${r.location}`,
      `  manifest head  ${r.manifest.head ?? '-'}`,
      `  audit head     ${r.audit.head ?? '-'}`,
    ].join('\n');
  }
  const first = r.firstBroken!;
  return [
    `${paint('red', 'BROKEN')} ${r.incidentId}: ${counts}`,
    `  first broken link: ${describe(first)}`,
    ...(first.expected !== undefined ? [`    expected ${first.expected}`] : []),
    ...(first.actual !== undefined ? [`    actual   ${first.actual}`] : []),
    ...(r.problems.length > 1 ? ['', `  all ${r.problems.length} problems:`, ...r.problems.map((p) => `  - ${p.message}`)] : []),
  ].join('\n');
}

function describe(p: VerifyProblem): string {
  const where = p.file === 'artifact' ? `artifact ${p.artifact ?? p.key}` : `${p.file} line ${p.line}${p.seq !== undefined ? ` (seq ${p.seq})` : ''}`;
  return `${where} [${p.check}] ${p.message} — ${p.key}`;
}

export async function exportCommand(incidentId: string, outDir: string, opts: EvidenceCommandOptions & { by: string; note?: string }): Promise<number> {
  const write = opts.write ?? ((t: string) => process.stdout.write(`${t}\n`));
  try {
    const result = await exportIncident(opts.store, incidentId, outDir, { by: opts.by, note: opts.note });
    if (opts.json) {
      write(JSON.stringify({ outDir: result.outDir, archive: result.archive, artifacts: result.artifacts, files: result.files, custodySeq: result.custody.seq, verified: result.report.ok }, null, 2));
    } else {
      write([
        `${paint('green', 'exported')} ${incidentId} → ${result.outDir}`,
        `  ${result.artifacts} artifacts, manifest.jsonl, audit.jsonl, SHA256SUMS, README.md`,
        `  archive ${result.archive.path} (${result.archive.size} bytes, sha256 ${result.archive.sha256})`,
        `  custody entry seq ${result.custody.seq} recorded (export by ${result.custody.by})`,
        result.report.ok ? '  verification at export: intact' : `  ${paint('red', 'verification at export: BROKEN')} — ${result.report.firstBroken?.message}`,
      ].join('\n'));
    }
    return result.report.ok ? ExitCode.ok : ExitCode.broken;
  } catch (err) {
    write(opts.json ? JSON.stringify({ error: (err as Error).message }) : `${paint('red', 'error')} ${(err as Error).message}`);
    return ExitCode.unusable;
  }
}

/** The store named by `--dir`, else the configured one (CORDON_EVIDENCE_*, see README "Evidence"). */
async function storeFor(dir: string | undefined, env: Record<string, string | undefined>): Promise<EvidenceStore> {
  if (dir) return new LocalWormStore(dir);
  const config = loadConfig(env);
  const credentials = config.AWS_ACCESS_KEY_ID && config.AWS_SECRET_ACCESS_KEY ? { accessKeyId: config.AWS_ACCESS_KEY_ID, secretAccessKey: config.AWS_SECRET_ACCESS_KEY } : undefined;
  return openConfiguredEvidenceStore(config, createAwsClients({ region: config.AWS_REGION, endpoint: config.AWS_ENDPOINT_URL, credentials }));
}

export function registerEvidenceCommands(program: Command, env: Record<string, string | undefined>): void {
  const evidence = program.command('evidence').description("verify or export an incident's evidence (reads the evidence store itself; no API needed)")
    .option('--dir <path>', 'a local evidence folder (default: the configured store)');
  const run = async (cmd: Command, fn: (store: EvidenceStore, json: boolean) => Promise<number>) => {
    const g = cmd.optsWithGlobals<{ dir?: string; json?: boolean }>();
    const code = await fn(await storeFor(g.dir, env), g.json ?? false);
    if (code !== ExitCode.ok) throw new CliExit(code);
  };
  evidence.command('verify <incident>').description('recompute every hash and link; names the first broken one (exit 1 when broken)')
    .option('--by <name>', 'record a chain-of-custody access entry under this name')
    .action(async (id: string, o: { by?: string }, cmd: Command) => run(cmd, (store, json) => verifyCommand(id, { store, json, by: o.by })));
  evidence.command('export <incident>').description('write the artifacts, manifest, audit trail, SHA256SUMS and a README for investigators')
    .requiredOption('--out <dir>', 'a new or empty folder')
    .requiredOption('--by <name>', 'who exports (recorded in the chain of custody)')
    .option('--note <text>', 'why, or to whom (recorded in the chain of custody)')
    .action(async (id: string, o: { out: string; by: string; note?: string }, cmd: Command) => run(cmd, (store, json) => exportCommand(id, o.out, { store, json, by: o.by, note: o.note })));
}
