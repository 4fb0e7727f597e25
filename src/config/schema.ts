/**
 * Cordon's configuration: one zod schema over the environment, read once at start.
 * Nothing else reads process.env. Every invalid setting is reported at once.
 */
import { z } from 'zod';
import { readEntityProfileFile } from './entity-profile';
import { readInlineOrganisation, readOrganisationFile } from './organisation';

const port = z.coerce.number().int().min(0).max(65535);
const optionalString = z.string().trim().min(1).optional();
const hmacSecrets = z
  .string()
  .optional()
  .transform((v) =>
    v
      ? v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : [],
  )
  .refine((list) => list.every((s) => s.length >= 32), 'each HMAC secret needs at least 32 characters');

export const configSchema = z.object({
  CORDON_API_HOST: z.string().default('127.0.0.1'),
  CORDON_API_PORT: port.default(8787),
  CORDON_DATA_DIR: z.string().default('.cordon'),
  /** Admin API token; when unset `npm start` generates one per run and prints it. */
  CORDON_ADMIN_TOKEN: z.string().min(16).optional(),
  /** JSON file of operators ({ name, roles, tokenSha256 }[]), see README. */
  CORDON_OPERATORS_FILE: optionalString,
  /** A folder of the operator's runbooks (*.yaml), read at start beside the built-in runbooks/ folder; a file with a built-in's name replaces it. */
  CORDON_RUNBOOKS_DIR: optionalString,
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
  TEMPORAL_TLS: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  TEMPORAL_TLS_CERT_PATH: optionalString,
  TEMPORAL_TLS_KEY_PATH: optionalString,
  TEMPORAL_TLS_SERVER_NAME: optionalString,
  /** Temporal Cloud API key (implies TLS). */
  TEMPORAL_API_KEY: optionalString,
  /** Prebuilt workflow bundle (production images ship one, made at build time). */
  CORDON_WORKFLOW_BUNDLE: optionalString,
  /** Graceful shutdown: how long a worker drains running activities on SIGTERM. */
  CORDON_SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(1).default(20),
  /** A worker process's memory budget (RSS, MiB): how many workflows it keeps cached follows from it (src/bootstrap/memory-budget.ts). */
  CORDON_WORKER_MEMORY_MIB: z.coerce
    .number()
    .int()
    .min(256)
    .max(1024 * 1024)
    .default(1024),
  /** Deadline of each call the API makes to Temporal: past it the request is answered 503 (retry) instead of waiting on an unreachable store. */
  CORDON_TEMPORAL_CALL_DEADLINE_SECONDS: z.coerce.number().gt(0).max(120).default(5),
  /**
   * History events after which an open incident continues as new, carrying its state and memo: well below
   * Temporal's limits during an alert storm. At least 100, so that a fresh run always has room to make progress.
   */
  CORDON_INCIDENT_HISTORY_EVENTS: z.coerce.number().int().min(100).max(40_000).default(10_000),
  TEMPORAL_DEV_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  /** Dev server SQLite pragmas (comma-separated `name=value`); `synchronous=full` trades ingest latency for power-loss durability. */
  CORDON_DEV_SQLITE_PRAGMAS: z
    .string()
    .default('journal_mode=wal,synchronous=normal')
    .transform((v) =>
      v
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^(journal_mode|synchronous)=[a-z]+$/i, 'expected journal_mode=… or synchronous=…'))),
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
  /**
   * The organisation (README "Organisation"): member accounts with their regions and role, external id, forensic
   * account. Inline JSON here, or a JSON/YAML file in CORDON_ACCOUNTS_FILE; neither → the Cordon account in AWS_REGION only.
   */
  CORDON_ACCOUNTS: z.string().trim().optional().transform(readInlineOrganisation),
  CORDON_ACCOUNTS_FILE: z.string().trim().optional().transform(readOrganisationFile),
  /** Evidence (write-once): a local folder (default, under the data dir) or S3 with Object Lock. */
  CORDON_EVIDENCE_STORE: z.enum(['local', 's3']).default('local'),
  /** Local store: fsync each object and its folder before it counts as stored (survives power loss; costs ingest latency). */
  CORDON_EVIDENCE_FSYNC: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  CORDON_EVIDENCE_DIR: optionalString,
  CORDON_EVIDENCE_BUCKET: optionalString,
  CORDON_EVIDENCE_PREFIX: optionalString,
  CORDON_EVIDENCE_RETENTION_DAYS: z.coerce.number().int().min(1).default(365),
  CORDON_EVIDENCE_LOCK_MODE: z.enum(['COMPLIANCE', 'GOVERNANCE']).default('COMPLIANCE'),
  // Evidence that holds up (issue 14): the bucket policy Cordon applies to an evidence bucket it creates, and where memory images land.
  CORDON_EVIDENCE_BUCKET_POLICY: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  CORDON_MEMORY_OUTPUT_PREFIX: optionalString,
  /** Memory capture (when a runbook policy switches it on): SSM Command document, its parameters as JSON, output bucket. */
  CORDON_MEMORY_DOCUMENT: optionalString,
  CORDON_MEMORY_PARAMETERS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (!v) return undefined;
      try {
        return z.record(z.string(), z.array(z.string())).parse(JSON.parse(v));
      } catch {
        ctx.addIssue({ code: 'custom', message: 'expected a JSON object of string arrays, e.g. {"commands":["avml /tmp/mem.lime"]}' });
        return z.NEVER;
      }
    }),
  CORDON_MEMORY_OUTPUT_BUCKET: optionalString,
  /** Breach notification (REGULATORY.md): where the organisation is established and its sectors decide which regimes apply. */
  CORDON_BREACH_JURISDICTIONS: z
    .string()
    .default('EU')
    .refine(
      (v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
          .every((r) => ['EU', 'UK', 'US', 'US-CA', 'US-TX', 'US-NY', 'SG', 'BR', 'AU'].includes(r)),
      'expected a comma-separated list of EU, UK, US, US-CA, US-TX, US-NY, SG, BR, AU',
    ),
  CORDON_BREACH_SECTORS: z
    .string()
    .default('')
    .refine(
      (v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
          .every((r) => ['financial', 'health', 'essential-entity', 'important-entity', 'trust-service', 'sec-registrant'].includes(r)),
      'expected a comma-separated list of financial, health, essential-entity, important-entity, trust-service, sec-registrant',
    ),
  /** Reminders at these shares of each regulatory window (each strictly between 0 and 1). */
  CORDON_BREACH_REMINDER_FRACTIONS: z
    .string()
    .default('0.5,0.75,0.9')
    .refine((v) => v.split(',').every((f) => Number(f) > 0 && Number(f) < 1), 'expected comma-separated numbers strictly between 0 and 1'),
  /** Escalate to the next contact this many minutes after a deadline passes unsubmitted. */
  CORDON_BREACH_ESCALATE_AFTER_MINUTES: z.coerce.number().min(0).default(0),
  /** Escalation chain for deadline notices (comma-separated; the first gets reminders, the second escalations). */
  CORDON_BREACH_CONTACTS: z.string().default(''),
  /** Webhooks for deadline notices (comma-separated URLs); unset → the people-notice targets, or record only. */
  /** People notices (approval needed, escalation, reminders): a generic JSON webhook and/or a Slack incoming webhook. */
  CORDON_NOTIFY_WEBHOOK_URL: z.url().optional(),
  CORDON_NOTIFY_WEBHOOK_SECRET: optionalString,
  CORDON_NOTIFY_SLACK_URL: z.url().optional(),
  /** Email to people (and deadline notices): smtp://[user:pass@]host:587 (STARTTLS when offered) or smtps://…:465. */
  CORDON_NOTIFY_SMTP_URL: z.url({ protocol: /^smtps?$/, error: 'expected smtp://[user:pass@]host:port or smtps://…' }).optional(),
  /** The From of those emails: `cordon@example.com` or `Cordon <cordon@example.com>`. */
  CORDON_NOTIFY_EMAIL_FROM: z
    .string()
    .trim()
    .regex(/^([^<>\r\n]*<)?[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+>?$/, 'expected an email address, optionally as Name <address>')
    .optional(),
  /** Always written to (comma-separated addresses: a team mailbox, the DPO); contacts that are addresses are added per notice. */
  CORDON_NOTIFY_EMAIL_TO: z
    .string()
    .default('')
    .refine(
      (v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
          .every((a) => /^[^\s@<>,;]+@[^\s@<>,;]+\.[^\s@<>,;]+$/.test(a)),
      'expected comma-separated email addresses',
    ),
  /** Where operators reach the console; links in notices point here. */
  CORDON_PUBLIC_URL: z.url().optional(),
  CORDON_DEADLINE_WEBHOOK_URLS: z
    .string()
    .default('')
    .refine(
      (v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
          .every((u) => URL.canParse(u)),
      'expected comma-separated URLs',
    ),
  /** Art. 33(3)(b) contact point and the draft's controller / authority. */
  CORDON_DPO_NAME: optionalString,
  CORDON_DPO_EMAIL: optionalString,
  CORDON_DPO_PHONE: optionalString,
  CORDON_CONTROLLER_NAME: optionalString,
  CORDON_SUPERVISORY_AUTHORITY: optionalString,
  CORDON_BREACH_DISPLAY_ZONE: z.string().default('Europe/Brussels'),
  /** Entity profile (README "Breach notification"): JSON or YAML file of roles per regime, NIS2 class, DORA entity type, authorities; validated here. Unset → built from CORDON_BREACH_JURISDICTIONS/SECTORS. */
  CORDON_ENTITY_PROFILE_FILE: z.string().trim().optional().transform(readEntityProfileFile),
  /** Alert ingestion: per-source HMAC secrets (comma-separated while rotating, each ≥ 32 chars). */
  CORDON_ALERT_HMAC_GUARDDUTY: hmacSecrets,
  CORDON_ALERT_HMAC_SECURITYHUB: hmacSecrets,
  CORDON_ALERT_HMAC_ALERTMANAGER: hmacSecrets,
  CORDON_ALERT_HMAC_GENERIC: hmacSecrets,
  /** How far X-Cordon-Timestamp may be from now, either way; signatures are remembered this long. */
  CORDON_ALERT_REPLAY_WINDOW_SECONDS: z.coerce.number().int().min(10).max(3600).default(300),
  /** Also accept the legacy HMAC form `${timestamp}.${rawBody}` (replayable to another path or query; a warning is logged at start). */
  CORDON_ALERT_HMAC_LEGACY_BODY_ONLY: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** Oldest SNS message accepted, by its signed Timestamp (401 beyond); its MessageId is remembered this long. */
  CORDON_SNS_MAX_AGE_SECONDS: z.coerce.number().int().min(60).max(86_400).default(3600),
  /** Failed authentications per client address per minute; beyond, that address's requests without a valid token get 429. */
  CORDON_UNAUTHENTICATED_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(120),
  /** Alert requests accepted per source per minute (429 beyond). */
  CORDON_ALERT_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(6000),
  /** Largest alert body; SNS and EventBridge cap messages at 256 KB, and SNS escapes them into its envelope. */
  CORDON_ALERT_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(10 * 1024 * 1024)
    .default(512 * 1024),
  /** Hosts trusted for SNS SigningCertURL and SubscribeURL (a regular expression, anchored). */
  CORDON_SNS_CERT_HOST_PATTERN: z
    .string()
    .default('^sns\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?$')
    .refine((v) => {
      try {
        new RegExp(v);
        return /^\^.*\$$/.test(v);
      } catch {
        return false;
      }
    }, 'expected an anchored regular expression (^…$)'),
  /** Alertmanager label that carries the EC2 instance id. */
  CORDON_ALERTMANAGER_INSTANCE_LABEL: z
    .string()
    .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/)
    .default('instance_id'),
  /** Severity → containment mode: `severity=mode` pairs; modes auto | approve | two-person | record-only. */
  CORDON_SEVERITY_POLICY: z
    .string()
    .default('critical=auto,high=auto,medium=approve,low=record-only')
    .refine(
      (v) => v.split(',').every((pair) => /^\s*(low|medium|high|critical)\s*=\s*(auto|approve|two-person|record-only)\s*$/.test(pair)),
      'expected severity=mode pairs, e.g. high=auto,medium=approve,low=record-only',
    ),
  /**
   * Trust per alert source (README "Trust model"). The highest severity whose policy a source's alert may invoke:
   * `approval` = the highest severity whose containment still waits for a person; `none` = uncapped. Sources left
   * out are uncapped. Generic, Alertmanager and CloudWatch severities are chosen by whoever writes the alert rule.
   */
  CORDON_SOURCE_SEVERITY_CEILING: z
    .string()
    .default('generic=approval,alertmanager=approval,cloudwatch-sns=approval')
    .refine(
      (v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
          .every((pair) =>
            /^(guardduty|securityhub|cloudwatch-sns|alertmanager|generic)\s*=\s*(low|medium|high|critical|approval|none)$/.test(pair),
          ),
      'expected source=severity pairs (severity: low, medium, high, critical, approval or none), e.g. generic=approval',
    ),
  /** Sources whose later alerts may raise an open incident's policy (operators always may); others are refused in the timeline. */
  CORDON_SOURCE_MAY_TIGHTEN: z
    .string()
    .default('guardduty,securityhub')
    .refine(
      (v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
          .every((s) => ['guardduty', 'securityhub', 'cloudwatch-sns', 'alertmanager', 'generic'].includes(s)),
      'expected a comma-separated list of alert sources',
    ),
  /** Blast radius of one request: distinct instances one alert payload may accuse (422 beyond, nothing started). */
  CORDON_ALERT_MAX_INSTANCES: z.coerce.number().int().min(1).max(1000).default(10),
  // ── Fleet guard (README "Fleet guard"): the containment budget per Auto Scaling group ──
  /** At most this many containment reservations held at once per group. */
  CORDON_FLEET_MAX_CONCURRENT: z.coerce.number().int().min(1).default(3),
  /** At most this % of a group's desired capacity (rounded down, at least 1) granted within the window. */
  CORDON_FLEET_MAX_PERCENT: z.coerce.number().gt(0).max(100).default(34),
  /** The sliding window, in minutes, of CORDON_FLEET_MAX_PERCENT (0: no window limit). */
  CORDON_FLEET_WINDOW_MINUTES: z.coerce.number().min(0).default(60),
  /** The guards' own task queue, polled by every worker beside CORDON_TASK_QUEUE (default `<CORDON_TASK_QUEUE>-fleet-guard`). */
  CORDON_FLEET_GUARD_TASK_QUEUE: optionalString,
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
  if (c.CORDON_NOTIFY_SMTP_URL && !c.CORDON_NOTIFY_EMAIL_FROM)
    throw new ConfigError(['CORDON_NOTIFY_EMAIL_FROM: required when CORDON_NOTIFY_SMTP_URL is set']);
  if (c.CORDON_ACCOUNTS && c.CORDON_ACCOUNTS_FILE)
    throw new ConfigError(['CORDON_ACCOUNTS/CORDON_ACCOUNTS_FILE: set one of them, not both']);
  if (c.CORDON_EVIDENCE_STORE === 's3' && !c.CORDON_EVIDENCE_BUCKET)
    throw new ConfigError(['CORDON_EVIDENCE_BUCKET: required when CORDON_EVIDENCE_STORE=s3']);
  // Guards polled from the incidents' queue could be starved of workflow-task slots (src/bootstrap/create-worker.ts).
  if (c.CORDON_FLEET_GUARD_TASK_QUEUE === c.CORDON_TASK_QUEUE)
    throw new ConfigError([
      'CORDON_FLEET_GUARD_TASK_QUEUE: must differ from CORDON_TASK_QUEUE (the guards need workflow-task slots of their own)',
    ]);
  return c;
}

/** True when Cordon should run its own moto and seed the demo fleet. */
export function usesSimulatedAws(config: Config): boolean {
  return !config.AWS_ENDPOINT_URL && !config.AWS_ACCESS_KEY_ID && !config.AWS_PROFILE;
}
