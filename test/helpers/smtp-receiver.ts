/**
 * A real SMTP server (smtp-server, from nodemailer's authors) on a loopback port that keeps
 * every message it accepts: envelope, raw RFC 5322 text and its parsed headers. Where a test
 * points Cordon's email notifier. `refuse` makes it answer RCPT TO with an SMTP error code.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  /** Lower-cased header names, unfolded values. */
  headers: Record<string, string>;
  body: string;
}

export interface SmtpReceiver {
  url: string;
  received: ReceivedMail[];
  /** Answer every RCPT TO with this code from now on (e.g. 550 permanent, 451 transient); undefined accepts. */
  refuse(code: number | undefined): void;
  close(): Promise<void>;
}

/** Quoted-printable bytes (`=XX`, soft breaks) to text. */
const fromQp = (s: string) =>
  Buffer.from(
    s.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
    'latin1',
  ).toString('utf8');

/** RFC 2047 encoded words (`=?UTF-8?Q?…?=`, `=?UTF-8?B?…?=`), as nodemailer writes non-ASCII headers. */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?([qb])\?([^?]*)\?=/gi, (_m, enc: string, text: string) =>
      enc.toLowerCase() === 'b' ? Buffer.from(text, 'base64').toString('utf8') : fromQp(text.replace(/_/g, ' ')),
    );
}

function parse(raw: string): Pick<ReceivedMail, 'headers' | 'body'> {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = decodeWords(line.slice(colon + 1).trim());
  }
  const body = raw.slice(split + 4);
  return { headers, body: /quoted-printable/i.test(headers['content-transfer-encoding'] ?? '') ? fromQp(body) : body };
}

export async function startSmtpReceiver(user = 'cordon', pass = 'smtp-secret-for-tests'): Promise<SmtpReceiver> {
  const received: ReceivedMail[] = [];
  let refusal: number | undefined;
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === user && auth.password === pass) cb(null, { user });
      else cb(Object.assign(new Error('bad credentials'), { responseCode: 535 }));
    },
    onRcptTo(_address, _session, cb) {
      if (refusal) cb(Object.assign(new Error(refusal >= 500 ? 'mailbox unavailable' : 'try again later'), { responseCode: refusal }));
      else cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const mailFrom = session.envelope.mailFrom;
        received.push({ from: mailFrom ? mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw, ...parse(raw) });
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://${user}:${pass}@127.0.0.1:${port}`,
    received,
    refuse(code) {
      refusal = code;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
