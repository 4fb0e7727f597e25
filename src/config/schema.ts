/**
 * Cordon's configuration: one zod schema over the environment, read once at start.
 * Nothing else reads process.env. Every invalid setting is reported at once.
 */
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const optionalString = z.string().trim().min(1).optional();

export const configSchema = z.object({
  CORDON_API_HOST: z.string().default('127.0.0.1'),
  CORDON_API_PORT: port.default(8787),
  CORDON_DATA_DIR: z.string().default('.cordon'),
  /** Admin API token; when unset `npm start` generates one per run and prints it. */
  CORDON_ADMIN_TOKEN: z.string().min(16).optional(),
  /** JSON file of operators ({ name, roles, tokenSha256 }[]), see README. */
  CORDON_OPERATORS_FILE: optionalString,
  CORDON_TASK_QUEUE: z.string().default('cordon-runbooks'),
  CORDON_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Tag key (value "true") marking an AMI as verified known-good. */
  CORDON_VERIFIED_IMAGE_TAG: z.string().default('cordon:verified'),
  /** Prefix of the tags that carry data classification on instances. */
  CORDON_DATA_TAG_PREFIX: z.string().default('data:'),
  /** Hours before the first alert during which an image is already suspect. */
  CORDON_COMPROMISE_LOOKBACK_HOURS: z.coerce.number().min(0).default(24),
  /** With no Temporal address, `npm start` runs the dev server on these ports. */
  TEMPORAL_ADDRESS: optionalString,
  TEMPORAL_NAMESPACE: z.string().default('default'),
  /** TLS to a remote Temporal: `true` for server-authenticated TLS, or client cert + key files (mTLS). */
  TEMPORAL_TLS: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  TEMPORAL_TLS_CERT_PATH: optionalString,
  TEMPORAL_TLS_KEY_PATH: optionalString,
  TEMPORAL_TLS_SERVER_NAME: optionalString,
  /** Temporal Cloud API key (implies TLS). */
  TEMPORAL_API_KEY: optionalString,
  /** Prebuilt workflow bundle (production images ship one, made at build time). */
  CORDON_WORKFLOW_BUNDLE: optionalString,
  /** Graceful shutdown: how long a worker drains running activities on SIGTERM. */
  CORDON_SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(1).default(20),
  TEMPORAL_DEV_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  TEMPORAL_CLI_PATH: optionalString,
  TEMPORAL_TEST_SERVER_PATH: optionalString,
  MOTO_SERVER_PATH: optionalString,
  MOTO_PORT: port.default(5055),
  /** Any AWS endpoint (e.g. your own moto); when set, Cordon seeds nothing. */
  AWS_ENDPOINT_URL: z.url().optional(),
  AWS_REGION: z.string().default('eu-west-1'),
  AWS_ACCESS_KEY_ID: optionalString,
  AWS_SECRET_ACCESS_KEY: optionalString,
  AWS_PROFILE: optionalString,
});

export type Config = z.infer<typeof configSchema>;

/** Every variable the schema knows (the compose test checks env wiring against it). */
export const configKeys = Object.keys(configSchema.shape) as (keyof Config)[];

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Parses an environment-like record; throws ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = configSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const c = parsed.data;
  if (Boolean(c.TEMPORAL_TLS_CERT_PATH) !== Boolean(c.TEMPORAL_TLS_KEY_PATH)) {
    throw new ConfigError(['TEMPORAL_TLS_CERT_PATH/TEMPORAL_TLS_KEY_PATH: set both for mTLS, or neither']);
  }
  return c;
}

/** True when Cordon should run its own moto and seed the demo fleet. */
export function usesSimulatedAws(config: Config): boolean {
  return !config.AWS_ENDPOINT_URL && !config.AWS_ACCESS_KEY_ID && !config.AWS_PROFILE;
}
