/**
 * Containment latency: alert accepted → instance isolated, Cordon (API → Temporal → worker: the
 * original state described by a regular activity, then the quarantine chain as local activities in
 * one workflow task, with CreateSnapshots issued in it and the fleet guard's reservation asked by a
 * local activity beside its first steps) beside the floor — the same AWS calls and evidence writes,
 * made directly by a plain loop over the same activity functions, with no API, no Temporal and
 * so no fleet guard. Runs alternate (floor, Cordon, floor, …) on fresh members of the demo group,
 * so both see the same moto. "Isolated" is the instant the isolateNetwork call returns (observed
 * by an activity interceptor in the worker); the clock starts just before the alert is POSTed.
 * moto's cost grows with the group (106 members at 50 incidents): DescribeSnapshots, called once
 * before isolation on each side (startSnapshots' check for snapshots already taken), is several
 * times slower at 106 members than at 3; CreateSnapshots stays at a few tens of ms.
 */
import type { ActivityInboundCallsInterceptor, ActivityInterceptorsFactory } from '@temporalio/worker';
import { performance } from 'node:perf_hooks';
import { createActivities } from '../activities';
import type { Severity } from '../src/domain/incident';
import { defaultPolicies } from '../src/policy/runbook-policy';
import { selectKnownGoodImage } from '../src/recovery/known-good-image';
import type { GatePolicy } from '../src/domain/gate';
import type { RunbookPolicy } from '../src/domain/runbook-policy';
import { BENCH_ACCOUNT, BENCH_REGION, startBenchServers, type BenchServers } from './servers';
import { mean, percentile, round, type BenchReport } from './stats';

const approve: GatePolicy = {
  mode: 'approve',
  approverRoles: ['approver'],
  forbidSelfApproval: false,
  timeoutMinutes: 600,
  onTimeout: 'escalate',
};
/** Contain at once; stop at the replacement gate so no recovery work overlaps the next sample. */
const benchPolicy: RunbookPolicy = { ...defaultPolicies.critical, replace: approve };

type Mark = 'describe-start' | 'isolated' | 'quarantined';
/** Wall-clock instants of activity events, per accused instance, with waiters. */
class ActivityClock {
  private readonly marks = new Map<string, number>();
  private readonly waiters = new Map<string, (t: number) => void>();
  record(instanceId: string, mark: Mark): void {
    const key = `${instanceId}/${mark}`;
    const now = performance.now();
    if (!this.marks.has(key)) this.marks.set(key, now);
    this.waiters.get(key)?.(now);
  }
  at(instanceId: string, mark: Mark): number | undefined {
    return this.marks.get(`${instanceId}/${mark}`);
  }
  wait(instanceId: string, mark: Mark, timeoutMs = 60000): Promise<number> {
    const key = `${instanceId}/${mark}`;
    const known = this.marks.get(key);
    if (known !== undefined) return Promise.resolve(known);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${mark} for ${instanceId} within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.set(key, (t) => {
        clearTimeout(timer);
        resolve(t);
      });
    });
  }
}

function observe(clock: ActivityClock): ActivityInterceptorsFactory {
  return (ctx) => {
    const inbound: ActivityInboundCallsInterceptor = {
      async execute(input, next) {
        const arg = input.args[0] as { instanceId?: string; status?: string; target?: { instanceId: string } };
        const type = ctx.info.activityType;
        if (type === 'describeTarget' && arg.instanceId) clock.record(arg.instanceId, 'describe-start');
        const result = await next(input);
        if (type === 'isolateNetwork' && arg.target) clock.record(arg.target.instanceId, 'isolated');
        if (type === 'markInstance' && arg.status === 'quarantined' && arg.instanceId) clock.record(arg.instanceId, 'quarantined');
        return result;
      },
    };
    return { inbound };
  };
}

/**
 * The floor: the quarantine chain up to isolation, as a plain script over the same activity
 * functions. The runbook issues CreateSnapshots inside the chain right after evidence protection
 * (startSnapshots, §1.2), and requests the snapshot completion and console output beside the
 * chain; those regular activities are dispatched when the chain's workflow task completes, after
 * isolation (unless the chain outlasts the task's 8 s heartbeat); the floor makes the same calls
 * in that order. Returns when isolated, with the captures still to await.
 */
async function directChain(servers: BenchServers, instanceId: string): Promise<{ isolatedAt: number; rest: Promise<unknown> }> {
  const acts = createActivities(servers.activityDeps);
  const incidentId = `floor-${instanceId}`;
  const base = { instanceId, dryRun: false };
  const target = await acts.describeTarget({ account: BENCH_ACCOUNT, region: BENCH_REGION, instanceId });
  await acts.markInstance({ ...base, step: 'tag-containing', incidentId, status: 'containing' });
  await acts.protectEvidence(base);
  const started = await acts.startSnapshots({
    incidentId,
    instanceId,
    requestedBy: 'floor',
    volumes: target.volumes.map((v) => ({ volumeId: v.volumeId, deviceName: v.deviceName })),
  });
  await acts.protectFromScaleIn(base);
  const group = target.autoScalingGroup!;
  const gathered = await acts.gatherImageCandidates({ launchTemplateId: group.launchTemplate!.id });
  const choice = selectKnownGoodImage(gathered.candidates, {
    verifiedTag: gathered.verifiedImageTag,
    allowlist: gathered.allowlist,
    lookbackHours: gathered.lookbackHours,
    firstSeen: new Date().toISOString(),
    suspectImageId: target.imageId,
    trustSuspectImage: false,
  });
  if (choice.kind !== 'chosen') throw new Error(`floor: ${choice.reason}`);
  await acts.pointGroupAtImage({
    incidentId,
    groupName: group.name,
    launchTemplateId: group.launchTemplate!.id,
    sourceVersion: group.launchTemplate!.version,
    imageId: choice.imageId,
    dryRun: false,
  });
  await acts.leaveAutoScalingGroup({ ...base, mode: 'detach' });
  await acts.deregisterFromTargetGroups({ ...base, targetGroupArns: target.targetGroupArns });
  await acts.isolateNetwork({ incidentId, target, dryRun: false });
  const isolatedAt = performance.now();
  return {
    isolatedAt,
    rest: Promise.all([
      acts.captureSnapshots({ incidentId, instanceId, requestedBy: 'floor', started }),
      acts.captureConsoleOutput({ incidentId, instanceId }),
    ]),
  };
}

/**
 * The next never-accused instance of the seeded group. Only seeded members run the suspect image:
 * replacements launch on the known-good one, and an instance running the only verified image
 * would (rightly) leave the runbook without a known-good candidate.
 */
function freshMember(servers: BenchServers, used: Set<string>): string {
  const member = servers.fleet.instanceIds.find((id) => !used.has(id));
  if (!member) throw new Error('no fresh member left in the demo group');
  used.add(member);
  return member;
}

interface CordonSample {
  total: number;
  accept: number;
  pickup: number;
  chain: number;
}

async function atReplaceGate(servers: BenchServers, incidentId: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const r = await fetch(`${servers.apiUrl}/v1/incidents/${incidentId}`, { headers: { authorization: `Bearer ${servers.sensorToken}` } });
    const body = (await r.json()) as { steps?: { name: string; status: string }[] };
    if (body.steps?.find((s) => s.name === 'replace')?.status === 'awaiting-approval') return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`incident ${incidentId} never reached the replace gate`);
}

async function viaCordon(servers: BenchServers, clock: ActivityClock, instanceId: string): Promise<CordonSample> {
  const t0 = performance.now();
  const res = await fetch(`${servers.apiUrl}/v1/alerts/generic`, {
    method: 'POST',
    headers: { authorization: `Bearer ${servers.sensorToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ instanceId, severity: 'critical', title: 'bench: outbound traffic to known C2' }),
  });
  const accepted = performance.now();
  if (res.status !== 202) throw new Error(`alert refused: HTTP ${res.status} ${await res.text()}`);
  const {
    accepted: [first],
  } = (await res.json()) as { accepted: { incidentId: string }[] };
  const isolated = await clock.wait(instanceId, 'isolated');
  await clock.wait(instanceId, 'quarantined');
  // Let this incident's captures finish (it waits at the replace gate) before the next sample, as the floor awaits its own.
  await atReplaceGate(servers, first!.incidentId);
  const started = clock.at(instanceId, 'describe-start')!;
  return { total: isolated - t0, accept: accepted - t0, pickup: started - accepted, chain: isolated - started };
}

export interface ContainmentBenchOptions {
  incidents: number;
  warmup: number;
  log?: (line: string) => void;
}

export async function runContainmentBench(opts: ContainmentBenchOptions): Promise<BenchReport> {
  const log = opts.log ?? (() => undefined);
  const clock = new ActivityClock();
  const servers = await startBenchServers(
    (_s: Severity) => benchPolicy,
    { interceptors: { activity: [observe(clock)] } },
    2 * (opts.warmup + opts.incidents),
  );
  const used = new Set<string>();
  const floor: number[] = [];
  const cordon: CordonSample[] = [];
  try {
    for (let i = 0; i < opts.warmup + opts.incidents; i++) {
      const counted = i >= opts.warmup;
      // Alternate which side goes first, so neither always follows the other's background work.
      const order = i % 2 === 0 ? ['floor', 'cordon'] : ['cordon', 'floor'];
      for (const side of order) {
        const instanceId = freshMember(servers, used);
        if (side === 'floor') {
          const t0 = performance.now();
          const { isolatedAt, rest } = await directChain(servers, instanceId);
          if (counted) floor.push(isolatedAt - t0);
          await rest;
        } else {
          const sample = await viaCordon(servers, clock, instanceId);
          if (counted) cordon.push(sample);
        }
      }
      if (counted && (i - opts.warmup + 1) % 10 === 0) log(`  containment: ${i - opts.warmup + 1}/${opts.incidents}`);
    }
  } finally {
    await servers.teardown();
  }
  const totals = cordon.map((s) => s.total);
  const part = (k: keyof CordonSample) =>
    round(
      percentile(
        cordon.map((s) => s[k]),
        50,
      ),
      1,
    );
  return {
    name: 'containment',
    rows: [
      { metric: 'alert accepted → isolated p50', unit: 'ms', value: percentile(totals, 50), floor: percentile(floor, 50), goal: '≤ 1.5' },
      { metric: 'alert accepted → isolated p95', unit: 'ms', value: percentile(totals, 95), floor: percentile(floor, 95) },
      { metric: 'alert accepted → isolated mean', unit: 'ms', value: mean(totals), floor: mean(floor) },
    ],
    notes: [
      `${opts.incidents} incidents per side (after ${opts.warmup} warm-up each), alternating with the floor on never-accused members of one demo group of ${2 * (opts.warmup + opts.incidents)}`,
      `Cordon p50 breakdown: POST → 202 ${part('accept')} ms, 202 → first activity ${part('pickup')} ms, quarantine chain ${part('chain')} ms`,
    ],
    raw: {
      floorMs: floor.map((v) => round(v, 2)),
      cordon: cordon.map((s) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, round(v, 2)]))),
    },
  };
}
