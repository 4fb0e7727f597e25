/** Test helpers: a fresh local evidence folder and ways to tamper with it as an attacker with file access would. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalWormStore } from '../../../src/evidence';

export function tempStore(): { store: LocalWormStore; dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-evidence-'));
  return { store: new LocalWormStore(dir), dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Overwrites a read-only file (chmod first, as root or the owner could). */
export function forceWrite(file: string, data: Buffer | string): void {
  fs.chmodSync(file, 0o644);
  fs.writeFileSync(file, data);
  fs.chmodSync(file, 0o444);
}

export function flipByte(file: string, at = 0): void {
  const bytes = fs.readFileSync(file);
  bytes[at] = bytes[at]! ^ 0x01;
  forceWrite(file, bytes);
}

/** Swaps the contents of two log entry files (reordering two lines of the log). */
export function swapFiles(a: string, b: string): void {
  const [x, y] = [fs.readFileSync(a), fs.readFileSync(b)];
  forceWrite(a, y);
  forceWrite(b, x);
}

export function logFile(dir: string, incidentId: string, log: 'manifest' | 'audit', seq: number): string {
  return path.join(dir, 'incidents', incidentId, log, `${String(seq).padStart(8, '0')}.json`);
}

/** The file holding an artifact's bytes: its content address, as the manifest names it. */
export function artifactFile(dir: string, incidentId: string, name: string): string {
  const folder = path.join(dir, 'incidents', incidentId, 'manifest');
  for (const f of fs.readdirSync(folder).sort()) {
    const entry = JSON.parse(fs.readFileSync(path.join(folder, f), 'utf8')) as { kind: string; name?: string; key?: string };
    if (entry.kind === 'artifact' && entry.name === name) return path.join(dir, entry.key!);
  }
  throw new Error(`no manifest entry names ${name}`);
}

/** A file at a path under the incident's folder, as anyone with write access to the store could leave it. */
export function plant(dir: string, incidentId: string, relative: string, data: string | Buffer): string {
  const file = path.join(dir, 'incidents', incidentId, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, data);
  return file;
}
