/**
 * GuardDuty findings → Alerts. Accepts the two shapes a finding travels in:
 *   - the EventBridge event (`source: aws.guardduty`, `detail-type: GuardDuty Finding`,
 *     camelCase `detail`), what an EventBridge rule → API destination delivers;
 *   - the PascalCase GetFindings API shape: one finding, or the `{ Findings: [...] }` response.
 * Invariants: `resourceType: Instance` findings accuse the instance; `resourceType: AccessKey`
 * findings (GuardDuty's IAM finding types: UnauthorizedAccess:IAMUser/*, CredentialAccess:IAMUser/*,
 * InitialAccess:IAMUser/*, Discovery:IAMUser/*, …, whose resource type is always AccessKey) accuse
 * the access key in `accessKeyDetails`, with the user (or role) it names; other resource types
 * are skipped (not-an-instance when nothing else is accused); the finding id is the sourceId, stable across repeats of the same activity,
 * so the dedup key stays `guardduty:<id>` while `service.count` grows; an archived finding is
 * `resolved`. Indicators come from the finding type (see `guardDutyIndicators`).
 */
import { z } from 'zod';
import {
  accessKeyIdSchema,
  accountIdSchema,
  finalise,
  instanceIdSchema,
  isRecord,
  parseWith,
  regionSchema,
  severityFromScore,
  sourceTimestamp,
  toIso,
  type AlertDraft,
  type AlertResource,
  type AlertIndicators,
  type FieldIssue,
  type NormaliseDefaults,
  type NormaliseResult,
  type SkippedItem,
} from './alert';

/**
 * Finding types whose presence says something about the instance beyond "suspicious".
 * GuardDuty EC2 and Runtime Monitoring (EC2) finding types, per the GuardDuty finding-type
 * reference: C&C contact and trojans talking to attacker infrastructure; data leaving through
 * DNS, drop points, or instance credentials used from outside.
 */
const INDICATOR_RULES: { pattern: RegExp; indicator: keyof AlertIndicators }[] = [
  { pattern: /^Backdoor:(EC2|Runtime)\//, indicator: 'commandAndControl' },
  { pattern: /^Trojan:(EC2|Runtime)\/(?!DNSDataExfiltration|DropPoint)/, indicator: 'commandAndControl' },
  { pattern: /^UnauthorizedAccess:(EC2|Runtime)\/(TorClient|TorRelay|MaliciousIPCaller)/, indicator: 'commandAndControl' },
  { pattern: /^Exfiltration:/, indicator: 'exfiltration' },
  { pattern: /^Trojan:(EC2|Runtime)\/(DNSDataExfiltration|DropPoint)/, indicator: 'exfiltration' },
  { pattern: /^UnauthorizedAccess:(EC2\/MetadataDNSRebind|IAMUser\/InstanceCredentialExfiltration)/, indicator: 'exfiltration' },
];

export function guardDutyIndicators(findingType: string): Required<AlertIndicators> {
  const hit = (indicator: keyof AlertIndicators) =>
    INDICATOR_RULES.some((rule) => rule.indicator === indicator && rule.pattern.test(findingType));
  return { exfiltration: hit('exfiltration'), commandAndControl: hit('commandAndControl') };
}

const severityScore = z.number().min(0).max(10);

/** resourceType Instance must name the instance; other types are kept to be reported. */
function requireInstanceId(resource: { resourceType: string; instanceId: string | undefined }, ctx: z.RefinementCtx, path: string[]) {
  if (resource.resourceType !== 'Instance') return;
  const checked = instanceIdSchema.safeParse(resource.instanceId);
  if (!checked.success)
    ctx.addIssue({
      code: 'custom',
      path,
      message: resource.instanceId === undefined ? 'required for an Instance finding' : checked.error.issues[0]!.message,
    });
}

/** resourceType AccessKey must name the key. */
function requireAccessKeyId(resource: { resourceType: string; accessKeyId: string | undefined }, ctx: z.RefinementCtx, path: string[]) {
  if (resource.resourceType !== 'AccessKey') return;
  const checked = accessKeyIdSchema.safeParse(resource.accessKeyId);
  if (!checked.success)
    ctx.addIssue({
      code: 'custom',
      path,
      message: resource.accessKeyId === undefined ? 'required for an AccessKey finding' : checked.error.issues[0]!.message,
    });
}

const camelAccessKey = z.object({
  accessKeyId: z.string().optional(),
  principalId: z.string().optional(),
  userName: z.string().optional(),
  userType: z.string().optional(),
});
const pascalAccessKey = z.object({
  AccessKeyId: z.string().optional(),
  PrincipalId: z.string().optional(),
  UserName: z.string().optional(),
  UserType: z.string().optional(),
});

const camelFinding = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  severity: severityScore,
  title: z.string().min(1),
  description: z.string().optional(),
  accountId: accountIdSchema,
  region: regionSchema,
  createdAt: sourceTimestamp,
  updatedAt: sourceTimestamp,
  resource: z
    .object({
      resourceType: z.string().min(1),
      instanceDetails: z.object({ instanceId: z.string().optional() }).optional(),
      accessKeyDetails: camelAccessKey.optional(),
    })
    .superRefine((r, ctx) => {
      requireInstanceId({ resourceType: r.resourceType, instanceId: r.instanceDetails?.instanceId }, ctx, [
        'instanceDetails',
        'instanceId',
      ]);
      requireAccessKeyId({ resourceType: r.resourceType, accessKeyId: r.accessKeyDetails?.accessKeyId }, ctx, [
        'accessKeyDetails',
        'accessKeyId',
      ]);
    }),
  service: z
    .object({
      eventFirstSeen: sourceTimestamp.optional(),
      eventLastSeen: sourceTimestamp.optional(),
      count: z.number().int().nonnegative().optional(),
      archived: z.boolean().optional(),
    })
    .optional(),
});

export const guardDutyEventSchema = z.object({
  version: z.string().optional(),
  id: z.string().optional(),
  'detail-type': z.literal('GuardDuty Finding'),
  source: z.literal('aws.guardduty'),
  account: z.string().optional(),
  region: z.string().optional(),
  time: z.string().optional(),
  detail: camelFinding,
});

export const guardDutyApiFindingSchema = z.object({
  Id: z.string().min(1),
  Type: z.string().min(1),
  Severity: severityScore,
  Title: z.string().min(1),
  Description: z.string().optional(),
  AccountId: accountIdSchema,
  Region: regionSchema,
  CreatedAt: sourceTimestamp,
  UpdatedAt: sourceTimestamp,
  Resource: z
    .object({
      ResourceType: z.string().min(1),
      InstanceDetails: z.object({ InstanceId: z.string().optional() }).optional(),
      AccessKeyDetails: pascalAccessKey.optional(),
    })
    .superRefine((r, ctx) => {
      requireInstanceId({ resourceType: r.ResourceType, instanceId: r.InstanceDetails?.InstanceId }, ctx, [
        'InstanceDetails',
        'InstanceId',
      ]);
      requireAccessKeyId({ resourceType: r.ResourceType, accessKeyId: r.AccessKeyDetails?.AccessKeyId }, ctx, [
        'AccessKeyDetails',
        'AccessKeyId',
      ]);
    }),
  Service: z
    .object({
      EventFirstSeen: sourceTimestamp.optional(),
      EventLastSeen: sourceTimestamp.optional(),
      Count: z.number().int().nonnegative().optional(),
      Archived: z.boolean().optional(),
    })
    .optional(),
});

export const guardDutyApiResponseSchema = z.object({ Findings: z.array(guardDutyApiFindingSchema).min(1) });

export const guardDutyPayloadSchema = z.union([guardDutyEventSchema, guardDutyApiFindingSchema, guardDutyApiResponseSchema]);
export type GuardDutyPayload = z.infer<typeof guardDutyPayloadSchema>;

/** One finding, whichever shape it came in. */
interface Finding {
  id: string;
  type: string;
  severity: number;
  title: string;
  description?: string;
  account: string;
  region: string;
  resourceType: string;
  instanceId?: string;
  accessKey?: { accessKeyId?: string; principalId?: string; userName?: string; userType?: string };
  firstSeen: string;
  lastSeen: string;
  archived: boolean;
  raw: unknown;
  path: string;
}

function fromEvent(event: z.infer<typeof guardDutyEventSchema>, raw: unknown): Finding {
  const d = event.detail;
  return {
    id: d.id,
    type: d.type,
    severity: d.severity,
    title: d.title,
    description: d.description,
    account: d.accountId,
    region: d.region,
    resourceType: d.resource.resourceType,
    instanceId: d.resource.instanceDetails?.instanceId,
    accessKey: d.resource.accessKeyDetails,
    firstSeen: d.service?.eventFirstSeen ?? d.createdAt,
    lastSeen: d.service?.eventLastSeen ?? d.updatedAt,
    archived: d.service?.archived ?? false,
    raw,
    path: 'detail',
  };
}

function fromApi(f: z.infer<typeof guardDutyApiFindingSchema>, raw: unknown, path: string): Finding {
  return {
    id: f.Id,
    type: f.Type,
    severity: f.Severity,
    title: f.Title,
    description: f.Description,
    account: f.AccountId,
    region: f.Region,
    resourceType: f.Resource.ResourceType,
    instanceId: f.Resource.InstanceDetails?.InstanceId,
    accessKey: f.Resource.AccessKeyDetails && {
      accessKeyId: f.Resource.AccessKeyDetails.AccessKeyId,
      principalId: f.Resource.AccessKeyDetails.PrincipalId,
      userName: f.Resource.AccessKeyDetails.UserName,
      userType: f.Resource.AccessKeyDetails.UserType,
    },
    firstSeen: f.Service?.EventFirstSeen ?? f.CreatedAt,
    lastSeen: f.Service?.EventLastSeen ?? f.UpdatedAt,
    archived: f.Service?.Archived ?? false,
    raw,
    path,
  };
}

/** Which shape the payload claims to be, so errors are reported against that shape only. */
function readFindings(payload: unknown): { ok: true; findings: Finding[] } | { ok: false; kind: 'invalid'; issues: FieldIssue[] } {
  if (isRecord(payload) && 'Findings' in payload) {
    const parsed = parseWith(guardDutyApiResponseSchema, payload);
    if (!parsed.ok) return parsed;
    const raws = payload.Findings as unknown[];
    return { ok: true, findings: parsed.data.Findings.map((f, i) => fromApi(f, raws[i], `Findings[${i}]`)) };
  }
  if (isRecord(payload) && ('Id' in payload || 'Type' in payload) && !('detail' in payload)) {
    const parsed = parseWith(guardDutyApiFindingSchema, payload);
    return parsed.ok ? { ok: true, findings: [fromApi(parsed.data, payload, '(root)')] } : parsed;
  }
  const parsed = parseWith(guardDutyEventSchema, payload);
  return parsed.ok ? { ok: true, findings: [fromEvent(parsed.data, payload)] } : parsed;
}

export function normaliseGuardDuty(payload: unknown, _defaults: NormaliseDefaults): NormaliseResult {
  const read = readFindings(payload);
  if (!read.ok) return read;
  const drafts: AlertDraft[] = [];
  const skipped: SkippedItem[] = [];
  for (const f of read.findings) {
    const resource = accusedResource(f);
    if (!resource) {
      skipped.push({
        path: f.path,
        reason: `GuardDuty finding ${f.id} (${f.type}) concerns a ${f.resourceType}, not an EC2 instance or an IAM access key`,
      });
      continue;
    }
    const severity = severityFromScore(f.severity);
    drafts.push({
      source: 'guardduty',
      sourceId: f.id,
      severity,
      severityScore: f.severity,
      title: f.title,
      findingType: f.type,
      description: f.description,
      resource,
      firstSeen: toIso(f.firstSeen),
      lastSeen: toIso(f.lastSeen),
      status: f.archived ? 'resolved' : 'firing',
      indicators: guardDutyIndicators(f.type),
      raw: f.raw,
    });
  }
  return finalise(drafts, skipped);
}

/** The instance, or the access key with the principal GuardDuty names (blank names are left out). */
function accusedResource(f: Finding): AlertResource | undefined {
  if (f.resourceType === 'Instance' && f.instanceId !== undefined)
    return { account: f.account, region: f.region, instanceId: f.instanceId };
  const key = f.accessKey;
  if (f.resourceType !== 'AccessKey' || key?.accessKeyId === undefined) return undefined;
  const named = (v: string | undefined) => (v && v.trim() ? v : undefined);
  const userName = named(key.userName);
  const userType = named(key.userType);
  const principalId = named(key.principalId);
  return {
    kind: 'iam-access-key',
    account: f.account,
    region: f.region,
    accessKeyId: key.accessKeyId,
    ...(userName ? { userName } : {}),
    ...(userType ? { userType } : {}),
    ...(principalId ? { principalId } : {}),
  };
}
