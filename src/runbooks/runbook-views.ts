/**
 * What the API and CLI show of runbooks: a summary per runbook, one runbook in full (its
 * definition and content hash), the files refused at start and the warnings of those loaded (file name, line, column, why).
 * File names only, never the server's folders.
 */
import path from 'node:path';
import type { RunbookDefinition } from '../domain/runbook-definition';
import type { RunbookProblem } from './load-runbook';
import type { LibraryEntry, RunbookLibrary } from './runbook-library';

export interface RunbookSummary {
  name: string;
  version: string;
  sha256: string;
  origin: LibraryEntry['origin'];
  file: string;
  description?: string;
  matches: RunbookDefinition['matches'];
  steps: number;
}
export interface RunbookView extends RunbookSummary {
  definition: RunbookDefinition;
}

export function summaryOf(e: LibraryEntry): RunbookSummary {
  const d = e.definition;
  return {
    name: d.name,
    version: d.version,
    sha256: e.sha256,
    origin: e.origin,
    file: path.basename(e.file),
    ...(d.description ? { description: d.description } : {}),
    matches: d.matches,
    steps: d.steps.length,
  };
}

export function viewOf(e: LibraryEntry): RunbookView {
  return { ...summaryOf(e), definition: e.definition };
}

const line = (p: RunbookProblem) => `${path.basename(p.file)}:${p.line}:${p.col} ${p.message}`;

export function listView(library: RunbookLibrary): { runbooks: RunbookSummary[]; refused: string[]; warnings: string[] } {
  return { runbooks: library.list().map(summaryOf), refused: library.problems.map(line), warnings: library.warnings().map(line) };
}
