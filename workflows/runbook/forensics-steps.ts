/**
 * The forensics steps of the runbook (AWS.md §1.2 steps 7–8; slots in step-order.ts): disk
 * snapshots, console output, optional memory capture through SSM, instance metadata and the
 * alerts, each stored write-once with its manifest entry (activities/forensics); every entry an
 * activity returns is anchored in the incident's history (evidence-anchors.ts).
 * Invariants: a capture never blocks containment — no containment step requires these, a
 * failure becomes a failed step with a readable reason, and the captures inside the quarantine
 * chain have tight total deadlines (scheduleToClose) so a hung store or API delays isolation
 * by seconds, not minutes. Two steps start in the chain and finish beside it (`startInChain`,
 * awaited by the workflow in step order): snapshots issue CreateSnapshots right after evidence
 * protection (asynchronous in AWS, so isolation waits for the call, not the copy) and complete
 * beside the chain; memory polls SSM durably (workflow timers) for at most the policy's budget
 * before isolation (default 3 min), then isolation proceeds and the image is copied into the
 * evidence store beside the chain — or the capture is marked incomplete with the reason.
 * Plan mode makes no call and lists what it would call.
 */
import { proxyActivities, sleep } from '@temporalio/workflow';
import type { CordonActivities } from '../../activities';
import type { ForensicsActivities, StartSnapshotsResult } from '../../activities/forensics';
import type { PlannedCall } from '../../src/domain/incident';
import { profiles } from '../activity-profiles';
import { anchorEntry } from './evidence-anchors';
import { done, failed, type RunContext, type RunFacts, type RunbookStep, type StepResult } from './runner';
import type { StepName } from './step-order';

const retry = (maximumAttempts: number) => ({ ...profiles.awsMutation.retry, maximumAttempts });
/** Inside the quarantine chain: bounded so containment goes on within about a minute whatever happens. */
const inChain = proxyActivities<CordonActivities>({ startToCloseTimeout: '30s', scheduleToCloseTimeout: '75s', retry: retry(3) });
/** Memory polls: each call is short; the loop's deadline comes from the policy. */
const ssm = proxyActivities<CordonActivities>({ startToCloseTimeout: '30s', scheduleToCloseTimeout: '2m', retry: retry(4) });
/** After the chain: nothing waits on these but the runbook's summary. */
const afterChain = proxyActivities<CordonActivities>(profiles.capture);

/** Histories without the 'evidence-start-in-chain' marker held isolation back for memory up to this long, and replay so. */
export const defaultMemoryTimeoutMinutes = 20;
/** The policy's default budget for memory before isolation proceeds (`forensics.memoryTimeoutMinutes`). */
export const defaultMemoryBudgetMinutes = 3;
const memoryPollSeconds = 5;

type MemoryStart =
  | { kind: 'succeeded'; commandId: string; documentName: string; detail: string }
  | { kind: 'failed'; detail: string }
  | { kind: 'over-budget'; commandId: string; detail: string };
/** What the chain's half of a step left for the half beside the chain (per runbook pass). */
const started = new WeakMap<RunFacts, { snapshots?: StartSnapshotsResult | { error: string }; memory?: MemoryStart }>();
const startsOf = (ctx: RunContext) => {
  let s = started.get(ctx.facts);
  if (!s) started.set(ctx.facts, (s = {}));
  return s;
};

/** The incident, the instance, and the resource whose account and region the capture acts in. */
const ids = (ctx: RunContext) => ({
  incidentId: ctx.input.incidentId,
  instanceId: ctx.facts.target!.instanceId,
  resource: ctx.input.resource,
});
const short = (sha: string) => `${sha.slice(0, 12)}…`;
const plan = (step: StepName, service: PlannedCall['service'], operation: string, input: Record<string, unknown>): PlannedCall => ({
  step,
  service,
  operation,
  input,
});
/** Plan mode: nothing is captured; the plan lists the calls. */
const planned = (detail: string, calls: PlannedCall[]): StepResult => ({ status: 'skipped', detail: `plan mode: ${detail}`, calls });

type Artifact = Awaited<ReturnType<ForensicsActivities['captureConsoleOutput']>>['consoleOutput'];
const stored = (a: Artifact) => `${a.name} (${a.size} bytes, sha256 ${short(a.sha256)}, manifest seq ${a.seq})`;

function action(name: StepName, requires: StepName[], run: (ctx: RunContext) => Promise<StepResult>): RunbookStep {
  return { name, kind: 'action', requires, run };
}

/** The chain's half of memory capture: SendCommand and polls for at most `minutes`; never throws. */
async function memoryBeforeIsolation(ctx: RunContext, minutes: number): Promise<MemoryStart> {
  const policy = ctx.input.policy.forensics;
  try {
    const start = await ssm.startMemoryCapture({ ...ids(ctx), documentName: policy?.memoryDocument });
    if (start.status === 'failed')
      return { kind: 'failed', detail: `memory capture failed (${start.code}): ${start.reason}; containment continues` };
    const deadline = new Date().getTime() + minutes * 60_000;
    for (;;) {
      const check = await ssm.checkMemoryCapture({ ...ids(ctx), commandId: start.commandId });
      if (check.status !== 'running') anchorEntry(ctx.state, check.artifact, 'checkMemoryCapture');
      if (check.status === 'succeeded')
        return {
          kind: 'succeeded',
          commandId: check.commandId,
          documentName: start.documentName,
          detail: `SSM result ${stored(check.artifact)}`,
        };
      if (check.status === 'failed')
        return { kind: 'failed', detail: `memory capture failed (${check.code}): ${check.reason}; containment continues` };
      if (new Date().getTime() + memoryPollSeconds * 1000 > deadline) {
        return {
          kind: 'over-budget',
          commandId: start.commandId,
          detail: `memory capture incomplete: the command ${start.commandId} did not finish within the ${minutes}-minute budget before isolation (SSM status ${check.commandStatus}); isolation went ahead, which cuts the agent off`,
        };
      }
      await sleep(`${memoryPollSeconds}s`);
    }
  } catch (err) {
    return {
      kind: 'failed',
      detail: `memory capture failed: ${(err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message}; containment continues`,
    };
  }
}

async function captureMemory(ctx: RunContext): Promise<StepResult> {
  const policy = ctx.input.policy.forensics;
  const { instanceId } = ids(ctx);
  if (ctx.input.dryRun)
    return planned(`would run ${policy?.memoryDocument ?? 'the configured SSM document'} on ${instanceId}`, [
      plan('capture-memory', 'ssm', 'SendCommand', { InstanceIds: [instanceId], DocumentName: policy?.memoryDocument ?? '(configured)' }),
    ]);
  const before = startsOf(ctx).memory;
  if (!before) return legacyCaptureMemory(ctx);
  if (before.kind !== 'succeeded') return failed(before.detail);
  const calls = [plan('capture-memory', 'ssm', 'SendCommand', { InstanceIds: [instanceId], DocumentName: before.documentName })];
  const copied = await afterChain.collectMemoryOutput({ ...ids(ctx), commandId: before.commandId });
  if (copied.status === 'failed') {
    anchorEntry(ctx.state, copied.artifact, 'collectMemoryOutput');
    return failed(
      `memory capture by ${before.documentName} (command ${before.commandId}) succeeded but its image is not evidence (${copied.code}): ${copied.reason}`,
    );
  }
  for (const a of copied.artifacts) anchorEntry(ctx.state, a, 'collectMemoryOutput');
  return done(
    `memory captured by ${before.documentName} (command ${before.commandId}): ${copied.artifacts.map(stored).join(', ')} copied from s3://${copied.bucket}/${copied.prefix}; ${before.detail}`,
    calls,
  );
}

/** Incidents opened before memory was split around isolation: the whole capture in the chain, up to the old deadline. */
async function legacyCaptureMemory(ctx: RunContext): Promise<StepResult> {
  const policy = ctx.input.policy.forensics;
  const { instanceId } = ids(ctx);
  const start = await ssm.startMemoryCapture({ ...ids(ctx), documentName: policy?.memoryDocument });
  if (start.status === 'failed') return failed(`memory capture failed (${start.code}): ${start.reason}; containment continues`);
  const minutes = policy?.memoryTimeoutMinutes ?? defaultMemoryTimeoutMinutes;
  const deadline = new Date().getTime() + minutes * 60_000;
  const calls = [plan('capture-memory', 'ssm', 'SendCommand', { InstanceIds: [instanceId], DocumentName: start.documentName })];
  for (;;) {
    const check = await ssm.checkMemoryCapture({ ...ids(ctx), commandId: start.commandId });
    if (check.status === 'succeeded') {
      return done(
        `memory captured by ${start.documentName} (command ${check.commandId})${check.outputUrl ? `, output ${check.outputUrl}` : ''}; result ${stored(check.artifact)}`,
        calls,
      );
    }
    if (check.status === 'failed') return failed(`memory capture failed (${check.code}): ${check.reason}; containment continues`);
    if (new Date().getTime() + memoryPollSeconds * 1000 > deadline) {
      return failed(
        `memory capture did not finish within ${minutes} min (SSM status ${check.commandStatus}, command ${start.commandId}); containment continues`,
      );
    }
    await sleep(`${memoryPollSeconds}s`);
  }
}

/**
 * The chain's half of a step that finishes beside the chain: the workflow awaits it in step order,
 * then runs the step itself alongside. Undefined when the step has no such half (or nothing to do).
 */
export function startInChain(name: StepName, ctx: RunContext): Promise<void> | undefined {
  const target = ctx.facts.target;
  if (ctx.input.dryRun || !target || !ctx.state.hasStep('contain') || ctx.state.step('contain').status !== 'done') return undefined;
  if (name === 'snapshot-volumes' && target.volumes.length) {
    return (async () => {
      try {
        const r = await ctx.chain.startSnapshots({
          ...ids(ctx),
          requestedBy: ctx.input.openedBy,
          volumes: target.volumes.map((v) => ({ volumeId: v.volumeId, deviceName: v.deviceName })),
        });
        startsOf(ctx).snapshots = r;
        ctx.state.log({
          at: new Date().toISOString(),
          kind: 'evidence',
          step: name,
          message: `snapshots started before isolation via ${r.method}: ${r.snapshotIds.join(', ') || 'none'}`,
        });
      } catch (err) {
        startsOf(ctx).snapshots = { error: (err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message };
      }
    })();
  }
  if (name === 'capture-memory') {
    const minutes =
      (ctx.runbook?.param('capture-memory', 'budgetMinutes') as number | undefined) ??
      ctx.input.policy.forensics?.memoryTimeoutMinutes ??
      defaultMemoryBudgetMinutes;
    return memoryBeforeIsolation(ctx, minutes).then((m) => {
      startsOf(ctx).memory = m;
      ctx.state.log({
        at: new Date().toISOString(),
        kind: 'evidence',
        step: name,
        message:
          m.kind === 'succeeded'
            ? `memory command ${m.commandId} succeeded before isolation; copying the image beside the chain`
            : m.detail,
      });
    });
  }
  return undefined;
}

/** The incident's alerts as the workflow knows them (tallies, with the time each was first received). */
function alertsOf(ctx: RunContext) {
  const snap = ctx.state.snapshot();
  const receivedAt = new Map<string, string>();
  for (const t of snap.timeline) {
    const key = t.kind === 'alert' ? t.data?.dedupKey : undefined;
    if (typeof key === 'string' && !receivedAt.has(key)) receivedAt.set(key, t.at);
  }
  return snap.alerts.map((a) => ({
    source: a.source,
    dedupKey: a.dedupKey,
    receivedAt: receivedAt.get(a.dedupKey) ?? a.firstSeen,
    payload: a,
  }));
}

export const forensicsSteps: RunbookStep[] = [
  action('snapshot-volumes', ['contain'], async (ctx) => {
    const { instanceId } = ids(ctx);
    const volumes = ctx.facts.target!.volumes.length;
    if (!volumes) return { status: 'skipped', detail: 'no EBS volume attached at describe time' };
    const call = plan('snapshot-volumes', 'ec2', 'CreateSnapshots', {
      InstanceSpecification: { InstanceId: instanceId, ExcludeBootVolume: false },
    });
    if (ctx.input.dryRun) return planned(`would snapshot ${volumes} volume(s) of ${instanceId}`, [call]);
    const before = startsOf(ctx).snapshots;
    const start = before && 'method' in before ? before : undefined;
    // Started in the chain: completion is awaited here, beside it, with the longer capture profile.
    const r = start
      ? await afterChain.captureSnapshots({ ...ids(ctx), requestedBy: ctx.input.openedBy, started: start })
      : await inChain.captureSnapshots({ ...ids(ctx), requestedBy: ctx.input.openedBy });
    anchorEntry(ctx.state, r.artifact, 'captureSnapshots');
    const list = r.snapshots.map((s) => `${s.snapshotId} (${s.volumeId} ${s.deviceName}, ${s.state})`).join(', ');
    const when = start
      ? `, issued before isolation at ${start.issuedAt}`
      : before && 'error' in before
        ? ` (starting them in the chain failed: ${before.error})`
        : '';
    const shared = !r.sharing
      ? ''
      : `; shared with forensic account ${r.sharing.account}: ${r.sharing.shared.length} of ${r.snapshots.length}${r.sharing.failed.length ? ` (not shared: ${r.sharing.failed.map((f) => `${f.snapshotId}: ${f.reason}`).join('; ')})` : ''}`;
    return done(
      `${r.snapshots.length} snapshot(s) via ${r.method}${when}: ${list}${shared}; ${stored(r.artifact)}`,
      r.method === 'existing' ? [] : [{ ...call, operation: r.method }],
    );
  }),
  action('capture-console', ['contain'], async (ctx) => {
    const { instanceId } = ids(ctx);
    if (ctx.input.dryRun)
      return planned(`would read the console of ${instanceId}`, [
        plan('capture-console', 'ec2', 'GetConsoleOutput', { InstanceId: instanceId, Latest: true }),
      ]);
    const r = await inChain.captureConsoleOutput(ids(ctx));
    anchorEntry(ctx.state, r.consoleOutput, 'captureConsoleOutput');
    if (r.screenshot.status === 'captured') anchorEntry(ctx.state, r.screenshot.artifact, 'captureConsoleOutput');
    const shot =
      r.screenshot.status === 'captured'
        ? `screenshot ${stored(r.screenshot.artifact)}`
        : `screenshot ${r.screenshot.status}: ${r.screenshot.reason}`;
    return done(`console output ${stored(r.consoleOutput)}; ${shot}`);
  }),
  action('capture-memory', ['contain'], captureMemory),
  action('capture-metadata', ['describe'], async (ctx) => {
    const { instanceId } = ids(ctx);
    if (ctx.input.dryRun)
      return planned(`would store the metadata of ${instanceId}`, [
        plan('capture-metadata', 'ec2', 'DescribeInstances', { InstanceIds: [instanceId] }),
      ]);
    const a = await afterChain.captureInstanceMetadata({ ...ids(ctx), describedBefore: ctx.facts.target });
    anchorEntry(ctx.state, a, 'captureInstanceMetadata');
    return done(`instance metadata ${stored(a)}`);
  }),
  action('capture-alerts', ['describe'], async (ctx) => {
    const alerts = alertsOf(ctx);
    if (ctx.input.dryRun) return planned(`would store ${alerts.length} alert(s)`, []);
    const kept = await afterChain.storeAlerts({ incidentId: ctx.input.incidentId, alerts });
    for (const a of kept) anchorEntry(ctx.state, a, 'storeAlerts');
    const alertArtifacts = kept.filter((a) => !a.name.startsWith('alerts/raw-requests-'));
    const refs = kept.length - alertArtifacts.length;
    return done(
      `${alertArtifacts.length} alert(s) stored: ${kept.map((a) => `${a.name} (sha256 ${short(a.sha256)})`).join(', ')}${refs ? '; raw requests referenced' : ''}`,
    );
  }),
];
