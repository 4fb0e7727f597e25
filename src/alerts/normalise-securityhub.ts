/**
 * Security Hub → Alerts. Reads the EventBridge event `Security Hub Findings - Imported` (and
 * `Security Hub Findings - Custom Action`, same shape, sent when an analyst picks a custom
 * action) whose `detail.findings[]` are ASFF findings.
 * Invariants: one alert per (finding, AwsEc2Instance resource); a finding with several instance
 * resources gets dedup keys `securityhub:<Id>#<instance>` so none shadows another. A finding with
 * no instance but an `AwsIamAccessKey` resource (GuardDuty's IAM findings as Security Hub imports
 * them: `Id` `AWS::IAM::AccessKey:<key id>`, `Details.AwsIamAccessKey` naming the principal)
 * accuses that access key, one alert per key (`securityhub:<Id>#<key>` when several); the user
 * comes from `PrincipalName` (or the deprecated `UserName`), else from an `AwsIamUser` resource of
 * the same finding. Findings with neither (an `AwsIamUser` alone names no key to contain) are
 * listed in `skipped`, and if no finding accuses anything the result is not-an-instance. Account
 * and region come from the resource ARN (where the instance lives), else from the finding. Workflow.Status RESOLVED|SUPPRESSED or RecordState ARCHIVED →
 * resolved. Indicators from ASFF Types (`TTPs/Command and Control/…`, `Effects/Data
 * Exfiltration`) and from an imported GuardDuty type (`…/Backdoor:EC2-C&CActivity.B`).
 */
import { z } from 'zod';
import {
  ACCESS_KEY_ID,
  accountIdSchema,
  finalise,
  floorScore,
  INSTANCE_ID,
  parseWith,
  regionSchema,
  severityFromScore,
  sourceTimestamp,
  toIso,
  type AlertDraft,
  type AlertResource,
  type AlertIndicators,
  type NormaliseDefaults,
  type NormaliseResult,
  type Severity,
  type SkippedItem,
} from './alert';
import { guardDutyIndicators } from './normalise-guardduty';

/** arn:aws:ec2:eu-west-1:123456789012:instance/i-0abc… (any partition: aws, aws-cn, aws-us-gov). */
const INSTANCE_ARN = /^arn:aws[a-z-]*:ec2:([a-z0-9-]+):(\d{12}):instance\/(i-[0-9a-f]{8,17})$/;

const LABELS = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
const LABEL_SEVERITY: Record<(typeof LABELS)[number], Severity> = {
  INFORMATIONAL: 'low',
  LOW: 'low',
  MEDIUM: 'medium',
  HIGH: 'high',
  CRITICAL: 'critical',
};

/** ASFF `Details.AwsIamAccessKey` (AwsIamAccessKeyDetails) and `Details.AwsIamUser`, the fields Cordon reads. */
const accessKeyDetails = z.object({
  AccessKeyId: z.string().optional(),
  AccountId: z.string().optional(),
  PrincipalId: z.string().optional(),
  PrincipalName: z.string().optional(),
  PrincipalType: z.string().optional(),
  /** Deprecated in ASFF (replaced by PrincipalName), still sent by older integrations. */
  UserName: z.string().optional(),
  Status: z.string().optional(),
});
const userDetails = z.object({ UserName: z.string().optional(), UserId: z.string().optional() });

const resourceSchema = z.object({
  Type: z.string().min(1),
  Id: z.string().min(1),
  Partition: z.string().optional(),
  Region: z.string().optional(),
  Details: z.object({ AwsIamAccessKey: accessKeyDetails.optional(), AwsIamUser: userDetails.optional() }).optional(),
});
type AsffResource = z.infer<typeof resourceSchema>;

const KEY_ID_PREFIX = 'AWS::IAM::AccessKey:';
/** The key id of an AwsIamAccessKey resource: its details, else its Id (`AWS::IAM::AccessKey:<id>` or the bare id). */
function accessKeyIdOf(r: AsffResource): string | undefined {
  const fromId = r.Id.startsWith(KEY_ID_PREFIX) ? r.Id.slice(KEY_ID_PREFIX.length) : r.Id;
  const id = r.Details?.AwsIamAccessKey?.AccessKeyId ?? fromId;
  return ACCESS_KEY_ID.test(id) ? id : undefined;
}
/** arn:aws:iam::123456789012:user/path/name → name. */
const USER_ARN = /^arn:aws[a-z-]*:iam::\d{12}:user\/(?:.*\/)?([\w+=,.@-]+)$/;

export const asffFindingSchema = z
  .object({
    SchemaVersion: z.string().optional(),
    Id: z.string().min(1),
    ProductArn: z.string().optional(),
    GeneratorId: z.string().optional(),
    AwsAccountId: accountIdSchema,
    Region: regionSchema.optional(),
    Types: z.array(z.string()).optional(),
    FirstObservedAt: sourceTimestamp.optional(),
    LastObservedAt: sourceTimestamp.optional(),
    CreatedAt: sourceTimestamp,
    UpdatedAt: sourceTimestamp,
    Severity: z
      .object({
        Label: z.enum(LABELS).optional(),
        /** Deprecated in ASFF but still sent by older integrations: 0–100. */
        Normalized: z.number().int().min(0).max(100).optional(),
        Original: z.string().optional(),
        Product: z.number().optional(),
      })
      .refine((s) => s.Label !== undefined || s.Normalized !== undefined, 'Severity needs Label or Normalized'),
    Title: z.string().min(1),
    Description: z.string().optional(),
    Resources: z.array(resourceSchema).min(1),
    Workflow: z.object({ Status: z.enum(['NEW', 'NOTIFIED', 'RESOLVED', 'SUPPRESSED']) }).optional(),
    RecordState: z.enum(['ACTIVE', 'ARCHIVED']).optional(),
  })
  .superRefine((finding, ctx) => {
    finding.Resources.forEach((r, i) => {
      if (r.Type === 'AwsEc2Instance' && !INSTANCE_ARN.test(r.Id) && !INSTANCE_ID.test(r.Id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['Resources', i, 'Id'],
          message: 'expected arn:aws:ec2:<region>:<account>:instance/i-… or an instance id',
        });
      }
    });
    finding.Resources.forEach((r, i) => {
      if (r.Type === 'AwsIamAccessKey' && accessKeyIdOf(r) === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['Resources', i, 'Id'],
          message: 'expected AWS::IAM::AccessKey:<access key id>, an access key id, or Details.AwsIamAccessKey.AccessKeyId',
        });
      }
    });
    if (finding.Region === undefined && finding.Resources.some((r) => r.Type === 'AwsEc2Instance' && INSTANCE_ID.test(r.Id))) {
      ctx.addIssue({ code: 'custom', path: ['Region'], message: 'required when an instance resource is not an ARN' });
    }
  });

export const securityHubEventSchema = z.object({
  version: z.string().optional(),
  id: z.string().optional(),
  'detail-type': z.enum(['Security Hub Findings - Imported', 'Security Hub Findings - Custom Action']),
  source: z.literal('aws.securityhub'),
  account: z.string().optional(),
  region: z.string().optional(),
  time: z.string().optional(),
  resources: z.array(z.string()).optional(),
  detail: z.object({ findings: z.array(asffFindingSchema).min(1) }),
});
export type SecurityHubEvent = z.infer<typeof securityHubEventSchema>;
type AsffFinding = z.infer<typeof asffFindingSchema>;

function severityOf(s: AsffFinding['Severity']): { severity: Severity; score: number } {
  if (s.Normalized !== undefined) {
    const score = s.Normalized / 10;
    // The label is authoritative when both are present (ASFF: Label takes precedence).
    if (!s.Label) return { severity: severityFromScore(score), score };
    const severity = LABEL_SEVERITY[s.Label];
    return { severity, score: clampToBand(score, severity) };
  }
  const severity = LABEL_SEVERITY[s.Label!];
  return { severity, score: s.Label === 'INFORMATIONAL' ? 0 : floorScore(severity) };
}

/** Keeps the score inside the label's band when a product's Normalized disagrees with its Label. */
function clampToBand(score: number, severity: Severity): number {
  const floor = severity === 'low' ? 0 : floorScore(severity);
  const ceiling = severity === 'critical' ? 10 : severity === 'high' ? 8.9 : severity === 'medium' ? 6.9 : 3.9;
  return Math.min(Math.max(score, floor), ceiling);
}

/** `TTPs/Command and Control/Backdoor:EC2-C&CActivity.B` → GuardDuty's `Backdoor:EC2/C&CActivity.B`. */
function importedGuardDutyType(type: string): string | undefined {
  const last = type.split('/').pop() ?? '';
  const m = /^([A-Za-z]+:[A-Za-z0-9]+)-(.+)$/.exec(last);
  return m ? `${m[1]}/${m[2]}` : undefined;
}

export function asffIndicators(types: readonly string[]): Required<AlertIndicators> {
  const result = { exfiltration: false, commandAndControl: false };
  for (const type of types) {
    if (/^TTPs\/Command and Control(\/|$)/.test(type)) result.commandAndControl = true;
    if (/^Effects\/Data Exfiltration(\/|$)/.test(type)) result.exfiltration = true;
    const gd = importedGuardDutyType(type);
    if (gd) {
      const fromGd = guardDutyIndicators(gd);
      result.commandAndControl ||= fromGd.commandAndControl;
      result.exfiltration ||= fromGd.exfiltration;
    }
  }
  return result;
}

/** The access key a resource names, with its principal (from its details, else the finding's AwsIamUser). */
function accessKeyOf(r: AsffResource, finding: AsffFinding, defaults: NormaliseDefaults): AlertResource {
  const d = r.Details?.AwsIamAccessKey;
  const user = finding.Resources.find((u) => u.Type === 'AwsIamUser');
  const userName = d?.PrincipalName ?? d?.UserName ?? user?.Details?.AwsIamUser?.UserName ?? USER_ARN.exec(user?.Id ?? '')?.[1];
  const account = d?.AccountId && /^\d{12}$/.test(d.AccountId) ? d.AccountId : finding.AwsAccountId;
  return {
    kind: 'iam-access-key',
    account,
    region: r.Region ?? finding.Region ?? defaults.region,
    accessKeyId: accessKeyIdOf(r)!,
    ...(userName ? { userName } : {}),
    ...(d?.PrincipalType ? { userType: d.PrincipalType } : {}),
    ...(d?.PrincipalId ? { principalId: d.PrincipalId } : {}),
  };
}

function instanceOf(resourceId: string, finding: AsffFinding, defaults: NormaliseDefaults) {
  const arn = INSTANCE_ARN.exec(resourceId);
  if (arn) return { region: arn[1]!, account: arn[2]!, instanceId: arn[3]! };
  return { region: finding.Region ?? defaults.region, account: finding.AwsAccountId, instanceId: resourceId };
}

export function normaliseSecurityHub(payload: unknown, defaults: NormaliseDefaults): NormaliseResult {
  const parsed = parseWith(securityHubEventSchema, payload);
  if (!parsed.ok) return parsed;
  const rawFindings = (payload as { detail: { findings: unknown[] } }).detail.findings;
  const drafts: AlertDraft[] = [];
  const skipped: SkippedItem[] = [];
  parsed.data.detail.findings.forEach((finding, i) => {
    const instances = finding.Resources.filter((r) => r.Type === 'AwsEc2Instance');
    const keys = instances.length === 0 ? finding.Resources.filter((r) => r.Type === 'AwsIamAccessKey') : [];
    if (instances.length === 0 && keys.length === 0) {
      skipped.push({
        path: `detail.findings[${i}]`,
        reason: `finding ${finding.Id} has no AwsEc2Instance or AwsIamAccessKey resource (${finding.Resources.map((r) => r.Type).join(', ')})`,
      });
      return;
    }
    const { severity, score } = severityOf(finding.Severity);
    const resolved =
      finding.Workflow?.Status === 'RESOLVED' || finding.Workflow?.Status === 'SUPPRESSED' || finding.RecordState === 'ARCHIVED';
    const accused: { resource: AlertResource; id: string }[] = [
      ...instances.map((r) => instanceOf(r.Id, finding, defaults)).map((t) => ({ resource: t, id: t.instanceId })),
      ...keys.map((r) => ({ resource: accessKeyOf(r, finding, defaults), id: accessKeyIdOf(r)! })),
    ];
    for (const { resource: target, id } of accused) {
      drafts.push({
        source: 'securityhub',
        sourceId: finding.Id,
        dedupKey: accused.length > 1 ? `securityhub:${finding.Id}#${id}` : undefined,
        severity,
        severityScore: score,
        title: finding.Title,
        ...(finding.Types?.[0] ? { findingType: finding.Types[0] } : {}),
        description: finding.Description,
        resource: target,
        firstSeen: toIso(finding.FirstObservedAt ?? finding.CreatedAt),
        lastSeen: toIso(finding.LastObservedAt ?? finding.UpdatedAt),
        status: resolved ? 'resolved' : 'firing',
        indicators: asffIndicators(finding.Types ?? []),
        raw: rawFindings[i],
      });
    }
  });
  return finalise(drafts, skipped);
}
