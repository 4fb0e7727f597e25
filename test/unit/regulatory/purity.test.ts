import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';

// The regulatory layer and the drafts run inside Temporal's deterministic workflow sandbox:
// no Node built-ins, no ambient clock or randomness, no zod values.
const root = join(__dirname, '..', '..', '..', 'src');
const files = ['regulatory', 'regulator-notification'].flatMap((dir) =>
  readdirSync(join(root, dir))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f)),
);

test('there is something to check', () => {
  expect(files.length).toBeGreaterThanOrEqual(15);
});

test.each(files)('%s is workflow-safe', (file) => {
  const src = readFileSync(join(root, file), 'utf8');
  const imports = [...src.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
  for (const spec of imports) expect(spec === 'luxon' || spec.startsWith('./') || spec.startsWith('../')).toBe(true);
  expect(src).not.toMatch(/Date\.now\(|new Date\(\)|Math\.random|process\.|require\(|DateTime\.(now|local)\(\)/);
  expect(src).not.toMatch(/from 'zod'/);
  expect(src.split('\n').length).toBeLessThanOrEqual(300);
  expect(src.startsWith('/**')).toBe(true); // the module docblock
});
