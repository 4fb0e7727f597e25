/**
 * Keeps local runs from leaving servers behind, three ways:
 *  - parent death: one small reaper process (sh) per Node process holds a pipe from it and the list
 *    of children it started; when the pipe closes (the Node process ended, even by kill -9) the
 *    reaper signals every child still listed, then SIGKILLs what is left 5 s later. The kernel's own
 *    parent-death signal (PR_SET_PDEATHSIG) is not delivered on this project's machine kind, so it is
 *    not relied on.
 *  - launchers: a start command watches the processes that launched it (npm, sh -c, tsx) and stops
 *    everything when one of them is gone (kill -9 of `npm start` kills npm, not the tsx and node
 *    below it);
 *  - a run file (`run.json` in the data folder) with the owner's pid and each child's pid, port and
 *    start time: a later start that finds its port taken can tell an orphan of its own (it says so
 *    and stops it) from another program (it says so and exits).
 * A pid is only trusted together with its start time (/proc/<pid>/stat field 22), so a reused pid
 * never counts as ours.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';

/**
 * Reads `add <pid> <signal> <group|process>` and `del <pid>` lines; at end of input (its parent is
 * gone) signals what is still listed, waits up to 5 s, then SIGKILLs what remains.
 */
const REAPER_SCRIPT = `
list=""
while read -r op pid sig kind; do
  case "$op" in
    add) list="$list $pid:$sig:$kind" ;;
    del) kept=""; for e in $list; do [ "\${e%%:*}" = "$pid" ] || kept="$kept $e"; done; list="$kept" ;;
  esac
done
target() { if [ "$2" = group ]; then echo "-$1"; else echo "$1"; fi; }
for e in $list; do
  pid=\${e%%:*}; rest=\${e#*:}; sig=\${rest%%:*}; kind=\${rest#*:}
  kill -s "$sig" -- "$(target "$pid" "$kind")" 2>/dev/null
done
i=0
while [ $i -lt 10 ]; do
  alive=""
  for e in $list; do kill -0 "\${e%%:*}" 2>/dev/null && alive=1; done
  [ -z "$alive" ] && exit 0
  sleep 0.5; i=$((i + 1))
done
for e in $list; do
  pid=\${e%%:*}; kind=\${e##*:}
  kill -s KILL -- "$(target "$pid" "$kind")" 2>/dev/null
done
`;

let reaper: ChildProcess | undefined;

function reaperInput(): Writable | undefined {
  if (!reaper) {
    reaper = spawn('/bin/sh', ['-c', REAPER_SCRIPT], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
    reaper.on('error', () => {
      reaper = undefined;
    });
    reaper.stdin?.on('error', () => undefined);
    reaper.unref();
    // The pipe must not keep this process alive; the kernel closes it when this process ends, however it ends.
    (reaper.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  }
  return reaper.stdin ?? undefined;
}

/**
 * Lists `pid` with this process's reaper: if this process ends before the returned `forget` is
 * called, the reaper sends `signal` to it (to its process group when `group`). Call `forget` once
 * the child has exited, so a reused pid is never signalled.
 */
export function reapWithParent(pid: number, opts: { signal?: NodeJS.Signals; group?: boolean } = {}): () => void {
  const input = reaperInput();
  input?.write(`add ${pid} ${(opts.signal ?? 'SIGTERM').replace(/^SIG/, '')} ${opts.group ? 'group' : 'process'}\n`);
  return () => {
    input?.write(`del ${pid}\n`);
  };
}

/** The kernel's start time of `pid` (clock ticks since boot), or undefined when no such process lives. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19];
  } catch {
    return undefined;
  }
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

export interface ProcessRef {
  pid: number;
  startTime: string;
}

export function refOf(pid: number): ProcessRef | undefined {
  const startTime = processStartTime(pid);
  return startTime ? { pid, startTime } : undefined;
}

export function isAlive(ref: ProcessRef): boolean {
  return processStartTime(ref.pid) === ref.startTime;
}

function commandName(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/** What `npm run x` / `npx tsx` put between a shell and this process: npm (its title), sh -c, tsx's node. */
const LAUNCHER = /^(node|npm|npx|sh|tsx|MainThread)\b/;

/**
 * Calls `onGone` once when a launcher of this process has exited: the unbroken chain of npm, sh and
 * node processes above it (the user's shell and anything above that are not watched, so `nohup` and a
 * closed terminal behave as they always do). Returns a function that stops watching.
 */
export function watchAncestors(onGone: (ref: ProcessRef) => void, intervalMs = 1000): () => void {
  const chain: ProcessRef[] = [];
  for (let pid = process.ppid; pid > 1 && chain.length < 16 && LAUNCHER.test(commandName(pid)); pid = parentOf(pid) ?? 0) {
    const ref = refOf(pid);
    if (!ref) break;
    chain.push(ref);
  }
  const timer = setInterval(() => {
    const gone = chain.find((r) => !isAlive(r));
    if (gone) {
      clearInterval(timer);
      onGone(gone);
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

export interface RunChild extends ProcessRef {
  name: string;
  port?: number;
}
interface RunFile {
  owner: ProcessRef;
  command: string;
  children: RunChild[];
}

/** Another start owns this data folder and is still running. */
export class AlreadyRunningError extends Error {
  constructor(
    readonly owner: ProcessRef,
    command: string,
    file: string,
  ) {
    super(
      `${command} is already running from this folder (pid ${owner.pid}; ${file}); stop it with Ctrl-C in its terminal or \`kill ${owner.pid}\``,
    );
    this.name = 'AlreadyRunningError';
  }
}

export interface RunLock {
  readonly file: string;
  /** Records a started child (its pid and port) so a later start can recognise it. */
  add(child: { name: string; pid: number; port?: number }): void;
  remove(pid: number): void;
  release(): void;
}

/**
 * Claims `dir` for this process. An earlier owner that still runs: AlreadyRunningError. An earlier
 * owner that is gone but left children running: each is reported through `say` ("port 7233 is held by
 * temporal-frontend (pid 123), left by an earlier start (pid 100) that did not stop") and killed with
 * its process group, waiting until it is gone.
 */
export async function claimRun(dir: string, command: string, say: (line: string) => void): Promise<RunLock> {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'run.json');
  let previous: RunFile | undefined;
  try {
    previous = JSON.parse(fs.readFileSync(file, 'utf8')) as RunFile;
  } catch {
    previous = undefined;
  }
  if (previous && previous.owner.pid !== process.pid && isAlive(previous.owner))
    throw new AlreadyRunningError(previous.owner, command, file);
  const orphans = (previous?.children ?? []).filter(isAlive);
  for (const orphan of orphans) {
    say(
      `${orphan.port ? `port ${orphan.port} is held by ` : ''}${orphan.name} (pid ${orphan.pid}), left running by an earlier ${command} (pid ${previous!.owner.pid}) that did not stop: stopping it`,
    );
    for (const target of [-orphan.pid, orphan.pid]) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        /* group or process already gone */
      }
    }
  }
  const deadline = Date.now() + 15000;
  while (orphans.some(isAlive)) {
    if (Date.now() > deadline)
      throw new Error(
        `orphans of an earlier ${command} would not stop: ${orphans
          .filter(isAlive)
          .map((o) => `${o.name} pid ${o.pid}`)
          .join(', ')}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
  const state: RunFile = { owner: refOf(process.pid)!, command, children: [] };
  const write = () => fs.writeFileSync(file, `${JSON.stringify(state, null, 2)}\n`);
  write();
  return {
    file,
    add(child) {
      const ref = refOf(child.pid);
      if (!ref) return;
      state.children.push({ name: child.name, ...ref, ...(child.port !== undefined ? { port: child.port } : {}) });
      write();
    },
    remove(pid) {
      state.children = state.children.filter((c) => c.pid !== pid);
      write();
    },
    release() {
      try {
        const current = JSON.parse(fs.readFileSync(file, 'utf8')) as RunFile;
        if (current.owner.pid === process.pid) fs.rmSync(file, { force: true });
      } catch {
        /* already gone */
      }
    },
  };
}
