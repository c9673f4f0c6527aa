import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * Which process owns something a sandbox left on the machine (a container, a volume, a temporary
 * folder), so that a later process can tell whether the owner has ended: the pid, the host, and
 * the process's start (`<boot id>/<start time in clock ticks>` on Linux), because pids are reused.
 */
export interface ProcessOwner {
  pid: number;
  host: string;
  /** `<boot id>/<start time>`; empty where the system does not tell (not Linux). */
  started: string;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** The start of process `pid` as `<boot id>/<start time>`, or undefined when unknown. */
export function processStart(pid: number): string | undefined {
  const stat = readText(`/proc/${pid}/stat`);
  const bootId = readText('/proc/sys/kernel/random/boot_id')?.trim();
  if (!stat || !bootId) return undefined;
  // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const startTime = fields[19];
  return startTime ? `${bootId}/${startTime}` : undefined;
}

let current: ProcessOwner | undefined;

/** This process as an owner (computed once). */
export function currentOwner(): ProcessOwner {
  current ??= { pid: process.pid, host: hostname(), started: processStart(process.pid) ?? '' };
  return current;
}

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether the recorded owner has ended, as far as this process can tell: `true` only for an owner
 * on this host whose pid is gone, or is now another process (a different start, or a start
 * recorded in an earlier boot). Unknown or partial records (another host, no pid) are `false`:
 * what might belong to a live process is never taken for stale.
 */
export function ownerHasEnded(owner: {
  pid?: string | number | undefined;
  host?: string | undefined;
  started?: string | undefined;
}): boolean {
  const pid = Number(owner.pid);
  if (!Number.isSafeInteger(pid) || pid <= 0 || owner.host !== hostname()) return false;
  if (owner.started) {
    const [bootId] = owner.started.split('/');
    const now = readText('/proc/sys/kernel/random/boot_id')?.trim();
    if (now && bootId && bootId !== now) return true;
  }
  if (!pidExists(pid)) return true;
  if (!owner.started) return false;
  const started = processStart(pid);
  return started !== undefined && started !== owner.started;
}
