/**
 * Export of one incident for investigators: a folder with every artifact, the manifest and
 * audit trail as JSON lines, SHA256SUMS (`sha256sum -c` compatible) and a README that says
 * how to check it all without Cordon, then the same folder as one `<folder>.tar.gz` archive (with
 * its sha256) to hand over. The export is itself recorded as a chain-of-custody entry before the
 * copy, so the exported manifest contains the record of its own export.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar';
import { digestStream } from './hashing';
import { readText } from './chain-log';
import { recordCustody, type ArtifactEntry, type CustodyEntry } from './manifest';
import { evidenceKeys, type EvidenceStore } from './store';
import { verifyIncident, type VerifyReport } from './verify';

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

export async function exportIncident(store: EvidenceStore, incidentId: string, outDir: string, opts: { by: string; note?: string }): Promise<ExportResult> {
  const target = path.resolve(outDir);
  if (fs.existsSync(target) && (await fsp.readdir(target)).length) throw new Error(`export folder ${target} is not empty; choose a new one`);
  if (fs.existsSync(`${target}.tar.gz`)) throw new Error(`archive ${target}.tar.gz already exists; choose a new export folder`);
  const before = await verifyIncident(store, incidentId);
  if (!before.found) throw new Error(`no evidence for incident ${incidentId} in ${store.location}`);
  const custody = await recordCustody(store, incidentId, {
    action: 'export', by: opts.by, note: opts.note ?? `exported to ${target}`,
    detail: { destination: target, manifestHead: before.manifest.head ?? null, auditHead: before.audit.head ?? null, verified: before.ok },
  });
  const report = await verifyIncident(store, incidentId);

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
      await pipeline(await store.get(evidenceKeys.artifact(incidentId, entry.name)), fs.createWriteStream(path.join(target, rel), { flags: 'wx' }));
      files.push(rel);
      artifacts++;
    } catch {
      // Missing artifacts are reported by verification in the README; the rest still exports.
    }
    sums.push(`${entry.sha256}  ${rel}`);
  }
  await fsp.writeFile(path.join(target, 'SHA256SUMS'), `${sums.join('\n')}\n`, { flag: 'wx' });
  await fsp.writeFile(path.join(target, 'README.md'), readme(incidentId, store.location, report, custody), { flag: 'wx' });
  files.push('SHA256SUMS', 'README.md');
  const archivePath = `${target}.tar.gz`;
  await tar.create({ gzip: true, file: archivePath, cwd: path.dirname(target), portable: true }, [path.basename(target)]);
  const digest = await digestStream(fs.createReadStream(archivePath));
  return { outDir: target, artifacts, files, custody, report, archive: { path: archivePath, ...digest } };
}

function readme(incidentId: string, location: string, report: VerifyReport, custody: CustodyEntry): string {
  const status = report.ok ? 'INTACT: every hash and link checked out' : `BROKEN: ${report.problems.length} problem(s); first: ${report.firstBroken?.message}`;
  return `# Evidence export: ${incidentId}

Exported from \`${location}\` by ${custody.by} at ${custody.at} (manifest seq ${custody.seq}).
Verification by Cordon at export time: **${status}**.
Manifest head hash: \`${report.manifest.head ?? '-'}\` · audit head hash: \`${report.audit.head ?? '-'}\`.
Compare these heads with an independent copy (the incident's Temporal history, a ticket, a
receipt) to rule out a wholesale rewrite.

## Contents
- \`artifacts/\`: the collected evidence (instance metadata, console output, alerts, snapshot
  references). Disk snapshots themselves stay in EC2, named by id in \`artifacts/snapshots-*.json\`.
- \`manifest.jsonl\`: one JSON object per line, in order. \`kind: "artifact"\` lines give each
  artifact's sha256, size, media type, the AWS call it came from (\`source\`), the worker that
  collected it (\`collector\`) and \`collectedAt\`. \`kind: "custody"\` lines record every later
  access, export or transfer (who, when, why).
- \`audit.jsonl\`: the incident's audit trail (alerts, steps, approvals, AWS calls, notifications).
- \`SHA256SUMS\`: artifact digests as listed in the manifest.

## Checking it yourself
1. Artifacts: \`sha256sum -c SHA256SUMS\`.
2. Chains: line *n* has \`seq = n\`; \`prevHash\` equals the previous line's \`hash\` (64 zeros on
   line 1); \`hash\` is the sha256 of the line's JSON without its \`hash\` field, with keys sorted
   and no whitespace. In Python:

\`\`\`python
import hashlib, json
for name in ("manifest.jsonl", "audit.jsonl"):
    prev = "0" * 64
    for n, line in enumerate(open(name, encoding="utf-8"), 1):
        e = json.loads(line); claimed = e.pop("hash")
        canon = json.dumps(e, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        ok = e["seq"] == n and e["prevHash"] == prev and hashlib.sha256(canon.encode()).hexdigest() == claimed
        print(name, n, "ok" if ok else "BROKEN"); prev = claimed
\`\`\`
`;
}
