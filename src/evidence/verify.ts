/**
 * Verification of one incident's evidence: recompute every artifact's sha256 and size (read
 * by the recorded S3 version), every entry hash of the manifest and of the audit trail, and
 * every link (seq order, prevHash); then compare each chain with the heads anchored in the
 * incident's Temporal history (`anchors`), which the store's write credential cannot rewrite:
 * a chain shorter than its anchor was cut (`truncated`), a different hash at the anchored seq
 * means it was rewritten (`anchor`). Without anchors only internal consistency is checked, and
 * the report says so (`anchors.checked: false`). Anything under the incident's prefix that no
 * manifest entry names is `unlisted`; an S3 version on top of a recorded one, or a delete
 * marker, is `version`. Each problem names its file, line, seq, the check that failed and the
 * expected vs actual value; `firstBroken` is the first in reading order (manifest, artifacts,
 * audit, anchors). An entry whose own hash fails does not cascade: the next link is checked
 * against the hash it claims, so the report points at the edit.
 */
import { readText, seqOfKey } from './chain-log';
import { digestStream, entryHash, GENESIS_HASH } from './hashing';
import { artifactKey, readManifest, type ArtifactEntry } from './manifest';
import { evidenceKeys, type EvidenceStore, type LogName, type ObjectVersion } from './store';

export type VerifyCheck =
  | 'parse'
  | 'seq'
  | 'prevHash'
  | 'hash'
  | 'sha256'
  | 'size'
  | 'missing'
  | 'unlisted'
  | 'version'
  | 'truncated'
  | 'anchor';

/** A chain head recorded outside the store (the incident's Temporal history). */
export interface ChainAnchor {
  seq: number;
  hash: string;
  at?: string;
  via?: string;
}
/** Every anchored head per chain (any order). */
export interface EvidenceAnchors {
  manifest?: ChainAnchor[];
  audit?: ChainAnchor[];
}

export interface AnchorCheck {
  anchors: number;
  /** The highest anchored seq and its hash. */
  latest: ChainAnchor;
  /** Every anchor found with its hash. */
  matched: boolean;
  /** Entries after the latest anchor: internally consistent, but nothing outside the store vouches for them yet. */
  unanchoredAfter: number;
}

export interface AnchorSummary {
  /** False when no anchors were given: only internal consistency was checked. */
  checked: boolean;
  /** Why not, when not. */
  reason?: string;
  manifest?: AnchorCheck;
  audit?: AnchorCheck;
}

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

export interface LogSummary {
  entries: number;
  head?: string;
}

export interface VerifyReport {
  incidentId: string;
  location: string;
  ok: boolean;
  /** False when the store holds nothing for this incident. */
  found: boolean;
  manifest: LogSummary & { artifacts: number; custody: number };
  audit: LogSummary;
  anchors: AnchorSummary;
  problems: VerifyProblem[];
  firstBroken?: VerifyProblem;
}

interface ParsedLine {
  key: string;
  line: number;
  raw: string;
  entry?: Record<string, unknown>;
}

export interface VerifyOptions {
  /**
   * How long an object found in the store but in no manifest entry may stay so before it is
   * reported as unaccounted. A step writes its artifact, then its manifest line a few
   * milliseconds later; verifying a live incident in between must not call that evidence stray.
   */
  settleMs?: number;
  /** The heads anchored in the incident's history; undefined: not available (say why in `anchorsUnavailable`). */
  anchors?: EvidenceAnchors;
  anchorsUnavailable?: string;
}

export const DEFAULT_SETTLE_MS = 2000;

export async function verifyIncident(store: EvidenceStore, incidentId: string, opts: VerifyOptions = {}): Promise<VerifyReport> {
  const deadline = Date.now() + (opts.settleMs ?? DEFAULT_SETTLE_MS);
  let report = await verifyOnce(store, incidentId, opts);
  // Wait (reading only the manifest) until every unlisted object has its line, then check everything again:
  // the late lines' artifacts get their hashes checked too. What is still unlisted at the deadline is reported.
  while (unlistedKeys(report).length > 0 && Date.now() < deadline) {
    await settle(store, incidentId, unlistedKeys(report), deadline);
    report = await verifyOnce(store, incidentId, opts);
  }
  return report;
}

const unlistedKeys = (report: VerifyReport) => report.problems.filter((p) => p.check === 'unlisted').map((p) => p.key);

async function settle(store: EvidenceStore, incidentId: string, keys: string[], deadline: number): Promise<void> {
  for (;;) {
    let listed: Set<string>;
    try {
      listed = new Set((await readManifest(store, incidentId)).flatMap((e) => (e.kind === 'artifact' ? [artifactKey(incidentId, e)] : [])));
    } catch {
      return; // a manifest that does not parse will not settle; verifyOnce reports it
    }
    if (keys.every((k) => listed.has(k)) || Date.now() >= deadline) return;
    await new Promise((r) => setTimeout(r, Math.min(100, Math.max(0, deadline - Date.now()))));
  }
}

async function verifyOnce(store: EvidenceStore, incidentId: string, opts: VerifyOptions): Promise<VerifyReport> {
  const problems: VerifyProblem[] = [];
  const versions = store.versions ? await store.versions(evidenceKeys.incident(incidentId)) : undefined;
  const manifest = await verifyLog(store, incidentId, 'manifest', problems);
  const artifacts = manifest.lines.map((l) => l.entry).filter((e): e is ArtifactEntry & Record<string, unknown> => e?.kind === 'artifact');
  const everything = await store.list(evidenceKeys.incident(incidentId));
  await verifyArtifacts(store, incidentId, artifacts, everything, versions, problems);
  const audit = await verifyLog(store, incidentId, 'audit', problems);
  if (versions) verifyLogVersions(incidentId, versions, problems);
  const anchors = checkAnchors({ manifest, audit }, opts, problems);
  return {
    incidentId,
    location: store.location,
    ok: problems.length === 0,
    found: everything.length > 0,
    manifest: {
      entries: manifest.lines.length,
      head: manifest.head,
      artifacts: artifacts.length,
      custody: manifest.lines.filter((l) => l.entry?.kind === 'custody').length,
    },
    audit: { entries: audit.lines.length, head: audit.head },
    anchors,
    problems,
    firstBroken: problems[0],
  };
}

/** Compares each chain with its anchored head: the entry at the anchored seq must exist and carry the anchored hash. */
function checkAnchors(logs: Record<LogName, { lines: ParsedLine[] }>, opts: VerifyOptions, problems: VerifyProblem[]): AnchorSummary {
  if (!opts.anchors)
    return {
      checked: false,
      reason: opts.anchorsUnavailable ?? "no anchored heads given: only the chains' internal consistency was checked",
    };
  const summary: AnchorSummary = { checked: true };
  for (const log of ['manifest', 'audit'] as const) {
    const anchors = [...(opts.anchors[log] ?? [])].sort((a, b) => a.seq - b.seq);
    if (!anchors.length) continue;
    const { lines } = logs[log];
    const last = lines.length;
    let matched = true;
    // Reported once per chain: the lowest anchor that fails names where the cut or the rewrite begins.
    for (const anchor of anchors) {
      const at = lines.find((l) => l.entry?.seq === anchor.seq);
      if (!at) {
        matched = false;
        problems.push({
          file: log,
          key: '',
          seq: anchor.seq,
          check: 'truncated',
          expected: `seq ${anchor.seq} with hash ${anchor.hash}`,
          actual: `${last} entr${last === 1 ? 'y' : 'ies'}`,
          message: `${log} ends at seq ${last} but the incident's history anchored seq ${anchor.seq} (hash ${anchor.hash.slice(0, 12)}…) — the chain was cut after seq ${last}`,
        });
        break;
      }
      if (at.entry!.hash !== anchor.hash) {
        matched = false;
        problems.push({
          file: log,
          key: at.key,
          line: at.line,
          seq: anchor.seq,
          entryId: typeof at.entry!.id === 'string' ? at.entry!.id : undefined,
          check: 'anchor',
          expected: anchor.hash,
          actual: String(at.entry!.hash),
          message: `${log} seq ${anchor.seq} has hash ${String(at.entry!.hash).slice(0, 12)}… but the incident's history anchored ${anchor.hash.slice(0, 12)}… — the chain was rewritten at or before seq ${anchor.seq}`,
        });
        break;
      }
    }
    const latest = anchors[anchors.length - 1]!;
    summary[log] = { anchors: anchors.length, latest, matched, unanchoredAfter: Math.max(0, last - latest.seq) };
  }
  return summary;
}

/** S3: a log entry with more than one version, or a delete marker, was written over. */
function verifyLogVersions(incidentId: string, versions: ObjectVersion[], problems: VerifyProblem[]): void {
  for (const log of ['manifest', 'audit'] as const) {
    const prefix = evidenceKeys.log(incidentId, log);
    const byKey = new Map<string, ObjectVersion[]>();
    for (const v of versions.filter((x) => x.key.startsWith(prefix))) byKey.set(v.key, [...(byKey.get(v.key) ?? []), v]);
    for (const [key, vs] of byKey) {
      if (vs.length > 1)
        problems.push({
          file: log,
          key,
          seq: seqOfKey(key),
          check: 'version',
          actual: `${vs.length} versions`,
          message: `${log} entry ${key} has ${vs.length} versions${vs[0]!.deleteMarker ? ' (deleted: a delete marker is on top)' : ''} — it was written over after it was appended`,
        });
    }
  }
}

async function verifyLog(
  store: EvidenceStore,
  incidentId: string,
  log: LogName,
  problems: VerifyProblem[],
): Promise<{ lines: ParsedLine[]; head?: string }> {
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
      problems.push({
        ...where,
        check: 'seq',
        expected: String(line),
        actual: `${seq ?? 'none'} (key ${key})`,
        message: `${label}: expected seq ${line} here — an entry was deleted, inserted or reordered`,
      });
    }
    const recomputed = entryHash(entry);
    if (entry.hash !== recomputed) {
      problems.push({
        ...where,
        check: 'hash',
        expected: recomputed,
        actual: String(entry.hash),
        message: `${label}: content does not match its hash — the entry was altered`,
      });
    }
    if (expectedPrev !== undefined && entry.prevHash !== expectedPrev) {
      problems.push({
        ...where,
        check: 'prevHash',
        expected: expectedPrev,
        actual: String(entry.prevHash),
        message: `${label}: prevHash does not link to line ${line - 1} — the chain is broken before this entry`,
      });
    }
    expectedPrev = typeof entry.hash === 'string' ? entry.hash : undefined;
    head = expectedPrev;
  }
  return { lines, head };
}

async function verifyArtifacts(
  store: EvidenceStore,
  incidentId: string,
  artifacts: ArtifactEntry[],
  everything: string[],
  versions: ObjectVersion[] | undefined,
  problems: VerifyProblem[],
): Promise<void> {
  const listed = new Set<string>();
  for (const a of artifacts) {
    let key: string;
    try {
      evidenceKeys.artifact(incidentId, a.name);
      key = artifactKey(incidentId, a);
      if (!key.startsWith(evidenceKeys.incident(incidentId))) throw new Error(`key ${key} is outside the incident`);
    } catch (err) {
      problems.push({
        file: 'manifest',
        key: '',
        seq: a.seq,
        entryId: a.id,
        artifact: a.name,
        check: 'parse',
        message: `manifest seq ${a.seq}: ${(err as Error).message}`,
      });
      continue;
    }
    listed.add(key);
    const at = { file: 'artifact' as const, key, seq: a.seq, entryId: a.id, artifact: a.name };
    if (versions && a.versionId) {
      const mine = versions.filter((v) => v.key === key);
      const newest = mine[0];
      if (newest && newest.versionId !== a.versionId) {
        problems.push({
          ...at,
          check: 'version',
          expected: a.versionId,
          actual: newest.versionId,
          message: `artifact ${a.name} (manifest seq ${a.seq}): ${newest.deleteMarker ? 'a delete marker' : 'a newer version'} sits on top of the recorded version ${a.versionId} — the object was ${newest.deleteMarker ? 'deleted' : 'overwritten'} (the recorded version is checked below)`,
        });
      }
      if (!mine.some((v) => v.versionId === a.versionId && !v.deleteMarker)) {
        problems.push({
          ...at,
          check: 'missing',
          expected: a.sha256,
          message: `artifact ${a.name} (manifest seq ${a.seq}): the recorded version ${a.versionId} is gone from the store`,
        });
        continue;
      }
    } else if (!(await store.exists(key))) {
      problems.push({
        ...at,
        check: 'missing',
        expected: a.sha256,
        message: `artifact ${a.name} (manifest seq ${a.seq}) is missing from the store`,
      });
      continue;
    }
    const actual = await digestStream(await store.get(key, a.versionId ? { versionId: a.versionId } : undefined));
    if (actual.sha256 !== a.sha256) {
      problems.push({
        ...at,
        check: 'sha256',
        expected: a.sha256,
        actual: actual.sha256,
        message: `artifact ${a.name} (manifest seq ${a.seq}): sha256 differs from the manifest — the bytes were altered`,
      });
    } else if (actual.size !== a.size) {
      problems.push({
        ...at,
        check: 'size',
        expected: String(a.size),
        actual: String(actual.size),
        message: `artifact ${a.name} (manifest seq ${a.seq}): size differs from the manifest`,
      });
    }
  }
  const logs = [evidenceKeys.log(incidentId, 'manifest'), evidenceKeys.log(incidentId, 'audit')];
  for (const key of everything) {
    if (listed.has(key) || logs.some((l) => key.startsWith(l))) continue;
    problems.push({
      file: 'artifact',
      key,
      check: 'unlisted',
      message: `${key} is in the store but in no manifest entry — unaccounted, never evidence`,
    });
  }
}
