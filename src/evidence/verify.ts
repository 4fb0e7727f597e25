/**
 * Verification of one incident's evidence, trusting nothing but the stored bytes: recompute
 * every artifact's sha256 and size, every entry hash of the manifest and of the audit trail,
 * and every link (seq order, prevHash). Each problem names its file, line, seq, the check
 * that failed and the expected vs actual value; `firstBroken` is the first in reading order
 * (manifest, then artifacts, then audit). An entry whose own hash fails does not cascade:
 * the next link is checked against the hash it claims, so the report points at the edit.
 */
import { readText, seqOfKey } from './chain-log';
import { digestStream, entryHash, GENESIS_HASH } from './hashing';
import { readManifest, type ArtifactEntry } from './manifest';
import { evidenceKeys, type EvidenceStore, type LogName } from './store';

export type VerifyCheck = 'parse' | 'seq' | 'prevHash' | 'hash' | 'sha256' | 'size' | 'missing' | 'unlisted';

export interface VerifyProblem {
  file: LogName | 'artifact';
  /** Store key of the object at fault. */
  key: string;
  /** 1-based line of the log as read in key order (logs only). */
  line?: number;
  seq?: number;
  entryId?: string;
  artifact?: string;
  check: VerifyCheck;
  expected?: string;
  actual?: string;
  message: string;
}

export interface LogSummary { entries: number; head?: string }

export interface VerifyReport {
  incidentId: string;
  location: string;
  ok: boolean;
  /** False when the store holds nothing for this incident. */
  found: boolean;
  manifest: LogSummary & { artifacts: number; custody: number };
  audit: LogSummary;
  problems: VerifyProblem[];
  firstBroken?: VerifyProblem;
}

interface ParsedLine { key: string; line: number; raw: string; entry?: Record<string, unknown> }

export interface VerifyOptions {
  /**
   * How long an object found in the store but in no manifest entry may stay so before it is
   * reported as unaccounted. A step writes its artifact, then its manifest line a few
   * milliseconds later; verifying a live incident in between must not call that evidence stray.
   */
  settleMs?: number;
}

export const DEFAULT_SETTLE_MS = 2000;

export async function verifyIncident(store: EvidenceStore, incidentId: string, opts: VerifyOptions = {}): Promise<VerifyReport> {
  const deadline = Date.now() + (opts.settleMs ?? DEFAULT_SETTLE_MS);
  let report = await verifyOnce(store, incidentId);
  // Wait (reading only the manifest) until every unlisted object has its line, then check everything again:
  // the late lines' artifacts get their hashes checked too. What is still unlisted at the deadline is reported.
  while (unlistedKeys(report).length > 0 && Date.now() < deadline) {
    await settle(store, incidentId, unlistedKeys(report), deadline);
    report = await verifyOnce(store, incidentId);
  }
  return report;
}

const unlistedKeys = (report: VerifyReport) => report.problems.filter((p) => p.check === 'unlisted').map((p) => p.key);

async function settle(store: EvidenceStore, incidentId: string, keys: string[], deadline: number): Promise<void> {
  for (;;) {
    let listed: Set<string>;
    try {
      listed = new Set((await readManifest(store, incidentId)).flatMap((e) => (e.kind === 'artifact' ? [evidenceKeys.artifact(incidentId, e.name)] : [])));
    } catch {
      return; // a manifest that does not parse will not settle; verifyOnce reports it
    }
    if (keys.every((k) => listed.has(k)) || Date.now() >= deadline) return;
    await new Promise((r) => setTimeout(r, Math.min(100, Math.max(0, deadline - Date.now()))));
  }
}

async function verifyOnce(store: EvidenceStore, incidentId: string): Promise<VerifyReport> {
  const problems: VerifyProblem[] = [];
  const manifest = await verifyLog(store, incidentId, 'manifest', problems);
  const artifacts = manifest.lines.map((l) => l.entry).filter((e): e is ArtifactEntry & Record<string, unknown> => e?.kind === 'artifact');
  await verifyArtifacts(store, incidentId, artifacts, problems);
  const audit = await verifyLog(store, incidentId, 'audit', problems);
  const anything = manifest.lines.length + audit.lines.length + (await store.list(evidenceKeys.artifacts(incidentId))).length;
  return {
    incidentId, location: store.location, ok: problems.length === 0, found: anything > 0,
    manifest: { entries: manifest.lines.length, head: manifest.head, artifacts: artifacts.length, custody: manifest.lines.filter((l) => l.entry?.kind === 'custody').length },
    audit: { entries: audit.lines.length, head: audit.head },
    problems, firstBroken: problems[0],
  };
}

async function verifyLog(store: EvidenceStore, incidentId: string, log: LogName, problems: VerifyProblem[]): Promise<{ lines: ParsedLine[]; head?: string }> {
  const keys = await store.list(evidenceKeys.log(incidentId, log));
  const lines: ParsedLine[] = [];
  let expectedPrev: string | undefined = GENESIS_HASH;
  let head: string | undefined;
  for (const [i, key] of keys.entries()) {
    const line = i + 1;
    const raw = await readText(store, key);
    const at = { file: log, key, line } as const;
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(raw) as Record<string, unknown>;
      if (!entry || typeof entry !== 'object' || Array.isArray(entry)) throw new Error('not a JSON object');
    } catch (err) {
      problems.push({ ...at, check: 'parse', message: `${log} line ${line} (${key}) is not a JSON entry: ${(err as Error).message}` });
      lines.push({ key, line, raw });
      expectedPrev = undefined;
      continue;
    }
    lines.push({ key, line, raw, entry });
    const seq = typeof entry.seq === 'number' ? entry.seq : undefined;
    const id = typeof entry.id === 'string' ? entry.id : undefined;
    const where = { ...at, seq, entryId: id };
    const label = `${log} line ${line} (seq ${seq ?? '?'}${id ? `, ${id}` : ''})`;
    if (seq !== line || seqOfKey(key) !== line) {
      problems.push({ ...where, check: 'seq', expected: String(line), actual: `${seq ?? 'none'} (key ${key})`, message: `${label}: expected seq ${line} here — an entry was deleted, inserted or reordered` });
    }
    const recomputed = entryHash(entry);
    if (entry.hash !== recomputed) {
      problems.push({ ...where, check: 'hash', expected: recomputed, actual: String(entry.hash), message: `${label}: content does not match its hash — the entry was altered` });
    }
    if (expectedPrev !== undefined && entry.prevHash !== expectedPrev) {
      problems.push({ ...where, check: 'prevHash', expected: expectedPrev, actual: String(entry.prevHash), message: `${label}: prevHash does not link to line ${line - 1} — the chain is broken before this entry` });
    }
    expectedPrev = typeof entry.hash === 'string' ? entry.hash : undefined;
    head = expectedPrev;
  }
  return { lines, head };
}

async function verifyArtifacts(store: EvidenceStore, incidentId: string, artifacts: ArtifactEntry[], problems: VerifyProblem[]): Promise<void> {
  const listed = new Set<string>();
  for (const a of artifacts) {
    let key: string;
    try {
      key = evidenceKeys.artifact(incidentId, a.name);
    } catch (err) {
      problems.push({ file: 'manifest', key: '', seq: a.seq, entryId: a.id, artifact: a.name, check: 'parse', message: `manifest seq ${a.seq}: ${(err as Error).message}` });
      continue;
    }
    listed.add(key);
    const at = { file: 'artifact' as const, key, seq: a.seq, entryId: a.id, artifact: a.name };
    if (!(await store.exists(key))) {
      problems.push({ ...at, check: 'missing', expected: a.sha256, message: `artifact ${a.name} (manifest seq ${a.seq}) is missing from the store` });
      continue;
    }
    const actual = await digestStream(await store.get(key));
    if (actual.sha256 !== a.sha256) {
      problems.push({ ...at, check: 'sha256', expected: a.sha256, actual: actual.sha256, message: `artifact ${a.name} (manifest seq ${a.seq}): sha256 differs from the manifest — the bytes were altered` });
    } else if (actual.size !== a.size) {
      problems.push({ ...at, check: 'size', expected: String(a.size), actual: String(actual.size), message: `artifact ${a.name} (manifest seq ${a.seq}): size differs from the manifest` });
    }
  }
  for (const key of await store.list(evidenceKeys.artifacts(incidentId))) {
    if (!listed.has(key)) problems.push({ file: 'artifact', key, check: 'unlisted', message: `${key} is in the store but in no manifest entry — unaccounted evidence` });
  }
}
