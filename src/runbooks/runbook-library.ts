/**
 * The runbooks Cordon can run: every `*.yaml`/`*.yml` file of the built-in `runbooks/` folder and
 * of the operator's folder (CORDON_RUNBOOKS_DIR), read once at start. A file that fails to load
 * is refused with its problems (file:line:col) and the rest stay available; two files with the
 * same name keep the operator's (a later folder wins), and the clash is reported.
 * Choice for an alert: among the runbooks whose `matches` accept it, the most specific
 * (finding type patterns, then sources, then severities; a pattern without `*` over one with);
 * on a tie, the operator's folder before the built-in one, then by name. A runbook answers only
 * alerts about its resource kind: the built-in EC2 runbook matches every EC2 alert and the
 * built-in IAM runbook every access-key alert, so each is its kind's default.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { IncidentAlert, ResourceKind, Severity } from '../domain/incident';
import type { PinnedRunbook, RunbookDefinition, RunbookMatch } from '../domain/runbook-definition';
import { formatProblem, loadRunbookFile, type LoadedRunbook, type RunbookProblem } from './load-runbook';

/** The built-in folder: `runbooks/` at the repository root (dist/runbooks in the image). */
export const builtInRunbooksDir = path.resolve(__dirname, '../../runbooks');

export interface LibraryEntry extends LoadedRunbook {
  origin: 'built-in' | 'operator';
  order: number;
}

function glob(pattern: string): RegExp {
  return new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
}

export function matchesAlert(m: RunbookMatch, alert: IncidentAlert, severity: Severity, kind: ResourceKind = 'ec2-instance'): boolean {
  if (m.resourceKind !== kind) return false;
  if (m.sources && !m.sources.includes(alert.source)) return false;
  if (m.severities && !m.severities.includes(severity)) return false;
  if (m.findingTypes) {
    const type = alert.findingType;
    if (!type || !m.findingTypes.some((p) => glob(p).test(type))) return false;
  }
  return true;
}

function specificity(m: RunbookMatch): number {
  const exactType = m.findingTypes?.some((p) => !p.includes('*')) ? 1 : 0;
  return (m.findingTypes ? 16 : 0) + exactType * 8 + (m.sources ? 4 : 0) + (m.severities ? 2 : 0);
}

export class RunbookLibrary {
  private constructor(
    private readonly entries: LibraryEntry[],
    readonly problems: RunbookProblem[],
  ) {}

  /** Loads the folders in order (later folders win a name clash). A missing operator folder is a problem, not a crash. */
  static load(folders: { dir: string; origin: LibraryEntry['origin'] }[]): RunbookLibrary {
    const byName = new Map<string, LibraryEntry>();
    const problems: RunbookProblem[] = [];
    let order = 0;
    for (const { dir, origin } of folders) {
      let files: string[];
      try {
        files = fs
          .readdirSync(dir)
          .filter((f) => /\.ya?ml$/.test(f))
          .sort();
      } catch (err) {
        problems.push({
          file: dir,
          line: 1,
          col: 1,
          message: `cannot read the runbooks folder: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
        });
        continue;
      }
      for (const f of files) {
        const result = loadRunbookFile(path.join(dir, f));
        if (!result.ok) {
          problems.push(...result.problems);
          continue;
        }
        const name = result.runbook.definition.name;
        const earlier = byName.get(name);
        if (earlier)
          problems.push({
            file: result.runbook.file,
            line: 1,
            col: 1,
            message: `name "${name}" is also used by ${earlier.file}; this file replaces it`,
          });
        byName.set(name, { ...result.runbook, origin, order: order++ });
      }
    }
    return new RunbookLibrary([...byName.values()], problems);
  }

  list(): LibraryEntry[] {
    return [...this.entries].sort((a, b) => a.definition.name.localeCompare(b.definition.name));
  }

  get(name: string): LibraryEntry | undefined {
    return this.entries.find((e) => e.definition.name === name);
  }

  /** The runbook for the incident these alerts (about a resource of this kind) open, or undefined when none matches. */
  choose(alerts: readonly IncidentAlert[], severity: Severity, kind: ResourceKind = 'ec2-instance'): LibraryEntry | undefined {
    const first = alerts[0];
    if (!first) return undefined;
    const candidates = this.entries.filter((e) => matchesAlert(e.definition.matches, first, severity, kind));
    candidates.sort(
      (a, b) =>
        specificity(b.definition.matches) - specificity(a.definition.matches) ||
        (a.origin === b.origin ? 0 : a.origin === 'operator' ? -1 : 1) ||
        a.definition.name.localeCompare(b.definition.name),
    );
    return candidates[0];
  }

  /** Problems as log lines (file:line:col message). */
  problemLines(): string[] {
    return this.problems.map(formatProblem);
  }

  /** Warnings of the runbooks loaded (file:line:col message): they run, but their authors should know. */
  warnings(): RunbookProblem[] {
    return this.list().flatMap((e) => e.warnings);
  }
}

/** The copy an incident carries: the definition's steps, its inputs' defaults, and where it came from. */
export function pin(entry: LoadedRunbook, inputs: Record<string, string | number | boolean> = {}): PinnedRunbook {
  const d: RunbookDefinition = entry.definition;
  const resolved = Object.fromEntries(Object.entries(d.inputs).map(([k, spec]) => [k, inputs[k] ?? spec.default]));
  return { name: d.name, version: d.version, sha256: entry.sha256, inputs: resolved, steps: d.steps };
}
