import { readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { hasImage } from './docker-images.js';
import { ownerHasEnded, SANDBOX_LABEL } from './docker-owner-labels.js';
import { OVERLAY_FOLDER_PREFIX, OVERLAY_OWNER_FILE, removeFolder } from './docker-volumes.js';
import { type OwnerRecord, recordedOwnerState } from './sandbox-owner.js';

/**
 * Finding and removing what Docker sandboxes of ended processes left on this host: containers
 * and volumes labelled `bots.sandbox=1` whose owner ended (see `docker-owner-labels.ts`), and
 * overlay folders whose `owner.json` names an ended owner.
 */

/** Options of {@link removeStaleSandboxes}. */
export interface RemoveStaleOptions {
  docker: Docker;
  /** Image for the helper container that removes folders this process may not (when present). */
  helperImage?: string;
  /** Where the overlay folders are (default: the temporary directory). */
  temporaryDirectory?: string;
}

/**
 * Removes what sandboxes of ended processes of this host left: their containers (with anonymous
 * volumes), their volumes, their overlay folders. Never what a live process owns, nor anything
 * whose owner cannot be told (another host, no record). Returns what it removed: container ids,
 * volume names and folder paths.
 */
export async function removeStaleSandboxes(options: RemoveStaleOptions): Promise<string[]> {
  const { docker } = options;
  const removed: string[] = [];
  const containers = await docker.listContainers({
    all: true,
    filters: { label: [`${SANDBOX_LABEL}=1`] },
  });
  await Promise.all(
    containers
      .filter((info) => ownerHasEnded(info.Labels))
      .map((info) =>
        docker
          .getContainer(info.Id)
          .remove({ force: true, v: true })
          .then(() => removed.push(info.Id))
          .catch(() => undefined),
      ),
  );
  const { Volumes } = await docker.listVolumes({ filters: { label: [`${SANDBOX_LABEL}=1`] } });
  await Promise.all(
    (Volumes ?? [])
      .filter((volume) => ownerHasEnded(volume.Labels))
      .map((volume) =>
        docker
          .getVolume(volume.Name)
          .remove()
          .then(() => removed.push(volume.Name))
          .catch(() => undefined),
      ),
  );
  const folder = options.temporaryDirectory ?? tmpdir();
  const names = await readdir(folder).catch(() => [] as string[]);
  let helper: string | undefined;
  for (const name of names.filter((entry) => entry.startsWith(OVERLAY_FOLDER_PREFIX))) {
    const directory = join(folder, name);
    const record = await readFile(join(directory, OVERLAY_OWNER_FILE), 'utf8').catch(
      () => undefined,
    );
    if (!record) continue;
    let owner: Partial<OwnerRecord>;
    try {
      owner = JSON.parse(record) as Partial<OwnerRecord>;
    } catch {
      continue;
    }
    if (recordedOwnerState(owner) !== 'dead') continue;
    if (helper === undefined && options.helperImage) {
      helper = (await hasImage(docker, options.helperImage).catch(() => false))
        ? options.helperImage
        : '';
    }
    await removeFolder(directory, docker, helper || undefined)
      .then(() => removed.push(directory))
      .catch(() => undefined);
  }
  return removed;
}

let staleSweep: Promise<void> | undefined;

/**
 * Once per process (the first start of a `DockerEnvironment`): {@link removeStaleSandboxes},
 * whose failure is not the sandbox's. Resolves when it is done.
 */
export function removeStaleSandboxesOnce(docker: Docker, helperImage: string): Promise<void> {
  staleSweep ??= removeStaleSandboxes({ docker, helperImage }).then(
    () => undefined,
    () => undefined,
  );
  return staleSweep;
}
