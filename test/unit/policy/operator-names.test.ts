import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OperatorDirectory } from '../../../src/api/auth/operators';

/** Signed alert sources are named `hmac:<source>` / `sns:<topic>`: no operator may share such a name (four-eyes compares names). */
test('an operator name with ":" is refused, naming the entry', () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-ops-')), 'operators.json');
  fs.writeFileSync(file, JSON.stringify([{ name: 'hmac:generic', roles: ['approver'], tokenSha256: 'a'.repeat(64) }]));
  expect(() => OperatorDirectory.fromFile(file)).toThrow(/0\.name: a name without ":"/);
  fs.writeFileSync(file, JSON.stringify([{ name: 'bob', roles: ['approver'], tokenSha256: 'a'.repeat(64) }]));
  expect(() => OperatorDirectory.fromFile(file)).not.toThrow();
});
