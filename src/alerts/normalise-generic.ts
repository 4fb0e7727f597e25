/**
 * The generic alert: Cordon's own documented JSON, for scripts, SIEM rules and anything else.
 *   { "instanceId": "i-…", "severity": "low|medium|high|critical", "title": "…",
 *     "description"?, "account"?, "region"?, "sourceId"?, "dedupKey"?, "firstSeen"?, "status"? }
 * Invariants: the shape is strict (an unknown field is refused by name, so a typo such as
 * `severty` cannot silently drop data); account/region default to the deployment's; without a
 * sourceId, one is derived from (account, region, instance, title), so resending the same
 * alert dedups while a differently titled one counts as a new alert; firstSeen defaults to
 * receipt time and lastSeen is receipt time (never before firstSeen).
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import {
  accountIdSchema,
  finalise,
  floorScore,
  instanceIdSchema,
  parseWith,
  regionSchema,
  severities,
  sourceTimestamp,
  toIso,
  type NormaliseDefaults,
  type NormaliseResult,
} from './alert';

export const genericAlertSchema = z
  .object({
    instanceId: instanceIdSchema,
    severity: z.enum(severities),
    title: z.string().trim().min(1).max(500),
    description: z.string().max(10_000).optional(),
    account: accountIdSchema.optional(),
    region: regionSchema.optional(),
    sourceId: z.string().min(1).max(500).optional(),
    dedupKey: z.string().min(1).max(500).optional(),
    firstSeen: sourceTimestamp.optional(),
    status: z.enum(['firing', 'resolved']).optional(),
  })
  .strict();
export type GenericAlert = z.infer<typeof genericAlertSchema>;

export function normaliseGeneric(payload: unknown, defaults: NormaliseDefaults): NormaliseResult {
  const parsed = parseWith(genericAlertSchema, payload);
  if (!parsed.ok) return parsed;
  const g = parsed.data;
  const account = g.account ?? defaults.account;
  const region = g.region ?? defaults.region;
  const now = (defaults.now ?? new Date()).toISOString();
  const firstSeen = g.firstSeen ? toIso(g.firstSeen) : now;
  const sourceId =
    g.sourceId ??
    createHash('sha256')
      .update(JSON.stringify([account, region, g.instanceId, g.title]))
      .digest('hex')
      .slice(0, 16);
  return finalise(
    [
      {
        source: 'generic',
        sourceId,
        dedupKey: g.dedupKey,
        severity: g.severity,
        severityScore: floorScore(g.severity),
        title: g.title,
        description: g.description,
        resource: { account, region, instanceId: g.instanceId },
        firstSeen,
        lastSeen: firstSeen > now ? firstSeen : now,
        status: g.status ?? 'firing',
        raw: payload,
      },
    ],
    [],
  );
}
