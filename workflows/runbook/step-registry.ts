/**
 * The step registry: every runbook step as a reusable building block (name, kind, prerequisites,
 * run); the catalogue (src/domain/runbook-catalogue.ts) declares the same names for runbook files. Gates are steps of
 * kind `gate` wrapping a GatePolicy; actions call one activity each (idempotent, check-before-act,
 * `dryRun` → calls planned, none made). The order lives in step-order.ts, AWS facts in activities/.
 * Every step that takes capacity away (or acts on an instance that may still serve) requires
 * `fleet-budget`, the group's fleet-guard reservation (fleet-steps.ts): rejected there, they skip.
 * `describe`, `tag-containing` and `tag-quarantined` act on either kind of resource: an access key's
 * versions live in principal-steps.ts with the steps only access keys have.
 */
import { RECORD_ONLY } from '../people-notices/escalation';
import { patched } from '@temporalio/workflow';
import { selectKnownGoodImage } from '../../src/recovery/known-good-image';
import type { GatePolicy } from '../../src/domain/gate';
import type { InstanceRef } from '../../src/domain/incident';
import { flushAudit } from './audit-flush';
import { fleetBudgetStep, fleetReleaseStep } from './fleet-steps';
import { forensicsSteps } from './forensics-steps';
import { accessKeyOf, describePrincipalStep, markPrincipalStep, principalSteps } from './principal-steps';
import { waitForReplacement } from './replacement-wait';
import { done, failed, skipped, type RunContext, type RunbookStep, type StepResult } from './runner';
import type { StepName } from './step-order';

const nowIso = (): string => new Date().toISOString();
const notInGroup = skipped('not in an Auto Scaling group: nothing to do');
const target = (ctx: RunContext) => ctx.facts.target!;
/** Every activity input carries the resource: the activity acts in its account and region (activities/acting-account.ts). */
const base = (ctx: RunContext) => ({ dryRun: ctx.input.dryRun, instanceId: target(ctx).instanceId, resource: ctx.input.resource });
const where = (ctx: RunContext) => ({ resource: ctx.input.resource });

function action(name: StepName, requires: StepName[], run: (ctx: RunContext) => Promise<StepResult>): RunbookStep {
  return { name, kind: 'action', requires, run };
}

/**
 * A gate: waits for its policy's approvals; `policyOf` returning a reason string skips it. A pinned
 * runbook's own gate for the step (`gate:` other than `policy`) replaces the severity policy's.
 */
export function gate(name: StepName, requires: StepName[], policyOf: (ctx: RunContext) => GatePolicy | string): RunbookStep {
  return {
    name,
    kind: 'gate',
    requires,
    async run(ctx) {
      const own = ctx.runbook?.gateFor(name);
      const policy = own === undefined ? policyOf(ctx) : own === 'record-only' ? RECORD_ONLY : own;
      if (typeof policy === 'string') return skipped(policy);
      const waiting = ctx.gates.pass(name, policy);
      // The gate starts waiting: export the timeline so far (its awaiting-approval entry included).
      if (policy.mode !== 'auto') flushAudit(ctx.state);
      const result = await waiting;
      return { status: result.status, detail: result.detail };
    },
  };
}

const Q: StepName[] = ['contain'];
/** Steps that take capacity away (or act on an instance that may still serve): they run inside a fleet reservation. */
const QF: StepName[] = ['contain', 'fleet-budget'];

const steps: RunbookStep[] = [
  action('describe', [], async (ctx) => {
    const key = accessKeyOf(ctx);
    if (key) return describePrincipalStep(ctx, key);
    const resource = ctx.input.resource as InstanceRef;
    // The original state must be durable before the chain changes anything: as a regular activity its result is in
    // history at once, so a worker that dies mid-chain cannot re-describe an instance the chain already moved out of
    // its group (local-activity markers are written only when the workflow task completes). Histories without the 'durable-describe' marker replay the local-activity describe.
    const describe = patched('durable-describe') ? ctx.read : ctx.chain;
    const t = await describe.describeTarget(resource);
    ctx.facts.target = t;
    ctx.state.setTarget(t);
    return done(
      `${t.instanceId} (${t.state}) in ${t.vpcId}, ${t.networkInterfaces.length} ENI(s), ${t.volumes.length} volume(s)${t.autoScalingGroup ? `, group ${t.autoScalingGroup.name}` : ''}`,
    );
  }),
  gate('contain', ['describe'], (ctx) => (ctx.input.policy.contain === 'record-only' ? RECORD_ONLY : ctx.input.policy.contain)),
  action('tag-containing', Q, async (ctx) => {
    if (accessKeyOf(ctx)) return markPrincipalStep(ctx, 'tag-containing', 'containing');
    const r = await ctx.chain.markInstance({
      ...base(ctx),
      step: 'tag-containing',
      incidentId: ctx.input.incidentId,
      status: 'containing',
    });
    return done(r.summary, r.calls);
  }),
  action('protect-evidence', Q, async (ctx) => {
    const r = await ctx.chain.protectEvidence(base(ctx));
    return done(r.summary, r.calls);
  }),
  action('scale-in-protection', Q, async (ctx) => {
    if (!target(ctx).autoScalingGroup) return notInGroup;
    const r = await ctx.chain.protectFromScaleIn(base(ctx));
    return done(r.summary, r.calls);
  }),
  action('known-good', Q, async (ctx) => {
    const group = target(ctx).autoScalingGroup;
    if (!group) return skipped('not in an Auto Scaling group: no replacement to launch');
    const gathered = await ctx.chain.gatherImageCandidates({ launchTemplateId: group.launchTemplate?.id, ...where(ctx) });
    const choice = selectKnownGoodImage(gathered.candidates, {
      verifiedTag: gathered.verifiedImageTag,
      allowlist: gathered.allowlist,
      lookbackHours: gathered.lookbackHours,
      firstSeen: ctx.state.firstSeen() ?? nowIso(),
      suspectImageId: target(ctx).imageId,
      trustSuspectImage: ctx.input.policy.trustAccusedImage ?? false,
    });
    if (choice.kind === 'none') return failed(`operator needed — ${choice.reason}`);
    ctx.facts.knownGood = choice;
    return done(choice.reason);
  }),
  action('point-group', ['known-good'], async (ctx) => {
    const group = target(ctx).autoScalingGroup!;
    if (!group.launchTemplate)
      return failed(`group ${group.name} uses no launch template; point it at ${ctx.facts.knownGood!.imageId} by hand`);
    const r = await ctx.chain.pointGroupAtImage({
      incidentId: ctx.input.incidentId,
      groupName: group.name,
      launchTemplateId: group.launchTemplate.id,
      sourceVersion: group.launchTemplate.version,
      imageId: ctx.facts.knownGood!.imageId,
      dryRun: ctx.input.dryRun,
      ...where(ctx),
    });
    ctx.facts.change = r.change;
    return done(r.summary, r.calls);
  }),
  fleetBudgetStep,
  action('leave-group', QF, async (ctx) => {
    if (!target(ctx).autoScalingGroup) return notInGroup;
    const mode = (ctx.runbook?.param('leave-group', 'mode') as 'detach' | 'standby' | undefined) ?? ctx.input.policy.leaveGroup ?? 'detach';
    const r = await ctx.chain.leaveAutoScalingGroup({ ...base(ctx), mode });
    return done(r.summary, r.calls);
  }),
  action('deregister-targets', QF, async (ctx) => {
    const r = await ctx.chain.deregisterFromTargetGroups({ ...base(ctx), targetGroupArns: target(ctx).targetGroupArns });
    return done(r.summary, r.calls);
  }),
  action('isolate', QF, async (ctx) => {
    const t = target(ctx);
    const r = await ctx.chain.isolateNetwork({ incidentId: ctx.input.incidentId, target: t, dryRun: ctx.input.dryRun, ...where(ctx) });
    return done(
      `${ctx.input.dryRun ? 'would move' : 'moved'} ${t.networkInterfaces.length} ENI(s) to ${r.isolationGroupId}${r.alreadyIsolated ? ' (already isolated)' : ''}`,
      r.calls,
    );
  }),
  action('cut-credentials', QF, async (ctx) => {
    const r = await ctx.chain.cutCredentials(base(ctx));
    return done(r.summary, r.calls);
  }),
  gate('approve-revoke-sessions', QF, (ctx) => {
    const p = ctx.input.policy.revokeSessions;
    return !p || p === 'off' ? 'off by policy' : !target(ctx).instanceProfile ? 'no instance profile at describe time' : p;
  }),
  action('revoke-sessions', ['approve-revoke-sessions'], async (ctx) => {
    const r = await ctx.mutate.revokeOlderSessions({
      instanceProfileArn: target(ctx).instanceProfile!.arn,
      issuedBefore: nowIso(),
      dryRun: ctx.input.dryRun,
      ...where(ctx),
    });
    return done(r.summary, r.calls);
  }),
  action('tag-quarantined', ['contain', 'isolate'], async (ctx) => {
    if (accessKeyOf(ctx)) return markPrincipalStep(ctx, 'tag-quarantined', 'quarantined');
    const r = await ctx.chain.markInstance({
      ...base(ctx),
      step: 'tag-quarantined',
      incidentId: ctx.input.incidentId,
      status: 'quarantined',
    });
    return done(r.summary, r.calls);
  }),
  fleetReleaseStep,
  gate('replace', ['point-group', 'leave-group'], (ctx) => ctx.input.policy.replace),
  action('verify-replacement', ['replace'], (ctx) => {
    flushAudit(ctx.state);
    return waitForReplacement(ctx);
  }),
  gate('approve-refresh', ['verify-replacement'], (ctx) => ctx.input.policy.imageSuspect?.refresh ?? 'image not suspect by policy'),
  action('instance-refresh', ['approve-refresh'], async (ctx) => {
    const change = ctx.facts.change!;
    const r = await ctx.mutate.startInstanceRefresh({
      groupName: change.groupName,
      launchTemplateId: change.launchTemplateId,
      version: change.newVersion,
      dryRun: ctx.input.dryRun,
      ...where(ctx),
    });
    return done(r.summary, r.calls);
  }),
  ...forensicsSteps,
  ...principalSteps,
];

export const stepRegistry: ReadonlyMap<StepName, RunbookStep> = new Map(steps.map((s) => [s.name, s]));
