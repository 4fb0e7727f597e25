/**
 * The steps of an access-key incident (runbooks/iam-access-key-compromise.yaml; AWS.md Part 3,
 * after AWSSupport-ContainIAMPrincipal): describe the principal the key belongs to, keep its
 * state as evidence, tag it, deactivate the key, deny the principal's sessions issued before the
 * containment time, keep CloudTrail's history of the key. `describe`, `tag-containing` and
 * `tag-quarantined` are shared with instances (step-registry.ts dispatches on the resource kind);
 * the others act on access keys only (the catalogue's `kinds`, checked when a runbook loads).
 * Invariants: nothing is deleted; the principal's description in history is taken before any
 * step changes it and is what `capture-principal` stores; mutations run in the chain (local
 * activities, idempotent, check-before-act), captures beside it; plan mode calls nothing that
 * changes AWS and lists the calls.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { CordonActivities } from '../../activities';
import { isAccessKeyRef, type AccessKeyRef, type PlannedCall, type PrincipalDescription } from '../../src/domain/incident';
import { profiles } from '../activity-profiles';
import { anchorEntry } from './evidence-anchors';
import { done, skipped, type RunContext, type RunbookStep, type StepResult } from './runner';
import type { StepName } from './step-order';

const afterChain = proxyActivities<CordonActivities>(profiles.capture);
const nowIso = (): string => new Date().toISOString();
const HOUR_MS = 3_600_000;
/** CloudTrail's lookback when the runbook gives none (`capture-cloudtrail` param `lookbackHours`). */
export const defaultLookbackHours = 24;

/** The accused key of an access-key incident (undefined for an instance). */
export const accessKeyOf = (ctx: RunContext): AccessKeyRef | undefined =>
  isAccessKeyRef(ctx.input.resource) ? ctx.input.resource : undefined;
const principal = (ctx: RunContext): PrincipalDescription => ctx.facts.principal!;
const where = (ctx: RunContext) => ({ resource: ctx.input.resource });
const planned = (detail: string, calls: PlannedCall[]): StepResult => ({ status: 'skipped', detail: `plan mode: ${detail}`, calls });

function action(name: StepName, requires: StepName[], run: (ctx: RunContext) => Promise<StepResult>): RunbookStep {
  return { name, kind: 'action', requires, run };
}

/** `describe` for an access key: who it belongs to, its keys, policies and tags (a regular activity: durable at once). */
export async function describePrincipalStep(ctx: RunContext, key: AccessKeyRef): Promise<StepResult> {
  const p = await ctx.read.describePrincipal(key);
  ctx.facts.principal = p;
  ctx.state.setPrincipal(p);
  const keys = p.accessKeys.map((k) => `${k.accessKeyId} ${k.status}`).join(', ');
  return done(
    `${p.kind === 'iam-user' ? 'user' : 'role'} ${p.name} (${p.arn})${keys ? `, keys ${keys}` : ''}, ${p.attachedPolicies.length} attached and ${p.inlinePolicies.length} inline polic${p.attachedPolicies.length + p.inlinePolicies.length === 1 ? 'y' : 'ies'}`,
  );
}

/** `tag-containing` / `tag-quarantined` for an access key: the tags go on its user or role. */
export async function markPrincipalStep(ctx: RunContext, step: StepName, status: 'containing' | 'quarantined'): Promise<StepResult> {
  const { kind, name } = principal(ctx);
  const r = await ctx.chain.markPrincipal({
    step,
    incidentId: ctx.input.incidentId,
    principal: { kind, name },
    status,
    dryRun: ctx.input.dryRun,
    ...where(ctx),
  });
  return done(r.summary, r.calls);
}

export const principalSteps: RunbookStep[] = [
  action('capture-principal', ['describe'], async (ctx) => {
    const p = principal(ctx);
    if (ctx.input.dryRun) {
      const get = p.kind === 'iam-user' ? 'GetUserPolicy' : 'GetRolePolicy';
      const who = p.kind === 'iam-user' ? { UserName: p.name } : { RoleName: p.name };
      return planned(`would store ${p.name}'s description and ${p.inlinePolicies.length + p.attachedPolicies.length} policy document(s)`, [
        ...p.inlinePolicies.map(
          (PolicyName): PlannedCall => ({ step: 'capture-principal', service: 'iam', operation: get, input: { ...who, PolicyName } }),
        ),
        ...p.attachedPolicies.map(
          (a): PlannedCall => ({ step: 'capture-principal', service: 'iam', operation: 'GetPolicy', input: { PolicyArn: a.arn } }),
        ),
      ]);
    }
    const a = await afterChain.capturePrincipal({ incidentId: ctx.input.incidentId, principal: p, ...where(ctx) });
    anchorEntry(ctx.state, a, 'capturePrincipal');
    return done(`principal ${a.name} (${a.size} bytes, sha256 ${a.sha256.slice(0, 12)}…, manifest seq ${a.seq})`);
  }),
  action('deactivate-access-key', ['contain'], async (ctx) => {
    const p = principal(ctx);
    if (p.kind !== 'iam-user')
      return skipped(
        `${p.accessKeyId} is a temporary key of role ${p.name}: it cannot be deactivated; revoke-principal-sessions denies it`,
      );
    const r = await ctx.chain.deactivateAccessKey({
      userName: p.name,
      accessKeyId: p.accessKeyId,
      dryRun: ctx.input.dryRun,
      ...where(ctx),
    });
    return done(r.summary, r.calls);
  }),
  action('revoke-principal-sessions', ['contain'], async (ctx) => {
    const { kind, name } = principal(ctx);
    const r = await ctx.chain.denyOlderSessions({
      principal: { kind, name },
      issuedBefore: nowIso(),
      dryRun: ctx.input.dryRun,
      ...where(ctx),
    });
    return done(r.summary, r.calls);
  }),
  action('capture-cloudtrail', ['describe'], async (ctx) => {
    const p = principal(ctx);
    const hours = (ctx.runbook?.param('capture-cloudtrail', 'lookbackHours') as number | undefined) ?? defaultLookbackHours;
    const from = Date.parse(ctx.state.firstSeen() ?? nowIso()) - hours * HOUR_MS;
    const since = new Date(from).toISOString();
    if (ctx.input.dryRun)
      return planned(`would store CloudTrail's events for ${p.accessKeyId} since ${since}`, [
        {
          step: 'capture-cloudtrail',
          service: 'cloudtrail',
          operation: 'LookupEvents',
          input: { LookupAttributes: [{ AttributeKey: 'AccessKeyId', AttributeValue: p.accessKeyId }], StartTime: since },
        },
      ]);
    const r = await afterChain.captureKeyEvents({ incidentId: ctx.input.incidentId, accessKeyId: p.accessKeyId, since, ...where(ctx) });
    if (r.status === 'unsupported') return skipped(`unsupported: ${r.reason}`);
    anchorEntry(ctx.state, r.artifact, 'captureKeyEvents');
    return done(
      `${r.events} event(s) since ${since}${r.truncated ? ' (truncated)' : ''}: ${r.artifact.name} (sha256 ${r.artifact.sha256.slice(0, 12)}…)`,
    );
  }),
];
