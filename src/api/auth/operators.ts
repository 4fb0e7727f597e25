/**
 * Operators and their roles. API tokens are stored as SHA-256 hashes (a file of
 * `{ name, roles, tokenSha256 }`), never in clear; the admin token from config is hashed at
 * start. An identity is all the rest of Cordon sees, so OIDC can replace tokens later.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { z } from 'zod';

export const roles = ['responder', 'approver', 'dpo', 'auditor', 'admin', 'alert-source'] as const;
export type Role = (typeof roles)[number];

export interface Identity {
  name: string;
  roles: Role[];
}

const operatorFile = z.array(
  z
    .object({
      // No `:` — HMAC and SNS credentials are named `hmac:<source>` / `sns:<topic>`, so no operator can share their identity.
      name: z.string().regex(/^[^:\s][^:]*$/, 'a name without ":" (reserved for signed alert sources)'),
      roles: z.array(z.enum(roles)).min(1),
      tokenSha256: z.string().regex(/^[0-9a-f]{64}$/),
    })
    .strict(),
);

export const hashToken = (token: string): string => crypto.createHash('sha256').update(token).digest('hex');

export class OperatorDirectory {
  private readonly byHash = new Map<string, Identity>();

  add(identity: Identity, tokenSha256: string): void {
    this.byHash.set(tokenSha256, identity);
  }

  addToken(identity: Identity, token: string): void {
    this.add(identity, hashToken(token));
  }

  /** Looks a presented token up by its hash (no clear-text comparison, so no timing leak of the secret). */
  identify(token: string): Identity | undefined {
    return this.byHash.get(hashToken(token));
  }

  static fromFile(file: string): OperatorDirectory {
    const parsed = operatorFile.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
    if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const dir = new OperatorDirectory();
    for (const op of parsed.data) dir.add({ name: op.name, roles: op.roles }, op.tokenSha256);
    return dir;
  }
}

export function hasRole(identity: Identity, ...allowed: Role[]): boolean {
  return identity.roles.includes('admin') || identity.roles.some((r) => allowed.includes(r));
}
