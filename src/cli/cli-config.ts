/** The CLI's settings: flags win over CORDON_API_URL / CORDON_TOKEN from the environment. */
import { z } from 'zod';

const schema = z.object({
  CORDON_API_URL: z.url().default('http://127.0.0.1:8787'),
  CORDON_TOKEN: z.string().min(1).optional(),
});

export function cliSettings(
  env: Record<string, string | undefined>,
  flags: { api?: string; token?: string },
): { apiUrl: string; token: string } {
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v)));
  if (!parsed.success)
    throw new Error(`invalid environment: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const token = flags.token ?? parsed.data.CORDON_TOKEN;
  if (!token) throw new Error('no API token: pass --token or set CORDON_TOKEN (npm start prints the admin token)');
  return { apiUrl: (flags.api ?? parsed.data.CORDON_API_URL).replace(/\/$/, ''), token };
}
