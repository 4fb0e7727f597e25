/**
 * Whose is a listening port? A free port can be taken by another process between our check and the
 * child's bind (a Temporal dev server picks its internal ports the same way, side by side with us);
 * the child then exits with "address in use" while the port already accepts connections, and a
 * start that only waited for the port would hand out someone else's server. On Linux the answer is
 * in /proc: the socket inodes listening on the port, and the fds of the processes in the child's
 * process group (it is started detached, so its pid is the group id). Elsewhere: unknown.
 */
import fs from 'node:fs';

const LISTEN = '0A';

/** Inodes of TCP sockets listening on `port` (IPv4 and IPv6), or undefined when /proc cannot say. */
function listeningInodes(port: number): Set<string> | undefined {
  const inodes = new Set<string>();
  let read = false;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = fs.readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    read = true;
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // local_address is ADDR:PORT in hex; st is the state; inode is the tenth field.
      if (f.length > 9 && f[3] === LISTEN && parseInt(f[1]!.split(':')[1]!, 16) === port) inodes.add(f[9]!);
    }
  }
  return read ? inodes : undefined;
}

/** Pids whose process group is `group`. */
function groupMembers(group: number): number[] {
  const pids: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // Fields after the command (which may hold spaces) start with state, ppid, pgrp.
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
      if (pgrp === group) pids.push(Number(name));
    } catch {
      /* gone meanwhile */
    }
  }
  return pids;
}

/**
 * True when a process of `group` holds a socket listening on `port`, false when the listener is
 * someone else's (or none), undefined where /proc cannot tell.
 */
export function groupListensOn(group: number, port: number): boolean | undefined {
  const inodes = listeningInodes(port);
  if (!inodes) return undefined;
  if (inodes.size === 0) return false;
  let inspected = false;
  for (const pid of groupMembers(group)) {
    let fds: string[];
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`);
      inspected = true;
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
        if (target.startsWith('socket:[') && inodes.has(target.slice(8, -1))) return true;
      } catch {
        /* closed meanwhile */
      }
    }
  }
  // No member's fds could be read (another user's process): /proc cannot tell.
  return inspected ? false : undefined;
}
