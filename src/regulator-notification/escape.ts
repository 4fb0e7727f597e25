/**
 * Escaping for text that came from alerts, operators or attackers before it lands in HTML,
 * Markdown or CSV. Invariant: every interpolated value goes through one of these.
 */

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes the five HTML-significant characters; safe in text and in quoted attributes. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => HTML[ch]);
}

/**
 * Backslash-escapes CommonMark inline syntax (emphasis, code, links, raw HTML, entities, tables,
 * headings) and folds line breaks, so a value cannot start a new block or inject markup.
 */
export function escapeMarkdown(s: string): string {
  return s.replace(/\r\n|\r|\n/g, ' ').replace(/[\\`*_[\]<>#|~&!]/g, (ch) => `\\${ch}`);
}
