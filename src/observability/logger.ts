/** Structured JSON logs (pino); secrets are redacted by path wherever they could appear. */
import pino from 'pino';

export function createLogger(level: string) {
  return pino({
    level,
    base: { service: 'cordon' },
    redact: ['token', '*.token', 'adminToken', 'secret', '*.secret', 'headers.authorization', 'AWS_SECRET_ACCESS_KEY'],
  });
}
export type Logger = ReturnType<typeof createLogger>;
