import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { constants } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import { SANDBOX_PATH } from './bwrap-arguments.js';
import { setidSeccompProgram } from './seccomp-filter.js';

let program: Buffer | undefined;
const KILL_WAIT_MS = 2_000;
/** How long {@link killNow} waits for the sandboxes' pid 1 to end. */
const KILL_NOW_WAIT_MS = 1_000;
const KILL_NOW_POLL_MS = 10;

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/** Whether a process runs (exists and is not a zombie that has finished exiting). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** A started bwrap, with the host pid of the sandbox's init once bwrap has told it. */
export interface BwrapProcess {
  readonly child: ChildProcess;
  /** The host pid of the sandbox's pid 1 (from bwrap's `--info-fd`), when known. */
  sandboxPid(): number | undefined;
  /**
   * Kills the sandbox: its pid 1 first (the kernel then kills every process of its pid
   * namespace, whatever session or group they made), then bwrap. Resolves when bwrap has ended,
   * that is once the sandbox's pid 1, and so every process in it, is gone.
   */
  kill(): Promise<void>;
  /** Settles when bwrap has ended and its output is closed, with the exit code (or 128+signal). */
  readonly closed: Promise<number | undefined>;
}

/**
 * Starts `bwrap args` (which must include `--seccomp 3 --info-fd 4` as placed by the caller)
 * through `/bin/sh`, which first writes its own pid to each of `cgroupProcs` (so that bwrap and
 * every process of the sandbox start inside the cgroup) and then execs bwrap with an empty
 * environment. fd 3 carries the seccomp program; fd 4 bwrap's info JSON.
 */
export function spawnBwrap(
  bwrap: string,
  args: readonly string[],
  options: { cgroupProcs?: readonly string[]; stdin?: 'pipe' | 'ignore' } = {},
): BwrapProcess {
  program ??= setidSeccompProgram();
  const join = 'IFS=:; for f in $BOTS_CGROUP_PROCS; do echo $$ > "$f" || exit 97; done; exec "$@"';
  const child = spawn('/bin/sh', ['-c', join, 'sh', bwrap, ...args], {
    stdio: [options.stdin ?? 'pipe', 'pipe', 'pipe', 'pipe', 'pipe'],
    detached: true,
    env: { PATH: SANDBOX_PATH, BOTS_CGROUP_PROCS: options.cgroupProcs?.join(':') ?? '' },
  });
  const seccomp = child.stdio[3] as Writable;
  seccomp.on('error', () => undefined);
  seccomp.end(program);
  let pid: number | undefined;
  let info = '';
  const infoStream = child.stdio[4] as Readable;
  infoStream.setEncoding('utf8');
  infoStream.on('data', (chunk: string) => {
    info += chunk;
    const match = /"child-pid"\s*:\s*(\d+)/.exec(info);
    if (match) pid = Number(match[1]);
  });
  infoStream.on('error', () => undefined);
  const closed = new Promise<number | undefined>((resolve) => {
    child.once('error', () => resolve(undefined));
    child.once('close', (code, signal) =>
      resolve(code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : undefined)),
    );
  });
  const signalGroup = () => {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  return {
    child,
    sandboxPid: () => pid,
    closed,
    kill: async () => {
      // Only while it is still bwrap's child: a pid that was reaped may belong to anyone now.
      if (pid !== undefined && child.pid !== undefined && parentOf(pid) === child.pid) {
        try {
          process.kill(pid, 'SIGKILL');
          // bwrap ends once its child, the sandbox's pid 1, has ended, and the kernel ends pid 1
          // only after every other process of its pid namespace.
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, KILL_WAIT_MS);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
          });
        } catch {
          // already gone
        }
      }
      signalGroup();
      await closed;
    },
  };
}

/**
 * At process exit: kills every sandbox of `processes` now (its pid 1 and bwrap's process group)
 * and waits, synchronously and up to a second, until each one's pid 1, and so every process of
 * it, has ended, so that no command inside can still swap a folder for a link while its
 * temporary folder is removed.
 */
export function killNow(processes: Iterable<BwrapProcess>): void {
  const waiting: number[] = [];
  for (const bwrap of processes) {
    const pid = bwrap.sandboxPid();
    if (pid !== undefined) waiting.push(pid);
    for (const target of [pid, bwrap.child.pid && -bwrap.child.pid]) {
      try {
        if (target) process.kill(target, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (
    let waited = 0;
    waited < KILL_NOW_WAIT_MS && waiting.some(running);
    waited += KILL_NOW_POLL_MS
  ) {
    Atomics.wait(pause, 0, 0, KILL_NOW_POLL_MS);
  }
}
