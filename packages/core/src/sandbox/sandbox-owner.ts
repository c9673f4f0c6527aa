import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * Who made a sandbox's leftovers (a temporary folder, a cgroup), so that a later process can
 * tell a dead owner's from a live one's. A pid alone is not enough (pids are reused), so the
 * process's start time is recorded with it; and a pid means something only in its own pid
 * namespace, on its own host, in its own boot.
 */
export interface SandboxOwner {
  /** The owning process. */
  readonly pid: number;
  /** Its start time in clock ticks since boot (`/proc/<pid>/stat`, field 22). */
  readonly startTime: string;
  /** The inode number of its pid namespace (`/proc/self/ns/pid`). */
  readonly pidNamespace: string;
  /** `os.hostname()`. */
  readonly host: string;
  /** The kernel's boot id (`/proc/sys/kernel/random/boot_id`). */
  readonly bootId: string;
}

/** `alive`: the owner runs; `dead`: it ended; `unknown`: another host or pid namespace's. */
export type OwnerState = 'alive' | 'dead' | 'unknown';

function startTimeOf(pid: number | 'self'): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces or ")": split after it.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

let current: SandboxOwner | undefined;

/** This process as an owner (computed once). */
export function currentOwner(): SandboxOwner {
  if (!current) {
    current = {
      pid: process.pid,
      startTime: startTimeOf('self') ?? '0',
      pidNamespace: /\d+/.exec(readlinkSync('/proc/self/ns/pid'))?.[0] ?? '0',
      host: hostname(),
      bootId: readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim(),
    };
  }
  return current;
}

/** The part of a leftover's name that identifies its owner: `<pid namespace>-<pid>-<start>`. */
export function ownerTag(owner: SandboxOwner = currentOwner()): string {
  return `${owner.pidNamespace}-${owner.pid}-${owner.startTime}`;
}

/** The owner tag at the start of `rest` (what follows a leftover's prefix), if there is one. */
export function parseOwnerTag(
  rest: string,
): { pidNamespace: string; pid: number; startTime: string } | undefined {
  const match = /^(\d+)-(\d+)-(\d+)-/.exec(rest);
  if (!match) return undefined;
  return { pidNamespace: match[1]!, pid: Number(match[2]), startTime: match[3]! };
}

/**
 * Whether the owner of a leftover still runs. `recorded` (host and boot id, from the leftover's
 * owner file) is checked first when there is one: another host's leftover is `unknown`, an
 * earlier boot's is `dead`. Then the pid: in another pid namespace `unknown`; here, `alive` only
 * when a process with that pid and that start time exists.
 */
export function ownerState(
  tag: { pidNamespace: string; pid: number; startTime: string },
  recorded?: { host?: unknown; bootId?: unknown },
): OwnerState {
  const self = currentOwner();
  if (recorded) {
    if (recorded.host !== self.host) return 'unknown';
    if (recorded.bootId !== self.bootId) return 'dead';
  }
  if (tag.pidNamespace !== self.pidNamespace) return 'unknown';
  return startTimeOf(tag.pid) === tag.startTime ? 'alive' : 'dead';
}

/**
 * An owner as flat text, for what cannot carry a name tag (container and volume labels, an
 * overlay folder's owner file): `started` is `<boot id>/<start time>`. {@link recordedOwnerState}
 * reads it back.
 */
export interface OwnerRecord {
  pid: string;
  host: string;
  started: string;
  pidNamespace: string;
}

/** This process (or `owner`) as an {@link OwnerRecord}. */
export function ownerRecord(owner: SandboxOwner = currentOwner()): OwnerRecord {
  return {
    pid: String(owner.pid),
    host: owner.host,
    started: `${owner.bootId}/${owner.startTime}`,
    pidNamespace: owner.pidNamespace,
  };
}

/**
 * Whether the owner of a record still runs, with the rules of {@link ownerState}. A partial
 * record (no pid, or written before the start was recorded) is `dead` only when no process has
 * that pid any more; another host's is `unknown`.
 */
export function recordedOwnerState(
  record: Partial<Record<keyof OwnerRecord, unknown>>,
): OwnerState {
  const self = currentOwner();
  const pid = Number(record.pid);
  if (!Number.isSafeInteger(pid) || pid <= 0 || record.host !== self.host) return 'unknown';
  const [bootId, startTime] =
    typeof record.started === 'string' ? record.started.split('/') : [undefined, undefined];
  if (bootId && startTime) {
    return ownerState(
      {
        pid,
        startTime,
        pidNamespace:
          typeof record.pidNamespace === 'string' ? record.pidNamespace : self.pidNamespace,
      },
      { host: record.host, bootId },
    );
  }
  return startTimeOf(pid) === undefined ? 'dead' : 'unknown';
}
