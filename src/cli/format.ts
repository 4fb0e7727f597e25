/**
 * Terminal output: aligned tables and colour on a TTY only (plain text when piped), plus
 * tolerant readers for the evidence and notification answers (their shapes grow over time;
 * a field we do not know is shown as "-", never a crash).
 */
import { styleText } from 'node:util';

type Style = Parameters<typeof styleText>[0];

export function paint(style: Style, text: string): string {
  return process.stdout.isTTY ? styleText(style, text) : text;
}

export function table(headers: string[], rows: string[][]): string {
  const strip = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => strip(r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c + ' '.repeat(Math.max(0, widths[i]! - strip(c).length)))
      .join('  ')
      .trimEnd();
  return [paint('bold', line(headers)), ...rows.map(line)].join('\n');
}

const statusStyles: Record<string, Style> = {
  done: 'green',
  running: 'cyan',
  'awaiting-approval': 'yellow',
  failed: 'red',
  skipped: 'gray',
  pending: 'gray',
  contained: 'green',
  containing: 'cyan',
  recovering: 'cyan',
  monitoring: 'green',
  open: 'yellow',
  closed: 'gray',
  RUNNING: 'cyan',
  COMPLETED: 'gray',
  critical: 'red',
  high: 'red',
  medium: 'yellow',
  low: 'gray',
  met: 'green',
  submitted: 'green',
  late: 'red',
  overdue: 'red',
};

export function status(value: string): string {
  return paint(statusStyles[value] ?? 'white', value);
}

export function age(iso: string | undefined, now = Date.now()): string {
  if (!iso) return '-';
  const minutes = Math.round((now - Date.parse(iso)) / 60000);
  if (minutes < 60) return `${minutes}m`;
  if (minutes < 48 * 60) return `${Math.round(minutes / 60)}h`;
  return `${Math.round(minutes / 1440)}d`;
}

export const when = (iso: string | undefined): string => (iso ? `${iso.replace('T', ' ').slice(0, 16)}Z` : '-');

/** "41h 12m left" / "3h 02m overdue", coloured by urgency (red under 6 h or overdue, yellow under a day). */
export function countdown(dueIso: string, now = Date.now()): string {
  const ms = Date.parse(dueIso) - now;
  const minutes = Math.floor(Math.abs(ms) / 60000);
  const text = `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m ${ms < 0 ? 'overdue' : 'left'}`;
  return paint(ms < 6 * 3600_000 ? 'red' : ms < 24 * 3600_000 ? 'yellow' : 'green', text);
}

type Loose = Record<string, unknown>;
const str = (...values: unknown[]): string | undefined => values.find((v): v is string => typeof v === 'string' && v.length > 0);

export interface ClockView {
  title: string;
  recipient?: string;
  dueAt?: string;
  state: string;
}

/** Clocks from GET /v1/incidents/:id/notification (`clocks`, `obligations` or `deadlines`). */
export function clocksOf(notification: unknown): ClockView[] {
  const top = (notification ?? {}) as Loose;
  const n =
    [top, top.state, top.breach, top.view].find(
      (x): x is Loose => typeof x === 'object' && x !== null && Array.isArray((x as Loose).clocks),
    ) ?? top;
  const items = [n.clocks, n.obligations, n.deadlines].find(Array.isArray) as Loose[] | undefined;
  return (items ?? []).map((c) => {
    const st = (typeof c.status === 'object' && c.status ? c.status : {}) as Loose;
    return {
      title: str(c.title, c.name, c.obligation, c.obligationId, c.id) ?? '-',
      recipient: str(c.recipient, (c.recipient as Loose | undefined)?.name),
      dueAt: str(c.dueAt, c.due, st.due, st.dueAt),
      state: str(st.state, c.state, c.status) ?? '-',
    };
  });
}

export interface ArtifactView {
  name: string;
  sha256: string;
  size: string;
}

/** Artifacts from GET /v1/incidents/:id/evidence (`artifacts` or `items`). */
export function artifactsOf(evidence: unknown): ArtifactView[] {
  const e = (evidence ?? {}) as Loose;
  const items = [e.artifacts, e.items, e.evidence].find(Array.isArray) as Loose[] | undefined;
  return (items ?? []).map((a) => ({
    name: str(a.name, a.kind, a.key, a.id) ?? '-',
    sha256: str(a.sha256, a.hash) ?? '-',
    size: typeof a.size === 'number' ? `${a.size} B` : typeof a.bytes === 'number' ? `${a.bytes} B` : '-',
  }));
}
