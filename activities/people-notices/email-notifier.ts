/**
 * Email delivery for notices to people, over SMTP (nodemailer): one message per notice to the
 * target's fixed recipients plus every contact of the notice that is an email address (policy
 * contacts and breach contacts may be either team names or addresses).
 * Invariants: the Message-ID is derived from the notice's idempotency key, so a mail client or
 * an MTA that drops duplicates sees a retried send as the same message (the activity's
 * heartbeat already skips targets an earlier attempt delivered); a permanent SMTP rejection
 * (5yz except 503, RFC 5321) is non-retryable with the server's reply, anything else (4yz,
 * connection errors) is a plain Error that Temporal retries. The SMTP URL may carry a password:
 * it never reaches a log line or an error message.
 */
import { ApplicationFailure } from '@temporalio/common';
import crypto from 'node:crypto';
import nodemailer from 'nodemailer';
import { ErrorType } from '../../src/domain/errors';

export interface EmailTarget {
  /** Shown in the timeline and logs; never the SMTP URL. */
  name: string;
  format: 'email';
  /** smtp://user:pass@host:587 (STARTTLS when offered) or smtps://…:465. */
  smtpUrl: string;
  from: string;
  /** Always written to (a team mailbox, the DPO); may be empty when contacts are addresses. */
  to: string[];
}

export interface EmailMessage {
  subject: string;
  text: string;
  idempotencyKey: string;
  /** The notice's contacts; only those that are email addresses are added. */
  contacts: string[];
}

const looksLikeAddress = (s: string) => /^[^\s@<>,;]+@[^\s@<>,;]+\.[^\s@<>,;]+$/.test(s);

export function recipientsOf(target: EmailTarget, contacts: string[]): string[] {
  return [...new Set([...target.to, ...contacts.filter(looksLikeAddress)].map((a) => a.toLowerCase()))];
}

/** Stable per notice; the domain is the sender's, as RFC 5322 suggests. */
export function messageIdFor(target: EmailTarget, idempotencyKey: string): string {
  const domain = target.from.split('@')[1]?.replace(/[>\s]/g, '') || 'cordon.invalid';
  return `<cordon.${crypto.createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32)}@${domain}>`;
}

const isPermanent = (code: number | undefined) => code !== undefined && code >= 500 && code < 600 && code !== 503;

/** Sends one message; resolves with the recipients, or with [] when there is nobody to write to. */
export async function sendEmail(target: EmailTarget, message: EmailMessage, timeoutMs = 10_000): Promise<string[]> {
  const to = recipientsOf(target, message.contacts);
  if (to.length === 0) return [];
  const transport = nodemailer.createTransport({
    url: target.smtpUrl,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  try {
    await transport.sendMail({
      from: target.from,
      to,
      subject: message.subject,
      text: message.text,
      messageId: messageIdFor(target, message.idempotencyKey),
      headers: { 'X-Cordon-Idempotency-Key': message.idempotencyKey, 'Auto-Submitted': 'auto-generated' },
    });
    return to;
  } catch (err) {
    const { responseCode, response } = err as { responseCode?: number; response?: string };
    const reply = response ? `: ${String(response).slice(0, 200)}` : '';
    if (isPermanent(responseCode)) {
      throw ApplicationFailure.create({
        type: ErrorType.EmailRejected,
        nonRetryable: true,
        message: `email ${target.name}: the mail server refused the notice (${responseCode})${reply}`,
      });
    }
    // nodemailer's own message names host and port at most, never the URL's credentials.
    throw new Error(`email ${target.name} not sent${responseCode ? ` (${responseCode})${reply}` : `: ${(err as Error).message}`}`);
  } finally {
    transport.close();
  }
}
