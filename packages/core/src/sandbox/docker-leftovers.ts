import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { hasImage } from './docker-images.js';
import { type OwnerRecord, ownerRecord, recordedOwnerState } from './sandbox-owner.js';

/**
 * What a `DockerEnvironment` leaves on the machine while it runs, how it is marked with its
 * owner, and how what dead owners left is found and removed: containers and volumes labelled
 * `bots.sandbox=1` with `bots.pid`, `bots.host`, `bots.started`; overlay folders
 * `bots-overlay-*` under the temporary directory with an `owner.json`.
 */

/** The label every sandbox container and volume carries. */
export const SANDBOX_LABEL = 'bots.sandbox';

/** Name prefix of the overlay folders (upper and work layers of read-only mounts). */
export const OVERLAY_FOLDER_PREFIX = 'bots-overlay-';

const OWNER_FILE = 'owner.json';

/** The labels that mark a container or volume as a sandbox's, with its owner. */
export function ownerLabels(owner: OwnerRecord = ownerRecord()): Record<string, string> {
  return {
    [SANDBOX_LABEL]: '1',
    'bots.pid': owner.pid,
    'bots.host': owner.host,
    'bots.started': owner.started,
    'bots.pidns': owner.pidNamespace,
  };
}

/** Records this process as the owner of an overlay folder (before anything else goes in it). */
export async function writeOwnerFile(directory: string): Promise<void> {
  await writeFile(join(directory, OWNER_FILE), `${JSON.stringify(ownerRecord())}\n`, {
    mode: 0o600,
  });
}

function endedOwner(labels: Record<string, string> | null | undefined): boolean {
  return (
    recordedOwnerState({
      pid: labels?.['bots.pid'],
      host: labels?.['bots.host'],
      started: labels?.['bots.started'],
      pidNamespace: labels?.['bots.pidns'],
    }) === 'dead'
  );
}

/**
 * Removes a folder whose files belong to users this process may not delete (what the sandbox's
 * user wrote through an overlay, the overlay's own `work` folder): a short container of `image`
 * without network, with only the capabilities that removing needs, deletes it.
 */
export async function removeFolderWithContainer(
  docker: Docker,
  image: string,
  directory: string,
): Promise<void> {
  const container = await docker.createContainer({
    Image: image,
    Cmd: ['rm', '-rf', '--one-file-system', '/target/upper', '/target/work'],
    User: '0:0',
    Labels: ownerLabels(),
    HostConfig: {
      Mounts: [{ Type: 'bind', Source: directory, Target: '/target' }],
      NetworkMode: 'none',
      CapDrop: ['ALL'],
      CapAdd: ['DAC_OVERRIDE', 'FOWNER'],
      SecurityOpt: ['no-new-privileges'],
      AutoRemove: false,
    },
  });
  try {
    await container.start();
    await container.wait();
  } finally {
    await container.remove({ force: true }).catch(() => undefined);
  }
}

/** Removes a folder, with a container's help where this process may not. */
export async function removeFolder(
  directory: string,
  docker: Docker | undefined,
  image: string | undefined,
): Promise<void> {
  try {
    await rm(directory, { recursive: true, force: true });
    return;
  } catch (error) {
    if (!docker || !image) throw error;
  }
  await removeFolderWithContainer(docker, image, directory);
  await rm(directory, { recursive: true, force: true });
}

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
      .filter((info) => endedOwner(info.Labels))
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
      .filter((volume) => endedOwner(volume.Labels))
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
    const record = await readFile(join(directory, OWNER_FILE), 'utf8').catch(() => undefined);
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
