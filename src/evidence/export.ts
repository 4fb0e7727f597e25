/**
 * Export of one incident for investigators: a folder with every artifact (read by its content
 * address and S3 version), the manifest and audit trail as JSON lines, SHA256SUMS (`sha256sum -c`
 * compatible), `anchors.json` (the chain heads the incident's Temporal history holds), two
 * verification scripts that need no Cordon and no credentials (offline-verifiers.ts) and a README,
 * then the same folder as one `<folder>.tar.gz` archive (with its sha256) to hand over. The export
 * is itself recorded as a chain-of-custody entry before the copy, so the exported manifest
 * contains the record of its own export (the caller anchors that entry's head, then the
 * manifest's last line is vouched for too).
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar';
import { EvidenceNotFoundError } from './errors';
import { digestStream } from './hashing';
import { readText } from './chain-log';
import { artifactKey, recordCustody, type ArtifactEntry, type CustodyEntry } from './manifest';
import { VERIFY_MJS, VERIFY_SH } from './offline-verifiers';
import { evidenceKeys, type EvidenceStore } from './store';
import { verifyIncident, type EvidenceAnchors, type VerifyReport } from './verify';

export interface ExportResult {
  outDir: string;
  artifacts: number;
  files: string[];
  custody: CustodyEntry;
  /** Verification at export time (the export proceeds when broken, and says so in the README). */
  report: VerifyReport;
  /** The folder as one gzipped tar file beside it, and that file's sha256 (give both to the recipient). */
  archive: { path: string; sha256: string; size: number };
}

export interface ExportOptions {
  by: string;
  note?: string;
  /** The heads anchored in the incident's history; written to anchors.json and checked by verify. */
  anchors?: EvidenceAnchors;
  anchorsUnavailable?: string;
}

export async function exportIncident(store: EvidenceStore, incidentId: string, outDir: string, opts: ExportOptions): Promise<ExportResult> {
  const target = path.resolve(outDir);
  if (fs.existsSync(target) && (await fsp.readdir(target)).length)
    throw new Error(`export folder ${target} is not empty; choose a new one`);
  if (fs.existsSync(`${target}.tar.gz`)) throw new Error(`archive ${target}.tar.gz already exists; choose a new export folder`);
  const verifyOpts = { anchors: opts.anchors, anchorsUnavailable: opts.anchorsUnavailable };
  const before = await verifyIncident(store, incidentId, verifyOpts);
  if (!before.found) throw new EvidenceNotFoundError(evidenceKeys.incident(incidentId), store.location);
  const custody = await recordCustody(store, incidentId, {
    action: 'export',
    by: opts.by,
    note: opts.note ?? `exported to ${target}`,
    detail: { destination: target, manifestHead: before.manifest.head ?? null, auditHead: before.audit.head ?? null, verified: before.ok },
  });
  const report = await verifyIncident(store, incidentId, verifyOpts);

  await fsp.mkdir(path.join(target, 'artifacts'), { recursive: true });
  const files: string[] = [];
  const sums: string[] = [];
  let artifacts = 0;
  for (const log of ['manifest', 'audit'] as const) {
    const out = fs.createWriteStream(path.join(target, `${log}.jsonl`), { flags: 'wx' });
    for (const key of await store.list(evidenceKeys.log(incidentId, log))) {
      const line = await readText(store, key);
      out.write(line.endsWith('\n') ? line : `${line}\n`);
    }
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    files.push(`${log}.jsonl`);
  }
  const manifestLines = (await fsp.readFile(path.join(target, 'manifest.jsonl'), 'utf8')).split('\n').filter(Boolean);
  for (const entry of manifestLines.map((l) => JSON.parse(l) as ArtifactEntry).filter((e) => e.kind === 'artifact')) {
    const rel = `artifacts/${entry.name}`;
    await fsp.mkdir(path.dirname(path.join(target, rel)), { recursive: true });
    try {
      await pipeline(
        await store.get(artifactKey(incidentId, entry), entry.versionId ? { versionId: entry.versionId } : undefined),
        fs.createWriteStream(path.join(target, rel), { flags: 'wx' }),
      );
      files.push(rel);
      artifacts++;
    } catch {
      // Missing artifacts are reported by verification in the README; the rest still exports.
    }
    sums.push(`${entry.sha256}  ${rel}`);
  }
  await fsp.writeFile(path.join(target, 'SHA256SUMS'), `${sums.join('\n')}\n`, { flag: 'wx' });
  const anchors = opts.anchors
    ? {
        available: true,
        incidentId,
        source: `Temporal history of workflow ${incidentId} (evidenceHeadsQuery)`,
        manifest: opts.anchors.manifest ?? [],
        audit: opts.anchors.audit ?? [],
      }
    : { available: false, incidentId, reason: opts.anchorsUnavailable ?? 'no anchors were given to the export' };
  await fsp.writeFile(path.join(target, 'anchors.json'), `${JSON.stringify(anchors, null, 2)}\n`, { flag: 'wx' });
  await fsp.writeFile(path.join(target, 'verify.sh'), VERIFY_SH, { flag: 'wx', mode: 0o755 });
  await fsp.writeFile(path.join(target, 'verify.mjs'), VERIFY_MJS, { flag: 'wx' });
  await fsp.writeFile(path.join(target, 'README.md'), readme(incidentId, store.location, report, custody), { flag: 'wx' });
  files.push('SHA256SUMS', 'anchors.json', 'verify.sh', 'verify.mjs', 'README.md');
  const archivePath = `${target}.tar.gz`;
  await tar.create({ gzip: true, file: archivePath, cwd: path.dirname(target), portable: true }, [path.basename(target)]);
  const digest = await digestStream(fs.createReadStream(archivePath));
  return { outDir: target, artifacts, files, custody, report, archive: { path: archivePath, ...digest } };
}

function readme(incidentId: string, location: string, report: VerifyReport, custody: CustodyEntry): string {
  const status = report.ok
    ? 'INTACT: every hash, link and anchor checked out'
    : `BROKEN: ${report.problems.length} problem(s); first: ${report.firstBroken?.message}`;
  const anchors = report.anchors.checked
    ? "against the heads anchored in the incident's Temporal history"
    : `without anchors (${report.anchors.reason})`;
  return `# Evidence export: ${incidentId}

Exported from \`${location}\` by ${custody.by} at ${custody.at} (manifest seq ${custody.seq}).
Verification by Cordon at export time, ${anchors}: **${status}**.
Manifest head hash: \`${report.manifest.head ?? '-'}\` · audit head hash: \`${report.audit.head ?? '-'}\`.

## Checking it yourself (no Cordon, no credentials)
- \`./verify.sh\` needs bash, \`sha256sum\` and \`jq\`; \`node verify.mjs\` needs Node ≥ 18 and nothing else.
  Both recompute every artifact's sha256 and size from the manifest, every chain link and entry
  hash, and compare each chain with \`anchors.json\`; exit 0 intact, 1 broken.
- \`anchors.json\` lists the chain heads the incident's Temporal history holds (each activity and
  API write returned its head to the workflow). A chain that lacks an anchored seq was cut; a
  different hash there was rewritten. For the strongest check, read the anchors from the history
  yourself (\`temporal workflow query --workflow-id ${incidentId} --type evidenceHeads\`, or the
  history's activity results) rather than from this folder.

## Contents
- \`artifacts/\`: the collected evidence (instance metadata, console output, alerts, memory
  images, snapshot references) by name. In the store the bytes live under their sha256; the names
  exist only in the manifest. Disk snapshots themselves stay in EC2, named in \`artifacts/snapshots-*.json\`.
- \`manifest.jsonl\`: one JSON object per line, in order. \`kind: "artifact"\` lines give each
  artifact's sha256, size, media type, store key (and S3 version), the AWS call it came from
  (\`source\`), the worker that collected it (\`collector\`) and \`collectedAt\`. \`kind: "custody"\`
  lines record every later access, export or transfer (who, when, why).
- \`audit.jsonl\`: the incident's audit trail (alerts, steps, approvals, AWS calls, notifications).
- \`SHA256SUMS\`: artifact digests as listed in the manifest (\`sha256sum -c SHA256SUMS\`).

## The chain rule
Line *n* has \`seq = n\`; \`prevHash\` equals the previous line's \`hash\` (64 zeros on line 1);
\`hash\` is the sha256 of the line's JSON without its \`hash\` field, with keys sorted and no whitespace.
`;
}
