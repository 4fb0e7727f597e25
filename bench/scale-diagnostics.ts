/**
 * Where the time goes, per process: CPU seconds from /proc (a process and its live children, so
 * PostgreSQL counts with its backends), V8 CPU profiles of the Node workers (`--cpu-prof`, summed
 * by self time over every thread), Go pprof CPU profiles of the Temporal services (read with
 * `go tool pprof -top`), and ERROR lines in the Temporal server logs. Everything here reads what
 * a run left behind; nothing changes the load.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** utime+stime of `pid` and every live descendant, plus what it reaped (cutime+cstime), in seconds. */
export function treeCpuSeconds(pid: number): number {
  const stat = (p: number | string) => {
    try {
      return fs
        .readFileSync(`/proc/${p}/stat`, 'utf8')
        .replace(/^.*\) /, '')
        .split(' ');
    } catch {
      return undefined;
    }
  };
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const f = stat(entry);
    if (!f) continue;
    const ppid = Number(f[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  let ticks = 0;
  const visit = (p: number, root: boolean) => {
    const f = stat(p);
    if (!f) return;
    ticks += Number(f[11]) + Number(f[12]) + (root ? Number(f[13]) + Number(f[14]) : 0);
    for (const c of children.get(p) ?? []) visit(c, false);
  };
  visit(pid, true);
  return ticks / 100;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  /** Profiled wall time summed over threads, seconds. */
  seconds: number;
  /** Share of samples by where the code lives (idle excluded). */
  shares: Record<string, number>;
  /** Functions with the most self time: `name (file:line)` and share of non-idle samples. */
  top: { fn: string; share: number }[];
}

/** What a frame belongs to: Temporal's SDK, the workflow bundle, Cordon's code, the AWS SDK, GC, Node internals. */
function category(frame: ProfileNode['callFrame']): string {
  const { functionName: fn, url } = frame;
  if (fn === '(garbage collector)') return 'gc';
  if (fn === '(program)' || fn === '(root)') return 'v8/native';
  // The SDK enters the workflow sandbox through vm's runInContext: its self time is workflow activations.
  if (url.includes('workflow-bundle') || url.includes('/workflows/') || fn === 'runInContext') return 'workflow sandbox';
  if (url.includes('@temporalio/')) return 'temporal sdk';
  if (url.includes('@aws-sdk/') || url.includes('@smithy/')) return 'aws sdk';
  if (url.includes('/node_modules/')) return 'other packages';
  if (url.startsWith('node:') || url === '') return 'node internals';
  return 'cordon';
}

/** Sums every `.cpuprofile` written by process `pid` (one per thread) in `dir`. */
export function summariseCpuProfiles(dir: string, pid: number, top = 8): ProfileSummary | undefined {
  if (!fs.existsSync(dir)) return undefined;
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile') && f.split('.').includes(String(pid)));
  if (!files.length) return undefined;
  const byFn = new Map<string, number>();
  const byCategory = new Map<string, number>();
  let busy = 0;
  let seconds = 0;
  for (const file of files) {
    const profile = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as CpuProfile;
    seconds += (profile.endTime - profile.startTime) / 1e6;
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
    profile.samples.forEach((id, i) => {
      const frame = nodes.get(id)!.callFrame;
      if (frame.functionName === '(idle)') return;
      const us = profile.timeDeltas[i] ?? 0;
      busy += us;
      const where = frame.url ? `${path.basename(frame.url)}:${frame.lineNumber + 1}` : 'native';
      const key = `${frame.functionName || '(anonymous)'} (${where})`;
      byFn.set(key, (byFn.get(key) ?? 0) + us);
      byCategory.set(category(frame), (byCategory.get(category(frame)) ?? 0) + us);
    });
  }
  const share = (us: number) => Math.round((us / Math.max(busy, 1)) * 1000) / 10;
  return {
    seconds: Math.round(seconds),
    shares: Object.fromEntries([...byCategory].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, share(v)])),
    top: [...byFn]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([fn, us]) => ({ fn, share: share(us) })),
  };
}

/** A `seconds`-long Go CPU profile from a Temporal service's pprof endpoint, written to `file`. */
export async function fetchPprof(port: number, seconds: number, file: string): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/debug/pprof/profile?seconds=${seconds}`, {
      signal: AbortSignal.timeout((seconds + 30) * 1000),
    });
    if (!res.ok) return false;
    fs.writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    return true;
  } catch {
    return false;
  }
}

/** Areas of the Temporal server's CPU, by the packages whose frames are on the stack (cumulative). */
const GO_AREAS: [string, RegExp][] = [
  ['persistence (SQL, incl. the PostgreSQL driver)', /^go\.temporal\.io\/server\/common\/persistence\/sql\b/],
  ['persistence (all layers)', /^go\.temporal\.io\/server\/common\/persistence\b/],
  ['gRPC server and client', /^google\.golang\.org\/grpc\b/],
  ['history engine', /^go\.temporal\.io\/server\/service\/history\b/],
  ['matching engine', /^go\.temporal\.io\/server\/service\/matching\b/],
  ['frontend handler', /^go\.temporal\.io\/server\/service\/frontend\b/],
  ['protobuf encoding', /^google\.golang\.org\/protobuf\b/],
  ['Go GC', /^runtime\.gcBgMarkWorker$/],
  ['syscalls (network, disk)', /^internal\/runtime\/syscall\b|^syscall\.Syscall/],
];

export interface PprofSummary {
  /** Share of samples with a frame of each area on the stack (areas overlap: persistence runs under gRPC handlers). */
  areas: Record<string, number>;
  /** Functions with the most flat (self) time. */
  top: { fn: string; share: number }[];
}

/** Reads a Go CPU profile with `go tool pprof -top` (flat) and `-top -cum` (areas). */
export function summarisePprof(binary: string, file: string, top = 8): PprofSummary | undefined {
  const rows = (args: string[]) => {
    const r = spawnSync('go', ['tool', 'pprof', '-top', ...args, binary, file], { encoding: 'utf8', timeout: 120_000 });
    // Rows: flat flat% sum% cum cum% name
    return r.status !== 0
      ? []
      : r.stdout
          .split('\n')
          .map((l) => /^\s*[\d.]+\w*\s+([\d.]+)%\s+[\d.]+%\s+[\d.]+\w*\s+([\d.]+)%\s+(.+)$/.exec(l))
          .filter((m): m is RegExpExecArray => Boolean(m))
          .map((m) => ({ fn: m[3]!.trim().replace(/ \(inline\)$/, ''), flat: Number(m[1]), cum: Number(m[2]) }));
  };
  const flat = rows([`-nodecount=${top}`]);
  if (!flat.length) return undefined;
  const cum = rows(['-cum', '-nodecount=400']);
  const areas = Object.fromEntries(
    GO_AREAS.map(([name, re]) => [name, Math.max(0, ...cum.filter((r) => re.test(r.fn)).map((r) => r.cum))]),
  );
  return { areas, top: flat.map((r) => ({ fn: r.fn, share: r.flat })) };
}

/** ERROR lines of the Temporal server logs, grouped by message. */
export function serverLogErrors(files: string[]): { count: number; samples: string[] } {
  const groups = new Map<string, number>();
  let count = 0;
  for (const file of files) {
    if (!fs.existsSync(file)) continue;
    for (const l of fs.readFileSync(file, 'utf8').split('\n')) {
      if (!/level=ERROR/i.test(l) && !/"level":"error"/i.test(l)) continue;
      count++;
      const msg = /msg="([^"]*)"/.exec(l)?.[1] ?? /"msg":"([^"]*)"/.exec(l)?.[1] ?? l.slice(0, 80);
      const error = /error="([^"]{0,120})/.exec(l)?.[1] ?? /"error":"([^"]{0,120})/.exec(l)?.[1];
      const key = `${path.basename(file)}: ${msg}${error ? `: ${error}` : ''}`;
      groups.set(key, (groups.get(key) ?? 0) + 1);
    }
  }
  return {
    count,
    samples: [...groups]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 4)
      .map(([k, c]) => `${c}× ${k}`),
  };
}

/** Per activity: calls, total seconds and cumulative bucket counts of `cordon_step_duration_seconds`, summed over workers. */
export type ActivityHistogram = Map<string, { count: number; sum: number; buckets: Map<number, number> }>;

export function activityHistogram(texts: string[]): ActivityHistogram {
  const out: ActivityHistogram = new Map();
  const entry = (activity: string) => {
    let e = out.get(activity);
    if (!e) out.set(activity, (e = { count: 0, sum: 0, buckets: new Map() }));
    return e;
  };
  for (const text of texts) {
    for (const line of text.split('\n')) {
      const m = /^cordon_step_duration_seconds_(bucket|sum|count)\{([^}]*)\} (\S+)$/.exec(line);
      if (!m) continue;
      const activity = /activity="([^"]+)"/.exec(m[2]!)?.[1] ?? '?';
      const value = Number(m[3]);
      const e = entry(activity);
      if (m[1] === 'count') e.count += value;
      else if (m[1] === 'sum') e.sum += value;
      else {
        const le = /le="([^"]+)"/.exec(m[2]!)?.[1];
        const bound = le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le);
        e.buckets.set(bound, (e.buckets.get(bound) ?? 0) + value);
      }
    }
  }
  return out;
}

/** `after − before` per activity: calls, mean and bucket-bound p50/p99 (ms) of the activities run in between. */
export function activityTimes(
  before: ActivityHistogram,
  after: ActivityHistogram,
): Record<string, { count: number; meanMs: number; p50Ms: number; p99Ms: number }> {
  const out: Record<string, { count: number; meanMs: number; p50Ms: number; p99Ms: number }> = {};
  for (const [activity, a] of after) {
    const b = before.get(activity);
    const count = a.count - (b?.count ?? 0);
    if (count <= 0) continue;
    const bounds = [...a.buckets.keys()].sort((x, y) => x - y);
    const quantile = (q: number) => {
      const bound = bounds.find((le) => a.buckets.get(le)! - (b?.buckets.get(le) ?? 0) >= q * count);
      return bound === undefined || !Number.isFinite(bound) ? Number.NaN : bound * 1000;
    };
    out[activity] = { count, meanMs: ((a.sum - (b?.sum ?? 0)) / count) * 1000, p50Ms: quantile(0.5), p99Ms: quantile(0.99) };
  }
  return out;
}

/** Cumulative bucket counts of one Prometheus histogram (every label set summed), by upper bound. */
export function histogramBuckets(text: string, name: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}_bucket{`)) continue;
    const le = /le="([^"]+)"/.exec(line)?.[1];
    if (le === undefined) continue;
    const bound = le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le);
    out.set(bound, (out.get(bound) ?? 0) + (Number(line.slice(line.lastIndexOf(' ') + 1)) || 0));
  }
  return out;
}

/** Count and bucket-bound p50/p99 of what a histogram recorded between two scrapes (bounds as the server reports them). */
export function histogramDelta(before: Map<number, number>, after: Map<number, number>): { count: number; p50: number; p99: number } {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const delta = (le: number) => (after.get(le) ?? 0) - (before.get(le) ?? 0);
  const count = bounds.length ? delta(bounds[bounds.length - 1]!) : 0;
  const q = (f: number) => bounds.find((le) => delta(le) >= f * count) ?? Number.NaN;
  return { count, p50: q(0.5), p99: q(0.99) };
}
