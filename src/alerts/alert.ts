/**
 * The normalised Alert: one signal from one source, accusing one resource: an EC2 instance, or
 * an IAM access key (GuardDuty and Security Hub IAM findings; `resource.kind: iam-access-key`). Every
 * per-source normaliser (normalise-<source>.ts) produces these and nothing else, and every
 * Alert it returns has passed `alertSchema` (the invariant checked in `finalise`).
 *
 * One severity scale for all sources, on GuardDuty's bands (score 0–10):
 *   low < 4 ≤ medium < 7 ≤ high < 9 ≤ critical.
 * Per source:
 *   - guardduty:      the finding's Severity (0–10) is the score; the label follows the bands
 *                     (GuardDuty's own: 1–3.9 low, 4–6.9 medium, 7–8.9 high, 9–10 critical).
 *   - securityhub:    Severity.Label INFORMATIONAL|LOW → low, MEDIUM → medium, HIGH → high,
 *                     CRITICAL → critical; score = Severity.Normalized / 10 when present
 *                     (ASFF's 0–100 bands line up with ours), else the label's floor score.
 *   - cloudwatch-sns: alarms carry no severity: `severity=<level>` in AlarmDescription, else
 *                     medium; score = the label's floor score.
 *   - alertmanager:   label `severity`: critical|page|emergency → critical, high|error|major →
 *                     high, warning|warn|medium|minor → medium, info|low|none|informational →
 *                     low; absent or unrecognised → medium. Score = the label's floor score.
 *   - generic:        the caller's label; score = the label's floor score.
 * Floor scores: low 1, medium 4, high 7, critical 9, so `severityFromScore(score) === severity`
 * holds for every Alert.
 */
import { z } from 'zod';

export const alertSources = ['guardduty', 'securityhub', 'cloudwatch-sns', 'alertmanager', 'generic'] as const;
export type AlertSource = (typeof alertSources)[number];

export const severities = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof severities)[number];

export const INSTANCE_ID = /^i-[0-9a-f]{8,17}$/;
export const ACCOUNT_ID = /^\d{12}$/;
/** us-east-1, eu-central-2, us-gov-west-1, cn-northwest-1, … */
export const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

export const instanceIdSchema = z.string().regex(INSTANCE_ID, 'expected an EC2 instance id (i- and 8 to 17 lower-case hex digits)');
export const accountIdSchema = z.string().regex(ACCOUNT_ID, 'expected a 12-digit AWS account id');
export const regionSchema = z.string().regex(REGION, 'expected an AWS region code such as eu-west-1');

/**
 * A timestamp as sources write it: ISO 8601 with `Z` or an offset (CloudWatch writes
 * `+0000` without a colon; Alertmanager writes nanoseconds). Normalisers store `toIso(value)`.
 */
export const sourceTimestamp = z
  .string()
  .refine(
    (s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)),
    'expected an ISO 8601 timestamp with a time zone',
  );

export function toIso(timestamp: string): string {
  return new Date(Date.parse(timestamp)).toISOString();
}

/** IAM AccessKeyId: 16–128 word characters (AKIA… for a user's key, ASIA… for temporary credentials). */
export const ACCESS_KEY_ID = /^\w{16,128}$/;
export const accessKeyIdSchema = z.string().regex(ACCESS_KEY_ID, 'expected an IAM access key id (16 to 128 letters, digits or _)');

export const instanceResourceSchema = z
  .object({ kind: z.literal('ec2-instance').optional(), account: accountIdSchema, region: regionSchema, instanceId: instanceIdSchema })
  .strict();
export const accessKeyResourceSchema = z
  .object({
    kind: z.literal('iam-access-key'),
    account: accountIdSchema,
    region: regionSchema,
    accessKeyId: accessKeyIdSchema,
    userName: z.string().min(1).max(128).optional(),
    userType: z.string().min(1).max(64).optional(),
    principalId: z.string().min(1).max(256).optional(),
  })
  .strict();
export const resourceSchema = z.union([instanceResourceSchema, accessKeyResourceSchema]);

export const indicatorsSchema = z
  .object({
    /** The source saw data leave (GuardDuty Exfiltration:*, Trojan:EC2/DNSDataExfiltration, …). */
    exfiltration: z.boolean().optional(),
    /** The source saw the instance talk to attacker infrastructure (Backdoor:EC2/C&CActivity.*, …). */
    commandAndControl: z.boolean().optional(),
  })
  .strict();

export const alertSchema = z
  .object({
    source: z.enum(alertSources),
    /** The source's own id of the signal (finding id, fingerprint, alarm ARN). */
    sourceId: z.string().min(1),
    /** Stable across repeats of the same signal: `${source}:${sourceId}` unless said otherwise. */
    dedupKey: z.string().min(1),
    severity: z.enum(severities),
    severityScore: z.number().min(0).max(10),
    title: z.string().min(1),
    /** The source's finding type (GuardDuty `Type`, Security Hub's first `Types` entry); runbooks match on it. */
    findingType: z.string().min(1).optional(),
    description: z.string().optional(),
    resource: resourceSchema,
    firstSeen: z.iso.datetime(),
    lastSeen: z.iso.datetime(),
    status: z.enum(['firing', 'resolved']),
    indicators: indicatorsSchema.optional(),
    /** The source's payload for this alert, kept for the evidence store. */
    raw: z.unknown(),
  })
  .strict();

export type Alert = z.infer<typeof alertSchema>;
export type AlertResource = z.infer<typeof resourceSchema>;
export type AlertIndicators = z.infer<typeof indicatorsSchema>;

export interface FieldIssue {
  path: string;
  message: string;
}

/** Where the account and region come from when the payload does not say. */
export interface NormaliseDefaults {
  account: string;
  region: string;
  /** Receipt time, for sources that carry none (generic); defaults to the current time. */
  now?: Date;
}

/** Part of a payload that was read but yielded no alert (e.g. a finding about an S3 bucket). */
export interface SkippedItem {
  path: string;
  reason: string;
}

/** An SNS control message the HTTP route must act on (after verifying its signature). */
export interface SnsControlMessage {
  type: 'SubscriptionConfirmation' | 'UnsubscribeConfirmation';
  topicArn: string;
  subscribeUrl: string;
  token: string;
}

export type NormaliseResult =
  | { ok: true; alerts: Alert[]; skipped: SkippedItem[] }
  | { ok: false; kind: 'invalid'; issues: FieldIssue[] }
  /** Nothing in the payload accuses a resource Cordon acts on (an instance or an access key). */
  | { ok: false; kind: 'not-an-instance'; reason: string; skipped: SkippedItem[] }
  /** Well-formed, but not an alert: an SNS subscription message, an INSUFFICIENT_DATA alarm. */
  | { ok: false; kind: 'not-an-alert'; reason: string; control?: SnsControlMessage };

const SCORE_FLOOR: Record<Severity, number> = { low: 1, medium: 4, high: 7, critical: 9 };

export function severityFromScore(score: number): Severity {
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  return 'low';
}

export function floorScore(severity: Severity): number {
  return SCORE_FLOOR[severity];
}

/** `detail.findings[2].Resources` from a zod path, with an optional prefix. */
export function formatPath(path: readonly PropertyKey[], prefix = ''): string {
  const joined = path.reduce<string>(
    (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)),
    prefix,
  );
  return joined || '(root)';
}

/** Zod issues as field issues; an unknown key is reported at its own path. */
export function issuesOf(error: z.ZodError, prefix = ''): FieldIssue[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: formatPath([...issue.path, key], prefix), message: 'unknown field' }));
    }
    return [{ path: formatPath(issue.path, prefix), message: issue.message }];
  });
}

export type Parsed<T> = { ok: true; data: T } | { ok: false; kind: 'invalid'; issues: FieldIssue[] };

export function parseWith<T>(schema: z.ZodType<T>, payload: unknown, prefix = ''): Parsed<T> {
  const result = schema.safeParse(payload);
  return result.success ? { ok: true, data: result.data } : { ok: false, kind: 'invalid', issues: issuesOf(result.error, prefix) };
}

/** An Alert as a normaliser builds it: the dedup key defaults to `${source}:${sourceId}`. */
export type AlertDraft = Omit<Alert, 'dedupKey' | 'raw'> & { dedupKey?: string; raw: unknown };

/**
 * Checks the invariant (every Alert satisfies alertSchema) and shapes the result: no alerts
 * and something skipped means the payload accused no instance.
 */
export function finalise(drafts: AlertDraft[], skipped: SkippedItem[]): NormaliseResult {
  const alerts: Alert[] = [];
  for (const [i, draft] of drafts.entries()) {
    const alert = { ...draft, dedupKey: draft.dedupKey ?? `${draft.source}:${draft.sourceId}` };
    const checked = alertSchema.safeParse(alert);
    if (!checked.success) return { ok: false, kind: 'invalid', issues: issuesOf(checked.error, `(alert ${i})`) };
    alerts.push({ ...checked.data, raw: draft.raw });
  }
  if (alerts.length === 0) {
    const reason = skipped.length > 0 ? skipped.map((s) => `${s.path}: ${s.reason}`).join('; ') : 'the payload holds no alerts';
    return { ok: false, kind: 'not-an-instance', reason, skipped };
  }
  return { ok: true, alerts, skipped };
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
