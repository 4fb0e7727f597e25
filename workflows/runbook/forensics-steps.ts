/**
 * The forensics steps of the runbook (AWS.md §1.2 steps 7–8; slots in step-order.ts): disk
 * snapshots, console output, optional memory capture through SSM, instance metadata and the
 * alerts, each stored write-once with its manifest entry (activities/forensics).
 * Invariants: a capture never blocks containment — no containment step requires these, a
 * failure becomes a failed step with a readable reason, and the captures inside the quarantine
 * chain have tight total deadlines (scheduleToClose) so a hung store or API delays isolation
 * by seconds, not minutes. Memory capture polls durably (workflow timers) up to the policy's
 * deadline. Plan mode makes no call and lists what it would call.
 */
import { proxyActivities, sleep } from '@temporalio/workflow';
import type { CordonActivities } from '../../activities';
import type { ForensicsActivities } from '../../activities/forensics';
import type { PlannedCall } from '../../src/domain/incident';
import { profiles } from '../activity-profiles';
import { done, failed, type RunContext, type RunbookStep, type StepResult } from './runner';
import type { StepName } from './step-order';

const retry = (maximumAttempts: number) => ({ ...profiles.awsMutation.retry, maximumAttempts });
/** Inside the quarantine chain: bounded so containment goes on within about a minute whatever happens. */
const inChain = proxyActivities<CordonActivities>({ startToCloseTimeout: '30s', scheduleToCloseTimeout: '75s', retry: retry(3) });
/** Memory polls: each call is short; the loop's deadline comes from the policy. */
const ssm = proxyActivities<CordonActivities>({ startToCloseTimeout: '30s', scheduleToCloseTimeout: '2m', retry: retry(4) });
/** After the chain: nothing waits on these but the runbook's summary. */
const afterChain = proxyActivities<CordonActivities>(profiles.capture);

export const defaultMemoryTimeoutMinutes = 20;
const memoryPollSeconds = 5;

const ids = (ctx: RunContext) => ({ incidentId: ctx.input.incidentId, instanceId: ctx.facts.target!.instanceId });
const short = (sha: string) => `${sha.slice(0, 12)}…`;
const plan = (step: StepName, service: PlannedCall['service'], operation: string, input: Record<string, unknown>): PlannedCall => ({ step, service, operation, input });
/** Plan mode: nothing is captured; the plan lists the calls. */
const planned = (detail: string, calls: PlannedCall[]): StepResult => ({ status: 'skipped', detail: `plan mode: ${detail}`, calls });

type Artifact = Awaited<ReturnType<ForensicsActivities['captureConsoleOutput']>>['consoleOutput'];
const stored = (a: Artifact) => `${a.name} (${a.size} bytes, sha256 ${short(a.sha256)}, manifest seq ${a.seq})`;

function action(name: StepName, requires: StepName[], run: (ctx: RunContext) => Promise<StepResult>): RunbookStep {
  return { name, kind: 'action', requires, run };
}

async function captureMemory(ctx: RunContext): Promise<StepResult> {
  const policy = ctx.input.policy.forensics;
  const { instanceId } = ids(ctx);
  if (ctx.input.dryRun) return planned(`would run ${policy?.memoryDocument ?? 'the configured SSM document'} on ${instanceId}`, [plan('capture-memory', 'ssm', 'SendCommand', { InstanceIds: [instanceId], DocumentName: policy?.memoryDocument ?? '(configured)' })]);
  const start = await ssm.startMemoryCapture({ ...ids(ctx), documentName: policy?.memoryDocument });
  if (start.status === 'failed') return failed(`memory capture failed (${start.code}): ${start.reason}; containment continues`);
  const minutes = policy?.memoryTimeoutMinutes ?? defaultMemoryTimeoutMinutes;
  const deadline = new Date().getTime() + minutes * 60_000;
  const calls = [plan('capture-memory', 'ssm', 'SendCommand', { InstanceIds: [instanceId], DocumentName: start.documentName })];
  for (;;) {
    const check = await ssm.checkMemoryCapture({ ...ids(ctx), commandId: start.commandId });
    if (check.status === 'succeeded') {
      return done(`memory captured by ${start.documentName} (command ${check.commandId})${check.outputUrl ? `, output ${check.outputUrl}` : ''}; result ${stored(check.artifact)}`, calls);
    }
    if (check.status === 'failed') return failed(`memory capture failed (${check.code}): ${check.reason}; containment continues`);
    if (new Date().getTime() + memoryPollSeconds * 1000 > deadline) {
      return failed(`memory capture did not finish within ${minutes} min (SSM status ${check.commandStatus}, command ${start.commandId}); containment continues`);
    }
    await sleep(`${memoryPollSeconds}s`);
  }
}

/** The incident's alerts as the workflow knows them (tallies, with the time each was first received). */
function alertsOf(ctx: RunContext) {
  const snap = ctx.state.snapshot();
  const receivedAt = new Map<string, string>();
  for (const t of snap.timeline) {
    const key = t.kind === 'alert' ? t.data?.dedupKey : undefined;
    if (typeof key === 'string' && !receivedAt.has(key)) receivedAt.set(key, t.at);
  }
  return snap.alerts.map((a) => ({ source: a.source, dedupKey: a.dedupKey, receivedAt: receivedAt.get(a.dedupKey) ?? a.firstSeen, payload: a }));
}

export const forensicsSteps: RunbookStep[] = [
  action('snapshot-volumes', ['contain'], async (ctx) => {
    const { instanceId } = ids(ctx);
    const volumes = ctx.facts.target!.volumes.length;
    if (!volumes) return { status: 'skipped', detail: 'no EBS volume attached at describe time' };
    const call = plan('snapshot-volumes', 'ec2', 'CreateSnapshots', { InstanceSpecification: { InstanceId: instanceId, ExcludeBootVolume: false } });
    if (ctx.input.dryRun) return planned(`would snapshot ${volumes} volume(s) of ${instanceId}`, [call]);
    const r = await inChain.captureSnapshots({ ...ids(ctx), requestedBy: ctx.input.openedBy });
    const list = r.snapshots.map((s) => `${s.snapshotId} (${s.volumeId} ${s.deviceName}, ${s.state})`).join(', ');
    return done(`${r.snapshots.length} snapshot(s) via ${r.method}: ${list}; ${stored(r.artifact)}`, r.method === 'existing' ? [] : [{ ...call, operation: r.method }]);
  }),
  action('capture-console', ['contain'], async (ctx) => {
    const { instanceId } = ids(ctx);
    if (ctx.input.dryRun) return planned(`would read the console of ${instanceId}`, [plan('capture-console', 'ec2', 'GetConsoleOutput', { InstanceId: instanceId, Latest: true })]);
    const r = await inChain.captureConsoleOutput(ids(ctx));
    const shot = r.screenshot.status === 'captured' ? `screenshot ${stored(r.screenshot.artifact)}` : `screenshot ${r.screenshot.status}: ${r.screenshot.reason}`;
    return done(`console output ${stored(r.consoleOutput)}; ${shot}`);
  }),
  action('capture-memory', ['contain'], captureMemory),
  action('capture-metadata', ['describe'], async (ctx) => {
    const { instanceId } = ids(ctx);
    if (ctx.input.dryRun) return planned(`would store the metadata of ${instanceId}`, [plan('capture-metadata', 'ec2', 'DescribeInstances', { InstanceIds: [instanceId] })]);
    const a = await afterChain.captureInstanceMetadata({ ...ids(ctx), describedBefore: ctx.facts.target });
    return done(`instance metadata ${stored(a)}`);
  }),
  action('capture-alerts', ['describe'], async (ctx) => {
    const alerts = alertsOf(ctx);
    if (ctx.input.dryRun) return planned(`would store ${alerts.length} alert(s)`, []);
    const kept = await afterChain.storeAlerts({ incidentId: ctx.input.incidentId, alerts });
    const alertArtifacts = kept.filter((a) => !a.name.startsWith('alerts/raw-requests-'));
    const refs = kept.length - alertArtifacts.length;
    return done(`${alertArtifacts.length} alert(s) stored: ${kept.map((a) => `${a.name} (sha256 ${short(a.sha256)})`).join(', ')}${refs ? '; raw requests referenced' : ''}`);
  }),
];
