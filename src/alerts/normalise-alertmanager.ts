/**
 * Prometheus Alertmanager webhook (payload version 4) → Alerts, one per alert in the group.
 * Invariants: the instance id comes from one configurable label (default `instance_id`, what
 * EC2 service discovery's `__meta_ec2_instance_id` is usually relabelled to); alerts without
 * it are listed in `skipped`, and a group with none is not-an-instance. A label that is there
 * but is not an instance id (or a bad `account`/`region` label) is invalid, with its path.
 * The fingerprint is the sourceId, stable between firing and resolved. firstSeen = startsAt;
 * lastSeen = endsAt once resolved, else startsAt (a firing alert's endsAt is only Alertmanager's
 * resolve-timeout guess). Severity mapping: see alert.ts.
 */
import { z } from 'zod';
import {
  ACCOUNT_ID,
  finalise,
  floorScore,
  INSTANCE_ID,
  parseWith,
  REGION,
  sourceTimestamp,
  toIso,
  type AlertDraft,
  type FieldIssue,
  type NormaliseDefaults,
  type NormaliseResult,
  type Severity,
  type SkippedItem,
} from './alert';

export const DEFAULT_INSTANCE_LABEL = 'instance_id';

const labels = z.record(z.string(), z.string());

export const alertmanagerAlertSchema = z.object({
  status: z.enum(['firing', 'resolved']),
  labels,
  annotations: labels.optional(),
  startsAt: sourceTimestamp,
  endsAt: sourceTimestamp.optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().min(1),
});

export const alertmanagerWebhookSchema = z.object({
  version: z.literal('4'),
  groupKey: z.string(),
  truncatedAlerts: z.number().int().nonnegative().optional(),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string(),
  groupLabels: labels.optional(),
  commonLabels: labels.optional(),
  commonAnnotations: labels.optional(),
  externalURL: z.string().optional(),
  alerts: z.array(alertmanagerAlertSchema).min(1),
});
export type AlertmanagerWebhook = z.infer<typeof alertmanagerWebhookSchema>;

const SEVERITY_WORDS: Record<string, Severity> = {
  critical: 'critical',
  page: 'critical',
  emergency: 'critical',
  high: 'high',
  error: 'high',
  major: 'high',
  warning: 'medium',
  warn: 'medium',
  medium: 'medium',
  minor: 'medium',
  info: 'low',
  informational: 'low',
  low: 'low',
  none: 'low',
};

export function alertmanagerSeverity(label: string | undefined): Severity {
  return (label && SEVERITY_WORDS[label.trim().toLowerCase()]) || 'medium';
}

export interface AlertmanagerOptions {
  /** Label that carries the EC2 instance id. */
  instanceLabel?: string;
}

export function normaliseAlertmanager(payload: unknown, defaults: NormaliseDefaults, opts: AlertmanagerOptions = {}): NormaliseResult {
  const instanceLabel = opts.instanceLabel ?? DEFAULT_INSTANCE_LABEL;
  const parsed = parseWith(alertmanagerWebhookSchema, payload);
  if (!parsed.ok) return parsed;
  const rawAlerts = (payload as { alerts: unknown[] }).alerts;
  const drafts: AlertDraft[] = [];
  const skipped: SkippedItem[] = [];
  const issues: FieldIssue[] = [];
  parsed.data.alerts.forEach((a, i) => {
    const at = `alerts[${i}].labels`;
    const instanceId = a.labels[instanceLabel];
    if (instanceId === undefined) {
      skipped.push({ path: at, reason: `alert ${a.labels.alertname ?? a.fingerprint} has no "${instanceLabel}" label` });
      return;
    }
    const account = a.labels.account ?? defaults.account;
    const region = a.labels.region ?? defaults.region;
    if (!INSTANCE_ID.test(instanceId))
      issues.push({ path: `${at}.${instanceLabel}`, message: 'expected an EC2 instance id (i- and 8 to 17 lower-case hex digits)' });
    if (!ACCOUNT_ID.test(account)) issues.push({ path: `${at}.account`, message: 'expected a 12-digit AWS account id' });
    if (!REGION.test(region)) issues.push({ path: `${at}.region`, message: 'expected an AWS region code such as eu-west-1' });
    const severity = alertmanagerSeverity(a.labels.severity);
    const resolved = a.status === 'resolved';
    drafts.push({
      source: 'alertmanager',
      sourceId: a.fingerprint,
      severity,
      severityScore: floorScore(severity),
      title: a.annotations?.summary || a.labels.alertname || `alert ${a.fingerprint}`,
      description: a.annotations?.description || undefined,
      resource: { account, region, instanceId },
      firstSeen: toIso(a.startsAt),
      lastSeen: toIso(resolved && a.endsAt ? a.endsAt : a.startsAt),
      status: a.status,
      raw: rawAlerts[i],
    });
  });
  if (issues.length > 0) return { ok: false, kind: 'invalid', issues };
  return finalise(drafts, skipped);
}
