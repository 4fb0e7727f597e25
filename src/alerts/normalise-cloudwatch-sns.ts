/**
 * CloudWatch alarms delivered by SNS over HTTP(S) → Alerts. The body is SNS's JSON envelope;
 * for a Notification its `Message` is the alarm as a JSON string.
 * Invariants: only `Notification`s carry alerts; Subscription/UnsubscribeConfirmation come
 * back as not-an-alert with the control data the route needs (it must verify the signature,
 * sns-signature.ts, before visiting SubscribeURL). NewStateValue ALARM → firing, OK → resolved,
 * INSUFFICIENT_DATA → not-an-alert. The alarm ARN (or account:region:name) is the sourceId, so
 * an alarm's ALARM and later OK share one dedup key. The instance comes from an `InstanceId`
 * dimension (plain alarms' Trigger.Dimensions, or metric-math alarms' Trigger.Metrics[]);
 * without one the alarm is not-an-instance. Region: the alarm ARN, else the `Region` long name
 * ("EU (Ireland)"), else the topic ARN, else the default. Severity: see alert.ts.
 */
import { z } from 'zod';
import {
  finalise,
  floorScore,
  INSTANCE_ID,
  parseWith,
  REGION,
  severities,
  sourceTimestamp,
  toIso,
  type NormaliseDefaults,
  type NormaliseResult,
  type Severity,
} from './alert';

export const snsMessageSchema = z
  .object({
    Type: z.enum(['Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation']),
    MessageId: z.string().min(1),
    TopicArn: z.string().regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w.-]+$/, 'expected an SNS topic ARN'),
    Subject: z.string().nullish(),
    Message: z.string(),
    Timestamp: sourceTimestamp,
    SignatureVersion: z.enum(['1', '2']),
    Signature: z.string().min(1),
    SigningCertURL: z.string().min(1),
    UnsubscribeURL: z.string().optional(),
    SubscribeURL: z.string().optional(),
    Token: z.string().optional(),
  })
  .superRefine((m, ctx) => {
    if (m.Type === 'Notification') return;
    for (const key of ['SubscribeURL', 'Token'] as const) {
      if (!m[key]) ctx.addIssue({ code: 'custom', path: [key], message: `required for a ${m.Type}` });
    }
  });
export type SnsMessage = z.infer<typeof snsMessageSchema>;

const dimension = z.object({ name: z.string(), value: z.string() });

export const cloudWatchAlarmSchema = z.object({
  AlarmName: z.string().min(1),
  AlarmDescription: z.string().nullish(),
  AWSAccountId: z.string().regex(/^\d{12}$/, 'expected a 12-digit AWS account id'),
  NewStateValue: z.enum(['ALARM', 'OK', 'INSUFFICIENT_DATA']),
  NewStateReason: z.string().optional(),
  StateChangeTime: sourceTimestamp,
  Region: z.string().optional(),
  AlarmArn: z.string().optional(),
  OldStateValue: z.string().optional(),
  Trigger: z.object({
    MetricName: z.string().optional(),
    Namespace: z.string().optional(),
    Dimensions: z.array(dimension).optional(),
    Metrics: z
      .array(
        z.object({
          Id: z.string().optional(),
          MetricStat: z.object({ Metric: z.object({ Dimensions: z.array(dimension).optional() }) }).optional(),
        }),
      )
      .optional(),
  }),
});
export type CloudWatchAlarm = z.infer<typeof cloudWatchAlarmSchema>;

/** CloudWatch writes the region's long name; AWS renamed "EU (…)" to "Europe (…)" in places. */
const REGION_NAMES: Record<string, string> = {
  'US East (N. Virginia)': 'us-east-1',
  'US East (Ohio)': 'us-east-2',
  'US West (N. California)': 'us-west-1',
  'US West (Oregon)': 'us-west-2',
  'Africa (Cape Town)': 'af-south-1',
  'Asia Pacific (Hong Kong)': 'ap-east-1',
  'Asia Pacific (Mumbai)': 'ap-south-1',
  'Asia Pacific (Hyderabad)': 'ap-south-2',
  'Asia Pacific (Tokyo)': 'ap-northeast-1',
  'Asia Pacific (Seoul)': 'ap-northeast-2',
  'Asia Pacific (Osaka)': 'ap-northeast-3',
  'Asia Pacific (Singapore)': 'ap-southeast-1',
  'Asia Pacific (Sydney)': 'ap-southeast-2',
  'Asia Pacific (Jakarta)': 'ap-southeast-3',
  'Asia Pacific (Melbourne)': 'ap-southeast-4',
  'Canada (Central)': 'ca-central-1',
  'Canada West (Calgary)': 'ca-west-1',
  'EU (Frankfurt)': 'eu-central-1',
  'EU (Zurich)': 'eu-central-2',
  'EU (Ireland)': 'eu-west-1',
  'EU (London)': 'eu-west-2',
  'EU (Paris)': 'eu-west-3',
  'EU (Milan)': 'eu-south-1',
  'EU (Spain)': 'eu-south-2',
  'EU (Stockholm)': 'eu-north-1',
  'Israel (Tel Aviv)': 'il-central-1',
  'Middle East (Bahrain)': 'me-south-1',
  'Middle East (UAE)': 'me-central-1',
  'South America (Sao Paulo)': 'sa-east-1',
  'AWS GovCloud (US-West)': 'us-gov-west-1',
  'AWS GovCloud (US-East)': 'us-gov-east-1',
  'China (Beijing)': 'cn-north-1',
  'China (Ningxia)': 'cn-northwest-1',
};

export function regionFromName(name: string): string | undefined {
  if (REGION.test(name)) return name;
  return REGION_NAMES[name] ?? REGION_NAMES[name.replace(/^Europe \(/, 'EU (')];
}

/** arn:aws:<service>:<region>:<account>:… */
function arnParts(arn: string | undefined): { region: string; account: string } | undefined {
  const m = arn ? /^arn:aws[a-z-]*:[a-z0-9-]+:([a-z0-9-]+):(\d{12}):/.exec(arn) : null;
  return m && REGION.test(m[1]!) ? { region: m[1]!, account: m[2]! } : undefined;
}

/** `severity=high` (or `severity: high`) anywhere in AlarmDescription; else medium. */
function alarmSeverity(description: string | null | undefined): Severity {
  const m = description ? /\bseverity\s*[=:]\s*(low|medium|high|critical)\b/i.exec(description) : null;
  const named = m?.[1]?.toLowerCase();
  return (severities as readonly string[]).includes(named ?? '') ? (named as Severity) : 'medium';
}

function instanceDimension(alarm: CloudWatchAlarm): { value: string; path: string } | undefined {
  const t = alarm.Trigger;
  const plain = (t.Dimensions ?? []).findIndex((d) => d.name === 'InstanceId');
  if (plain >= 0) return { value: t.Dimensions![plain]!.value, path: `Message.Trigger.Dimensions[${plain}].value` };
  for (const [i, metric] of (t.Metrics ?? []).entries()) {
    const dims = metric.MetricStat?.Metric.Dimensions ?? [];
    const j = dims.findIndex((d) => d.name === 'InstanceId');
    if (j >= 0) return { value: dims[j]!.value, path: `Message.Trigger.Metrics[${i}].MetricStat.Metric.Dimensions[${j}].value` };
  }
  return undefined;
}

export function normaliseCloudWatchSns(payload: unknown, defaults: NormaliseDefaults): NormaliseResult {
  const envelope = parseWith(snsMessageSchema, payload);
  if (!envelope.ok) return envelope;
  const sns = envelope.data;
  if (sns.Type !== 'Notification') {
    return {
      ok: false,
      kind: 'not-an-alert',
      reason: `SNS ${sns.Type} for ${sns.TopicArn}`,
      control: { type: sns.Type, topicArn: sns.TopicArn, subscribeUrl: sns.SubscribeURL!, token: sns.Token! },
    };
  }
  let message: unknown;
  try {
    message = JSON.parse(sns.Message);
  } catch {
    return { ok: false, kind: 'invalid', issues: [{ path: 'Message', message: 'expected a CloudWatch alarm as a JSON string' }] };
  }
  const parsed = parseWith(cloudWatchAlarmSchema, message, 'Message');
  if (!parsed.ok) return parsed;
  const alarm = parsed.data;
  if (alarm.NewStateValue === 'INSUFFICIENT_DATA') {
    return { ok: false, kind: 'not-an-alert', reason: `alarm ${alarm.AlarmName} went to INSUFFICIENT_DATA` };
  }
  const dim = instanceDimension(alarm);
  if (!dim) {
    const reason = `alarm ${alarm.AlarmName} has no InstanceId dimension`;
    return { ok: false, kind: 'not-an-instance', reason, skipped: [{ path: 'Message.Trigger', reason }] };
  }
  if (!INSTANCE_ID.test(dim.value)) {
    return {
      ok: false,
      kind: 'invalid',
      issues: [{ path: dim.path, message: 'expected an EC2 instance id (i- and 8 to 17 lower-case hex digits)' }],
    };
  }
  const fromAlarmArn = arnParts(alarm.AlarmArn);
  const fromTopic = arnParts(sns.TopicArn);
  const region = fromAlarmArn?.region ?? (alarm.Region ? regionFromName(alarm.Region) : undefined) ?? fromTopic?.region ?? defaults.region;
  const account = alarm.AWSAccountId;
  const sourceId = alarm.AlarmArn ?? `arn:aws:cloudwatch:${region}:${account}:alarm:${alarm.AlarmName}`;
  const severity = alarmSeverity(alarm.AlarmDescription);
  const at = toIso(alarm.StateChangeTime);
  return finalise(
    [
      {
        source: 'cloudwatch-sns',
        sourceId,
        severity,
        severityScore: floorScore(severity),
        title: alarm.AlarmName,
        description: alarm.NewStateReason,
        resource: { account, region, instanceId: dim.value },
        firstSeen: at,
        lastSeen: at,
        status: alarm.NewStateValue === 'OK' ? 'resolved' : 'firing',
        raw: payload,
      },
    ],
    [],
  );
}
