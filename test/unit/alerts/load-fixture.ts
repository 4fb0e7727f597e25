/** Reads a fixture from test/fixtures/alerts as a fresh object (tests may mutate their copy). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'alerts');

export function fixture(name: string): any {
  return JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));
}

export const defaults = { account: '999999999999', region: 'us-east-2', now: new Date('2026-03-06T12:00:00.000Z') };
