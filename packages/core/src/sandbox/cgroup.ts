import { existsSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

const ROOT = '/sys/fs/cgroup';

/** Limits a {@link SandboxCgroup} enforces. */
export interface CgroupLimits {
  /** Maximum number of processes and threads. */
  pids: number;
  /** Memory limit in bytes (swap included where the kernel can). */
  memory: number;
}

/** A cgroup (v1: one per controller; v2: one) made for one sandbox. */
export interface SandboxCgroup {
  /** `v1` or `v2`. */
  readonly version: 'v1' | 'v2';
  /** The `cgroup.procs` files a process writes its pid to, to join. */
  readonly procsFiles: string[];
  /** Kills every process in the cgroup and removes it. */
  remove(): Promise<void>;
  /** The same, synchronously (process exit). */
  removeSync(): void;
}

function ownCgroups(): Map<string, string> {
  const result = new Map<string, string>();
  for (const line of readFileSync('/proc/self/cgroup', 'utf8').split('\n')) {
    const [, controllers, path] = line.split(':');
    if (path === undefined || controllers === undefined) continue;
    for (const controller of controllers.split(',')) result.set(controller, path);
  }
  return result;
}

function readPids(directory: string): number[] {
  try {
    return readFileSync(join(directory, 'cgroup.procs'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

function killAll(directories: string[]): void {
  for (const directory of directories) {
    if (existsSync(join(directory, 'cgroup.kill'))) {
      try {
        writeFileSync(join(directory, 'cgroup.kill'), '1');
      } catch {
        // fall through to kill(2)
      }
    }
    for (const pid of readPids(directory)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

function makeHandle(version: 'v1' | 'v2', directories: string[]): SandboxCgroup {
  const removeOnce = async (): Promise<void> => {
    for (let attempt = 0; attempt < 50; attempt++) {
      killAll(directories);
      let left = 0;
      for (const directory of directories) {
        try {
          await rmdir(directory);
        } catch (error) {
          // EBUSY: killed processes not reaped yet, try again; anything else will not change.
          if ((error as NodeJS.ErrnoException).code === 'EBUSY') left++;
        }
      }
      if (left === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
  };
  return {
    version,
    procsFiles: directories.map((directory) => join(directory, 'cgroup.procs')),
    remove: removeOnce,
    removeSync: () => {
      // The killed processes must be reaped before rmdir works: retry for up to a second.
      const pause = new Int32Array(new SharedArrayBuffer(4));
      let left = directories;
      for (let attempt = 0; attempt < 50 && left.length > 0; attempt++) {
        killAll(left);
        left = left.filter((directory) => {
          try {
            rmdirSync(directory);
            return false;
          } catch (error) {
            return (error as NodeJS.ErrnoException).code === 'EBUSY';
          }
        });
        if (left.length > 0) Atomics.wait(pause, 0, 0, 20);
      }
    },
  };
}

async function createV1(name: string, limits: CgroupLimits): Promise<SandboxCgroup> {
  const own = ownCgroups();
  const directories: string[] = [];
  try {
    for (const controller of ['pids', 'memory']) {
      const base = join(ROOT, controller);
      if (!existsSync(join(base, 'cgroup.procs'))) {
        throw new Error(`the ${controller} controller is not mounted at ${base}`);
      }
      const directory = join(base, own.get(controller) ?? '/', name);
      await mkdir(directory);
      directories.push(directory);
    }
    const [pids, memory] = directories as [string, string];
    await writeFile(join(pids, 'pids.max'), String(limits.pids));
    await writeFile(join(memory, 'memory.limit_in_bytes'), String(limits.memory));
    if (existsSync(join(memory, 'memory.memsw.limit_in_bytes'))) {
      await writeFile(join(memory, 'memory.memsw.limit_in_bytes'), String(limits.memory));
    }
    return makeHandle('v1', directories);
  } catch (error) {
    for (const directory of directories) await rmdir(directory).catch(() => undefined);
    throw error;
  }
}

async function createV2(name: string, limits: CgroupLimits): Promise<SandboxCgroup> {
  const own = join(ROOT, ownCgroups().get('') ?? '/');
  const controllers = (await readFile(join(own, 'cgroup.controllers'), 'utf8')).split(/\s+/);
  if (!controllers.includes('pids') || !controllers.includes('memory')) {
    throw new Error(`the pids and memory controllers are not delegated to ${own}`);
  }
  // A sibling of our own cgroup: the parent already enables pids and memory for its children
  // (that is why our cgroup lists them), and our own cgroup holds processes, so it could not.
  const parent = own === ROOT ? ROOT : dirname(own);
  const directory = join(parent, name);
  await mkdir(directory);
  try {
    await writeFile(join(directory, 'pids.max'), String(limits.pids));
    await writeFile(join(directory, 'memory.max'), String(limits.memory));
    if (existsSync(join(directory, 'memory.swap.max'))) {
      await writeFile(join(directory, 'memory.swap.max'), '0');
    }
    return makeHandle('v2', [directory]);
  } catch (error) {
    await rmdir(directory).catch(() => undefined);
    throw error;
  }
}

/**
 * Makes a pids + memory cgroup for a sandbox (v2 when the unified hierarchy has the
 * controllers, else v1). Returns the cgroup, or the reason it could not be made (not root and
 * nothing delegated, controllers missing): the caller must then say that no limits apply.
 */
export async function createSandboxCgroup(
  name: string,
  limits: CgroupLimits,
): Promise<{ cgroup: SandboxCgroup } | { reason: string }> {
  const reasons: string[] = [];
  if (existsSync(join(ROOT, 'cgroup.controllers'))) {
    try {
      return { cgroup: await createV2(name, limits) };
    } catch (error) {
      reasons.push(`cgroup v2: ${(error as Error).message}`);
    }
  }
  if (existsSync(join(ROOT, 'pids')) || existsSync(join(ROOT, 'memory'))) {
    try {
      return { cgroup: await createV1(name, limits) };
    } catch (error) {
      reasons.push(`cgroup v1: ${(error as Error).message}`);
    }
  }
  if (reasons.length === 0) reasons.push(`no cgroup file system at ${ROOT}`);
  return { reason: reasons.join('; ') };
}

/**
 * The folders in which {@link createSandboxCgroup} makes this process's cgroups: for cgroup v2
 * the parent of its own cgroup, for v1 its own cgroup of the pids and of the memory controller.
 * A stale-cleanup looks there (and only there) for cgroups that dead owners left.
 */
export function sandboxCgroupPlaces(): string[] {
  let own: Map<string, string>;
  try {
    own = ownCgroups();
  } catch {
    return [];
  }
  const places: string[] = [];
  if (existsSync(join(ROOT, 'cgroup.controllers'))) {
    const mine = join(ROOT, own.get('') ?? '/');
    places.push(mine === ROOT ? ROOT : dirname(mine));
  }
  for (const controller of ['pids', 'memory']) {
    const base = join(ROOT, controller);
    if (existsSync(join(base, 'cgroup.procs'))) places.push(join(base, own.get(controller) ?? '/'));
  }
  return places;
}

/** Kills every process in these cgroup folders and removes them (a dead owner's cgroup). */
export function removeCgroupDirectories(directories: string[]): Promise<void> {
  return makeHandle('v1', directories).remove();
}
