/** Terminal output: aligned tables and colour on a TTY only (plain text when piped). */
import { styleText } from 'node:util';

type Style = Parameters<typeof styleText>[0];

export function paint(style: Style, text: string): string {
  return process.stdout.isTTY ? styleText(style, text) : text;
}

export function table(headers: string[], rows: string[][]): string {
  const strip = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => strip(r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c + ' '.repeat(Math.max(0, widths[i]! - strip(c).length))).join('  ').trimEnd();
  return [paint('bold', line(headers)), ...rows.map(line)].join('\n');
}

const statusStyles: Record<string, Style> = {
  done: 'green', running: 'cyan', 'awaiting-approval': 'yellow', failed: 'red', skipped: 'gray', pending: 'gray',
  contained: 'green', containing: 'cyan', open: 'yellow', closed: 'gray', RUNNING: 'cyan', COMPLETED: 'gray',
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
