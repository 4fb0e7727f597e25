/**
 * `cordon evidence verify <incident>` and `cordon evidence export <incident> <dir>`: read the
 * evidence store directly (no Temporal, no API), so an auditor can check the record with
 * nothing but store access. Both return the process exit code: 0 intact/exported, 1 broken
 * (the export folder is still written), 2 not found or unusable. Verify names the first broken link.
 */
import { exportIncident, recordCustody, verifyIncident, type EvidenceStore, type VerifyProblem, type VerifyReport } from '../evidence';
import { paint } from './format';

export interface EvidenceCommandOptions {
  store: EvidenceStore;
  json?: boolean;
  write?: (text: string) => void;
  /** Who runs the command; when given, verify records a custody 'access' entry. */
  by?: string;
}

export const ExitCode = { ok: 0, broken: 1, unusable: 2 } as const;

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
  if (!report.found) return ExitCode.unusable;
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
      write(JSON.stringify({ outDir: result.outDir, artifacts: result.artifacts, files: result.files, custodySeq: result.custody.seq, verified: result.report.ok }, null, 2));
    } else {
      write([
        `${paint('green', 'exported')} ${incidentId} → ${result.outDir}`,
        `  ${result.artifacts} artifacts, manifest.jsonl, audit.jsonl, SHA256SUMS, README.md`,
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
