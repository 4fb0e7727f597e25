/**
 * Signs SNS messages the way Amazon SNS does, for tests: an RSA key with a self-signed
 * certificate made now (node cannot issue certificates; openssl can), standing in for the
 * certificate at SigningCertURL. SNS fixtures carry a fixed Timestamp; `fresh` moves it to now,
 * since the verifier refuses messages older than its age window.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { snsStringToSign } from '../../../src/alerts/sns-signature';

export const SNS_CERT_URL = 'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-9c6465fa7f48f5cacd23014631ec1136.pem';

export interface SnsSigner {
  key: KeyObject;
  pem: string;
}

export function makeSnsSigner(days = 2): SnsSigner {
  const dir = mkdtempSync(join(tmpdir(), 'cordon-sns-'));
  try {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(join(dir, 'key.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-new',
        '-key',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        String(days),
        '-subj',
        '/CN=sns.eu-west-1.amazonaws.com',
      ],
      { stdio: 'pipe' },
    );
    return { key: privateKey, pem: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The message with its Timestamp at `at` (default now). */
export function fresh<T extends Record<string, unknown>>(message: T, at: Date = new Date()): T {
  return { ...message, Timestamp: at.toISOString() };
}

/** The message signed as SNS would sign it (SigningCertURL defaults to SNS_CERT_URL). */
export function snsSign(message: any, version: '1' | '2', key: KeyObject): any {
  const m = { ...message, SignatureVersion: version, SigningCertURL: message.SigningCertURL ?? SNS_CERT_URL };
  m.Signature = sign(version === '1' ? 'sha1' : 'sha256', Buffer.from(snsStringToSign(m), 'utf8'), key).toString('base64');
  return m;
}
