import { lstat, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeCgroupDirectories, sandboxCgroupPlaces } from './cgroup.js';
import { removeTree } from './remove-tree.js';
import { currentOwner, ownerState, ownerTag, parseOwnerTag } from './sandbox-owner.js';

/** Temporary roots of local sandboxes: `<tmpdir>/bots-local-<owner tag>-XXXXXX`. */
export const LOCAL_ROOT_PREFIX = 'bots-local-';
/** Cgroups of local sandboxes: `bots-sandbox-<owner tag>-<id>`. */
export const LOCAL_CGROUP_PREFIX = 'bots-sandbox-';
/** The owner record in a temporary root (outside every folder the sandbox sees). */
export const OWNER_FILE = 'owner.json';

/** Creates a sandbox's temporary root, named and recorded with this process as its owner. */
export async function makeLocalRoot(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), `${LOCAL_ROOT_PREFIX}${ownerTag()}-`));
  const owner = currentOwner();
  await writeFile(
    join(root, OWNER_FILE),
    `${JSON.stringify({ ...owner, created: new Date().toISOString() })}\n`,
    { mode: 0o600 },
  );
  return root;
}

/** The cgroup name of a sandbox of this process (`id`: the sandbox's own random id). */
export function localCgroupName(id: string): string {
  return `${LOCAL_CGROUP_PREFIX}${ownerTag()}-${id}`;
}

async function readRecord(root: string): Promise<Record<string, unknown> | undefined> {
  try {
    const record: unknown = JSON.parse(await readFile(join(root, OWNER_FILE), 'utf8'));
    return record && typeof record === 'object' ? (record as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

async function staleCgroups(): Promise<string[]> {
  const byName = new Map<string, string[]>();
  for (const place of sandboxCgroupPlaces()) {
    let names: string[];
    try {
      names = await readdir(place);
    } catch {
      continue;
    }
    for (const name of names) {
      if (!name.startsWith(LOCAL_CGROUP_PREFIX)) continue;
      const tag = parseOwnerTag(name.slice(LOCAL_CGROUP_PREFIX.length));
      if (!tag || ownerState(tag) !== 'dead') continue;
      byName.set(name, [...(byName.get(name) ?? []), join(place, name)]);
    }
  }
  const removed: string[] = [];
  for (const directories of byName.values()) {
    await removeCgroupDirectories(directories).catch(() => undefined);
    for (const directory of directories) {
      if (!(await lstat(directory).catch(() => undefined))) removed.push(directory);
    }
  }
  return removed;
}

async function staleRoots(): Promise<string[]> {
  const base = tmpdir();
  let names: string[];
  try {
    names = await readdir(base);
  } catch {
    return [];
  }
  const uid = process.getuid?.();
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(LOCAL_ROOT_PREFIX)) continue;
    const tag = parseOwnerTag(name.slice(LOCAL_ROOT_PREFIX.length));
    // The name alone answers for live owners, so the common case reads no file.
    if (!tag || ownerState(tag) === 'alive') continue;
    const root = join(base, name);
    const info = await lstat(root).catch(() => undefined);
    // Only real folders of our own user: never a link, never another user's folder.
    if (!info?.isDirectory() || info.uid !== uid) continue;
    const record = await readRecord(root);
    if (!record || ownerState(tag, record) !== 'dead') continue;
    if (await removeTree(root)) removed.push(root);
  }
  return removed;
}

/**
 * Removes what local sandboxes of dead processes left behind: their cgroups (processes still in
 * them are killed) and their temporary roots (throwaway copies of read-only mounts included).
 * An owner is dead when no process with its pid and start time runs in its pid namespace on
 * this host, or when it ran in an earlier boot; leftovers of live processes, of other hosts or
 * pid namespaces, and of other users are never touched. Returns the paths removed.
 */
export async function removeStaleLocal(): Promise<string[]> {
  return [...(await staleCgroups()), ...(await staleRoots())];
}
