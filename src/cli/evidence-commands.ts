/**
 * `cordon evidence verify <incident>` and `cordon evidence export <incident> --out <dir>`: API
 * clients like every other command, so custody records the token's authenticated operator (not a
 * typed name) and nobody needs a credential for the evidence store. Verify prints the API's
 * report (anchors included) and names the first broken link; export downloads the archive,
 * checks its sha256 against the API's header, and unpacks it into a new folder, whose
 * `verify.sh` / `verify.mjs` then check it offline with no credentials at all.
 * Exit codes (the failure catalogue's, src/domain/errors.ts): 0 intact/exported, 1 broken (the
 * export is still written), 2 unusable (bad settings or request), 3 no evidence for the incident;
 * the API's other refusals map by the catalogue (4 refused by role, 5 token not accepted, 6 API
 * unreachable).
 */
import type { Command } from 'commander';
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar';
import type { VerifyProblem, VerifyReport } from '../evidence/verify';
import { ExitCode as Exit } from '../domain/errors';
import { ApiError, CordonApi, exitCodeFor } from './api-client';
import { cliSettings } from './cli-config';
import { paint } from './format';

/** The catalogue's codes under this command's names: a broken chain is `failed` (as the offline verify scripts exit 1). */
export const ExitCode = { ok: Exit.ok, broken: Exit.failed, unusable: Exit.usage, notFound: Exit.notFound } as const;

/** Thrown by an action to leave with a specific exit code (runCli returns it). */
export class CliExit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

interface Out {
  json?: boolean;
  write?: (text: string) => void;
}
const writer = (o: Out) => o.write ?? ((t: string) => process.stdout.write(`${t}\n`));

function failure(err: unknown, o: Out): number {
  const message = (err as Error).message;
  writer(o)(o.json ? JSON.stringify({ error: message }) : `${paint('red', 'error')} ${message}`);
  return err instanceof ApiError ? exitCodeFor(err) : ExitCode.unusable;
}

export async function verifyCommand(api: CordonApi, incidentId: string, o: Out & { note?: string }): Promise<number> {
  let report: VerifyReport & { custodySeq?: number };
  try {
    report = await api.request('POST', `/v1/incidents/${encodeURIComponent(incidentId)}/evidence/verify`, o.note ? { note: o.note } : {});
  } catch (err) {
    return failure(err, o);
  }
  writer(o)(o.json ? JSON.stringify(report, null, 2) : formatReport(report));
  return report.ok ? ExitCode.ok : ExitCode.broken;
}

export function formatReport(r: VerifyReport): string {
  if (!r.found) return `${paint('red', 'not found')} no evidence for ${r.incidentId} in ${r.location}`;
  const counts = `${r.manifest.artifacts} artifacts, ${r.manifest.entries} manifest entries (${r.manifest.custody} custody), ${r.audit.entries} audit entries`;
  const anchors = r.anchors.checked
    ? `checked against the incident's history (manifest ${r.anchors.manifest ? `${r.anchors.manifest.anchors} anchors, latest seq ${r.anchors.manifest.latest.seq}` : 'none'}; audit ${r.anchors.audit ? `${r.anchors.audit.anchors} anchors, latest seq ${r.anchors.audit.latest.seq}` : 'none'})`
    : `NOT checked: ${r.anchors.reason}`;
  if (r.ok) {
    return [
      `${paint('green', 'INTACT')} ${r.incidentId}: ${counts}`,
      `  store          ${r.location}`,
      `  manifest head  ${r.manifest.head ?? '-'}`,
      `  audit head     ${r.audit.head ?? '-'}`,
      `  anchors        ${anchors}`,
    ].join('\n');
  }
  const first = r.firstBroken!;
  return [
    `${paint('red', 'BROKEN')} ${r.incidentId}: ${counts}`,
    `  first broken link: ${describe(first)}`,
    ...(first.expected !== undefined ? [`    expected ${first.expected}`] : []),
    ...(first.actual !== undefined ? [`    actual   ${first.actual}`] : []),
    `  anchors ${anchors}`,
    ...(r.problems.length > 1 ? ['', `  all ${r.problems.length} problems:`, ...r.problems.map((p) => `  - ${p.message}`)] : []),
  ].join('\n');
}

function describe(p: VerifyProblem): string {
  const where =
    p.file === 'artifact'
      ? `artifact ${p.artifact ?? p.key}`
      : `${p.file}${p.line !== undefined ? ` line ${p.line}` : ''}${p.seq !== undefined ? ` (seq ${p.seq})` : ''}`;
  return `${where} [${p.check}] ${p.message}${p.key ? ` — ${p.key}` : ''}`;
}

export async function exportCommand(
  settings: { apiUrl: string; token: string },
  incidentId: string,
  outDir: string,
  o: Out & { note?: string },
): Promise<number> {
  const target = path.resolve(outDir);
  const archive = `${target}.tar.gz`;
  try {
    if (fs.existsSync(target) && (await fsp.readdir(target)).length)
      throw new Error(`export folder ${target} is not empty; choose a new one`);
    if (fs.existsSync(archive)) throw new Error(`archive ${archive} already exists; choose a new export folder`);
    let res: Response;
    try {
      res = await fetch(`${settings.apiUrl}/v1/incidents/${encodeURIComponent(incidentId)}/evidence/export`, {
        method: 'POST',
        headers: { authorization: `Bearer ${settings.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(o.note ? { note: o.note } : {}),
      });
    } catch (err) {
      throw new ApiError(0, `cannot reach Cordon at ${settings.apiUrl} (${(err as Error).message})`);
    }
    if (!res.ok || !res.body) {
      const text = await res.text();
      let message = `HTTP ${res.status}`;
      let code: string | undefined;
      try {
        const error = (JSON.parse(text) as { error?: { code?: string; message?: string } }).error;
        code = error?.code;
        message += `: ${error?.message ?? res.statusText}`;
      } catch {
        message += `: ${text.slice(0, 80)}`;
      }
      throw new ApiError(res.status, message, code);
    }
    const hash = crypto.createHash('sha256');
    let size = 0;
    await pipeline(
      Readable.fromWeb(res.body as never),
      async function* (source) {
        for await (const chunk of source) {
          hash.update(chunk as Buffer);
          size += (chunk as Buffer).length;
          yield chunk;
        }
      },
      fs.createWriteStream(archive, { flags: 'wx' }),
    );
    const sha256 = hash.digest('hex');
    const announced = res.headers.get('x-cordon-archive-sha256');
    if (announced !== sha256)
      throw new Error(`archive ${archive}: sha256 ${sha256} but the API announced ${announced}; the download is not the export`);
    await fsp.mkdir(target, { recursive: true });
    await tar.extract({ file: archive, cwd: target, strip: 1 });
    const verified = res.headers.get('x-cordon-verified');
    const custodySeq = res.headers.get('x-cordon-custody-seq');
    if (o.json) {
      writer(o)(
        JSON.stringify(
          { outDir: target, archive: { path: archive, sha256, size }, custodySeq: Number(custodySeq), verified: verified === 'intact' },
          null,
          2,
        ),
      );
    } else {
      writer(o)(
        [
          `${paint('green', 'exported')} ${incidentId} → ${target}`,
          `  artifacts/, manifest.jsonl, audit.jsonl, anchors.json, SHA256SUMS, verify.sh, verify.mjs, README.md`,
          `  archive ${archive} (${size} bytes, sha256 ${sha256})`,
          `  custody entry seq ${custodySeq} recorded by the API for this token's operator`,
          verified === 'intact'
            ? '  verification at export: intact'
            : `  ${paint('red', 'verification at export: BROKEN')} — see README.md`,
          `  check it offline: (cd ${target} && ./verify.sh) or node ${path.join(target, 'verify.mjs')}`,
        ].join('\n'),
      );
    }
    return verified === 'intact' ? ExitCode.ok : ExitCode.broken;
  } catch (err) {
    return failure(err, o);
  }
}

export function registerEvidenceCommands(program: Command, env: Record<string, string | undefined>): void {
  const evidence = program
    .command('evidence')
    .description("verify or export an incident's evidence through the API (custody records the token's operator)");
  const settingsOf = (cmd: Command) => {
    const g = cmd.optsWithGlobals<{ api?: string; token?: string; json?: boolean }>();
    return { settings: cliSettings(env, g), json: g.json ?? false };
  };
  const finish = (code: number) => {
    if (code !== ExitCode.ok) throw new CliExit(code);
  };
  evidence
    .command('verify <incident>')
    .description(
      'recompute every hash and link, compare the chains with the anchored heads; names the first broken one (exit 1 when broken)',
    )
    .option('--note <text>', 'why (recorded in the chain of custody)')
    .action(async (id: string, o: { note?: string }, cmd: Command) => {
      const { settings, json } = settingsOf(cmd);
      finish(await verifyCommand(new CordonApi(settings.apiUrl, settings.token), id, { json, note: o.note }));
    });
  evidence
    .command('export <incident>')
    .description('download the export (artifacts, manifest, audit trail, anchors, SHA256SUMS, offline verify scripts) and unpack it')
    .requiredOption('--out <dir>', 'a new or empty folder (the archive is saved beside it as <dir>.tar.gz)')
    .option('--note <text>', 'why, or to whom (recorded in the chain of custody)')
    .action(async (id: string, o: { out: string; note?: string }, cmd: Command) => {
      const { settings, json } = settingsOf(cmd);
      finish(await exportCommand(settings, id, o.out, { json, note: o.note }));
    });
}
