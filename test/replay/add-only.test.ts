/**
 * Committed replay histories are add-only: each one stands for incidents that may still be
 * running, so it is never re-recorded, edited or removed (capture.ts writes a new file beside an
 * existing one). Two checks: every file listed in histories/SHA256SUMS exists with that hash and
 * every history is listed; and, where the checkout has its git history, no commit since the rule
 * began (BASELINE) modified, renamed or deleted a history.
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const dir = path.join(__dirname, 'histories');
/** The last commit before histories became add-only (earlier commits re-recorded them). */
const BASELINE = '95910a3';

const listed = fs
  .readFileSync(path.join(dir, 'SHA256SUMS'), 'utf8')
  .trim()
  .split('\n')
  .map((line) => {
    const [hash, file] = line.split(/\s+/);
    return { hash: hash!, file: file! };
  });

test('every committed history is listed with its sha256, and unchanged', () => {
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  expect(listed.map((l) => l.file).sort()).toEqual(files);
  for (const { hash, file } of listed) {
    const actual = crypto
      .createHash('sha256')
      .update(fs.readFileSync(path.join(dir, file)))
      .digest('hex');
    expect({ file, hash: actual }).toEqual({ file, hash });
  }
});

function git(args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd: __dirname, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
}

test('no commit since the baseline modified, renamed or deleted a history (or SHA256SUMS lines)', () => {
  // A shallow clone or an export without .git cannot answer; the hash list above still holds.
  if (git(['cat-file', '-e', `${BASELINE}^{commit}`]) === undefined) return;
  const changed = git(['log', '--format=%h', '--diff-filter=MDR', '--name-status', `${BASELINE}..HEAD`, '--', 'histories/*.json']) ?? '';
  expect(changed.trim()).toBe('');
  // SHA256SUMS may only grow: every line it had at any commit since the baseline is still in it.
  const revs = (git(['log', '--format=%H', `${BASELINE}..HEAD`, '--', 'histories/SHA256SUMS']) ?? '').trim().split('\n').filter(Boolean);
  const now = new Set(listed.map((l) => `${l.hash}  ${l.file}`));
  for (const rev of revs) {
    const then = git(['show', `${rev}:test/replay/histories/SHA256SUMS`]) ?? '';
    for (const line of then.trim().split('\n').filter(Boolean))
      expect({ rev, line, kept: now.has(line) }).toEqual({ rev, line, kept: true });
  }
});
