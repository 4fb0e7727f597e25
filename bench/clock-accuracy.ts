/**
 * Clock accuracy on the time-skipping test server: K real breachNotificationWorkflow runs
 * (varied jurisdictions, sectors, reminder fractions, escalation delays and detection instants
 * that are not whole seconds) page a recording fake notifier; each page's fire time is the
 * server's scheduled time of the notifier activity (`Context.current().info.scheduledTimestampMs`,
 * the instant the workflow acted) and its due time is the event's planned instant, read from
 * the workflow's own plan (`unsentEvents` over the record its state query returns). Floor: a
 * bare workflow that `sleep()`s to the same instants and schedules a recording activity, in the
 * same run, on the same server and worker. Goal (issue 8): every reminder within one second.
 * Invariant: every planned event is accounted for: fired, or superseded by a later event of the
 * same clock due at the same wake-up (the workflow's rule); anything else is reported missing.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Region, Sector } from '../src/regulatory/registry';
import { toolchainPaths } from '../src/local/toolchain-paths';
import { installWorkerRuntime } from '../src/bootstrap/runtime';
import { breachStateQuery, type BreachNotificationInput } from '../workflows/definitions';
import { unsentEvents } from '../workflows/regulator-notification/clocks';
import type { NotificationRequest } from '../workflows/regulator-notification/types';
import { percentile, round, type BenchReport } from './stats';

const HOUR = 3_600_000;

/** The floor workflow, bundled beside the real one for this run only (.bench/ is git-ignored). */
const floorSource = `
import { proxyActivities, sleep } from '@temporalio/workflow';
export { breachNotificationWorkflow } from '../workflows/breach-notification-workflow';
const { recordFloorFire } = proxyActivities<{ recordFloorFire(e: { key: string }): Promise<void> }>({ startToCloseTimeout: '30s' });
export async function sleepToDueTimes(events: { key: string; at: string }[]): Promise<void> {
  for (const e of events) {
    const wait = Date.parse(e.at) - new Date().getTime();
    if (wait > 0) await sleep(wait);
    await recordFloorFire({ key: e.key });
  }
}
`;

async function bundle(): Promise<{ code: string }> {
  const dir = path.resolve(__dirname, '..', '.bench');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `clock-floor-workflows-${process.pid}.ts`);
  fs.writeFileSync(file, floorSource);
  const quiet = { info() {}, warn() {}, error() {}, debug() {}, trace() {}, log() {} };
  try {
    return await bundleWorkflowCode({ workflowsPath: file, logger: quiet as never });
  } finally {
    fs.rmSync(file, { force: true });
  }
}

interface Fire {
  key: string;
  firedMs: number;
}
interface Planned {
  key: string;
  workflowId: string;
  kind: string;
  at: string;
  obligationId: string;
}

const jurisdictions: Region[][] = [['EU'], ['EU', 'UK'], ['UK'], ['EU']];
const sectors: Sector[][] = [[], [], ['essential-entity'], ['important-entity']];
const fractions = [[0.5, 0.75, 0.9], [0.25, 0.5, 0.9], [0.1, 0.33, 0.66, 0.95], [0.5]];

function inputFor(i: number, t0: number): BreachNotificationInput {
  // Detection a little in the past and off whole seconds, so due instants fall between timer ticks.
  const detectedAt = new Date(t0 - (i % 7) * 11 * 60_000 - i * 137).toISOString();
  return {
    incidentId: `inc-123456789012-eu-west-1-i-${(0x0c10c000 + i).toString(16).padStart(17, '0')}`,
    resource: { account: '123456789012', region: 'eu-west-1', instanceId: `i-${(0x0c10c000 + i).toString(16).padStart(17, '0')}` },
    detectedAt,
    alerts: [{ title: 'bench: clock accuracy', severity: 'high' }],
    classification: {
      personalData: true,
      subjectRegions: ['EU', 'UK'],
      subjectCategories: ['customers'],
      recordCategories: ['contact details'],
      specialCategories: [],
      estimateBasis: 'bench',
    },
    settings: {
      jurisdictions: jurisdictions[i % 4]!,
      sectors: sectors[i % 4]!,
      reminderFractions: fractions[i % 4]!,
      escalateAfterMinutes: 15 + (i % 5) * 29,
      contacts: ['dpo@example.com', 'ciso@example.com'],
      displayZone: 'Europe/Brussels',
    },
  };
}

const scheduledAt = (): number => Context.current().info.scheduledTimestampMs;

export interface ClockAccuracyOptions {
  workflows: number;
  log?: (line: string) => void;
}

export async function runClockAccuracyBench(opts: ClockAccuracyOptions): Promise<BenchReport> {
  const log = opts.log ?? (() => undefined);
  installWorkerRuntime();
  const started = performance.now();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: toolchainPaths().temporalTestServer } },
  });
  const fired: Fire[] = [];
  const floorFired: Fire[] = [];
  const planned: Planned[] = [];
  let horizonMs = 0;
  try {
    const workflowBundle = await bundle();
    const activities = {
      sendDeadlineNotice: async (req: NotificationRequest) => {
        fired.push({ key: req.idempotencyKey, firedMs: scheduledAt() });
        return { delivered: ['bench'] };
      },
      recordFloorFire: async (e: { key: string }) => {
        floorFired.push({ key: e.key, firedMs: scheduledAt() });
      },
      writeBreachRegister: async () => ({ location: null }),
      default: async () => {
        throw ApplicationFailure.nonRetryable('not faked in the clock benchmark', 'NotFaked');
      },
    };
    const taskQueue = `clock-accuracy-${process.pid}`;
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle, activities });
    await worker.runUntil(async () => {
      const t0 = await env.currentTimeMs();
      const handles = await Promise.all(
        Array.from({ length: opts.workflows }, (_, i) => {
          const input = inputFor(i, t0);
          return env.client.workflow.start('breachNotificationWorkflow', {
            taskQueue,
            workflowId: `${input.incidentId}/breach`,
            args: [input],
          });
        }),
      );
      // The workflow's own plan: every event still to come, as of its first state.
      for (const h of handles) {
        const view = await h.query(breachStateQuery);
        for (const e of unsentEvents(view.record, view.now).filter((x) => Date.parse(x.at) > Date.parse(view.now)))
          planned.push({ key: `${h.workflowId}:${e.key}`, workflowId: h.workflowId, kind: e.kind, at: e.at, obligationId: e.obligationId });
      }
      const startedAt = await env.currentTimeMs();
      await Promise.all(
        handles.map((h) => {
          const events = planned
            .filter((p) => p.workflowId === h.workflowId && Date.parse(p.at) > startedAt)
            .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
          return env.client.workflow.start('sleepToDueTimes', {
            taskQueue,
            workflowId: `${h.workflowId}/floor`,
            args: [events.map((e) => ({ key: e.key, at: e.at }))],
          });
        }),
      );
      horizonMs = Math.max(...planned.map((p) => Date.parse(p.at))) - startedAt + HOUR;
      log(`  clocks: ${planned.length} planned events over ${round(horizonMs / HOUR, 0)} h of workflow time; skipping…`);
      await env.sleep(horizonMs);
      const deadline = Date.now() + 60_000;
      while (floorFired.length < planned.filter((p) => Date.parse(p.at) > startedAt).length && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 200));
      await new Promise((r) => setTimeout(r, 1000)); // let the last pages of the real clocks land too
      await Promise.all([...handles].map((h) => h.terminate('benchmark finished').catch(() => undefined)));
      await Promise.all(
        handles.map((h) =>
          env.client.workflow
            .getHandle(`${h.workflowId}/floor`)
            .terminate('benchmark finished')
            .catch(() => undefined),
        ),
      );
    });
  } finally {
    await env.teardown();
  }
  return report(planned, fired, floorFired, opts.workflows, horizonMs, performance.now() - started);
}

function report(planned: Planned[], fired: Fire[], floorFired: Fire[], workflows: number, horizonMs: number, wallMs: number): BenchReport {
  const plan = new Map(planned.map((p) => [p.key, p]));
  const dev = (f: Fire) => f.firedMs - Date.parse(plan.get(f.key)!.at);
  const known = fired.filter((f) => plan.has(f.key));
  const real = known.map(dev);
  const reminders = known.filter((f) => plan.get(f.key)!.kind === 'reminder').map(dev);
  const floor = floorFired.filter((f) => plan.has(f.key)).map(dev);
  const firedKeys = new Set(fired.map((f) => f.key));
  // Superseded: another event of the same clock fired at the same wake-up (same scheduled instant ± 1 s) and is planned later or equal.
  const missing = planned
    .filter((p) => !firedKeys.has(p.key))
    .filter(
      (p) =>
        !known.some((f) => {
          const q = plan.get(f.key)!;
          return (
            q.workflowId === p.workflowId &&
            q.obligationId === p.obligationId &&
            Date.parse(q.at) >= Date.parse(p.at) &&
            Math.abs(dev(f) + Date.parse(q.at) - Date.parse(p.at)) <= 1000
          );
        }),
    );
  const abs = (xs: number[]) => xs.map(Math.abs);
  const byKind = ['reminder', 'due', 'escalation'].map((k) => {
    const xs = abs(known.filter((f) => plan.get(f.key)!.kind === k).map(dev));
    return `${k} ${xs.length} (max ${round(Math.max(0, ...xs), 0)} ms)`;
  });
  // A timer runs from its TimerStarted event, so a wake-up is late by the latency of the task that set it: show the first (cold) one apart.
  const firstAt = new Map<string, number>();
  for (const p of planned) firstAt.set(p.workflowId, Math.min(firstAt.get(p.workflowId) ?? Infinity, Date.parse(p.at)));
  const isFirst = (f: Fire) => Date.parse(plan.get(f.key)!.at) === firstAt.get(plan.get(f.key)!.workflowId);
  const maxAbs = (xs: number[]) => round(Math.max(0, ...abs(xs)), 0);
  return {
    name: 'clocks',
    rows: [
      {
        metric: 'reminder fired − due, max |dev|',
        unit: 'ms',
        value: Math.max(...abs(reminders)),
        floor: Math.max(...abs(floor)),
        goal: '≤ 1000 ms',
      },
      {
        metric: 'every notice fired − due, max |dev|',
        unit: 'ms',
        value: Math.max(...abs(real)),
        floor: Math.max(...abs(floor)),
        goal: '≤ 1000 ms',
      },
      { metric: 'every notice fired − due, p99 |dev|', unit: 'ms', value: percentile(abs(real), 99), floor: percentile(abs(floor), 99) },
      { metric: 'every notice fired − due, p50 |dev|', unit: 'ms', value: percentile(abs(real), 50), floor: percentile(abs(floor), 50) },
      { metric: 'earliest notice (negative = early)', unit: 'ms', value: Math.min(...real), floor: Math.min(...floor) },
      { metric: 'planned events neither fired nor superseded', unit: 'events', value: missing.length, floor: 0, goal: '0' },
    ],
    notes: [
      `${workflows} breach workflows, ${planned.length} planned events (${known.length} fired: ${byKind.join(', ')}; ${planned.length - known.length - missing.length} superseded at the same wake-up) over ${round(horizonMs / HOUR, 0)} h of workflow time in ${round(wallMs / 1000, 1)} s wall`,
      `first event of each workflow (its timer set by the first workflow task) max ${maxAbs(known.filter(isFirst).map(dev))} ms (floor ${maxAbs(floorFired.filter((f) => plan.has(f.key) && isFirst(f)).map(dev))} ms); every later event max ${maxAbs(known.filter((f) => !isFirst(f)).map(dev))} ms (floor ${maxAbs(floorFired.filter((f) => plan.has(f.key) && !isFirst(f)).map(dev))} ms)`,
      'fire time = server scheduled time of the notifier activity; due = the planned instant from the workflow plan; floor = bare sleep() to the same instants, same server and worker',
      ...(missing.length
        ? [
            `missing: ${missing
              .slice(0, 5)
              .map((m) => `${m.key} at ${m.at}`)
              .join(', ')}`,
          ]
        : []),
    ],
    raw: { planned, fired, floorFired },
  };
}
