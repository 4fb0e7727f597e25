/**
 * Reads one runbook file: YAML → zod (file-schema.ts) → the engine's invariants (invariants.ts),
 * then its warnings (it loads, but e.g. has no human gate). Every problem and warning comes back as `file:line:col message`, the line and column of the field it is
 * about (YAML's LineCounter over the parsed document; a missing field points at its parent).
 * The content hash is the sha256 of the file's bytes, so the incident pins exactly what was read.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import type { RunbookDefinition } from '../domain/runbook-definition';
import { runbookFileSchema, toDefinition } from './file-schema';
import { checkInvariants, checkWarnings } from './invariants';

export interface RunbookProblem {
  file: string;
  line: number;
  col: number;
  message: string;
}
export interface LoadedRunbook {
  file: string;
  sha256: string;
  definition: RunbookDefinition;
  /** What loads but deserves the author's attention (e.g. no human gate), each with its line and column. */
  warnings: RunbookProblem[];
}
export type LoadResult = { ok: true; runbook: LoadedRunbook } | { ok: false; problems: RunbookProblem[] };

/** Largest runbook file read: a runbook is a page of YAML, not a data set. */
export const MAX_RUNBOOK_BYTES = 256 * 1024;

export function formatProblem(p: RunbookProblem): string {
  return `${p.file}:${p.line}:${p.col} ${p.message}`;
}

/** Line and column of the node at `path`, or of its nearest ancestor that exists; `column` is a 1-based offset inside a `when:` text. */
function position(doc: Document, lines: LineCounter, path: (string | number)[], column?: number): { line: number; col: number } {
  for (let n = path.length; n >= 0; n -= 1) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (!range) continue;
    const at = lines.linePos(range[0]);
    // Inside a one-line scalar, point at the character the expression parser named.
    if (
      column !== undefined &&
      n === path.length &&
      isScalar(node) &&
      (node.type === 'PLAIN' || node.type === 'QUOTE_SINGLE' || node.type === 'QUOTE_DOUBLE')
    ) {
      const quote = node.type === 'PLAIN' ? 0 : 1;
      const end = lines.linePos(range[1]);
      if (end.line === at.line) return { line: at.line, col: at.col + quote + column - 1 };
    }
    return at;
  }
  return { line: 1, col: 1 };
}

export function parseRunbook(text: string, file: string): LoadResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length) {
    return {
      ok: false,
      problems: doc.errors.map((e) => ({
        file,
        line: e.linePos?.[0].line ?? 1,
        col: e.linePos?.[0].col ?? 1,
        message: `YAML: ${e.message.split('\n')[0]}`,
      })),
    };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 50 });
  } catch (err) {
    return { ok: false, problems: [{ file, line: 1, col: 1, message: `YAML: ${(err as Error).message}` }] };
  }
  const parsed = runbookFileSchema.safeParse(data);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => {
        const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
        const column = (issue as { params?: { column?: number } }).params?.column;
        // An unknown field is pointed at where it is written, not at the map holding it.
        const at = issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined ? [...path, issue.keys[0]] : path;
        return { file, ...position(doc, lines, at, column), message: `${path.length ? `${path.join('.')}: ` : ''}${issue.message}` };
      }),
    };
  }
  const definition = toDefinition(parsed.data);
  const broken = checkInvariants(definition);
  if (broken.length)
    return {
      ok: false,
      problems: broken.map((b) => ({ file, ...position(doc, lines, b.path), message: `${b.path.join('.')}: ${b.message}` })),
    };
  const sha256 = crypto.createHash('sha256').update(text, 'utf8').digest('hex');
  const warnings = checkWarnings(definition).map((w) => ({
    file,
    ...position(doc, lines, w.path),
    message: `${w.path.join('.')}: ${w.message}`,
  }));
  return { ok: true, runbook: { file, sha256, definition, warnings } };
}

export function loadRunbookFile(file: string): LoadResult {
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch (err) {
    return {
      ok: false,
      problems: [{ file, line: 1, col: 1, message: `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` }],
    };
  }
  if (size > MAX_RUNBOOK_BYTES)
    return { ok: false, problems: [{ file, line: 1, col: 1, message: `larger than ${MAX_RUNBOOK_BYTES} bytes` }] };
  return parseRunbook(fs.readFileSync(file, 'utf8'), file);
}
