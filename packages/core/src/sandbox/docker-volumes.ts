import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { ownerLabels } from './docker-owner-labels.js';
import { findExecutable } from './find-executable.js';
import type { ResolvedMount } from './mounts.js';
import { ownerRecord } from './sandbox-owner.js';

/**
 * The volumes of one `DockerEnvironment` and the folders behind them. A read-only mount is a
 * volume of the `local` driver with overlay options: the host folder is the lower layer, a
 * temporary overlay folder (`bots-overlay-*`, with an `owner.json`) holds the upper and work
 * layers, mounted `nosuid,nodev`, so the bot may write and the host folder stays unchanged.
 */

/** Name prefix of the overlay folders (upper and work layers of read-only mounts). */
export const OVERLAY_FOLDER_PREFIX = 'bots-overlay-';
/** The owner record in an overlay folder (written before anything else goes in it). */
export const OVERLAY_OWNER_FILE = 'owner.json';

const CLI_TIMEOUT_MS = 20_000;

/**
 * The read-only mounts that can be overlays: folders whose host path has no `,` or `:` (the
 * overlay's mount options could not carry them). The others are copied in.
 */
export function overlayMounts(mounts: readonly ResolvedMount[]): ResolvedMount[] {
  return mounts.filter(
    (mount) => mount.mode === 'read-only' && mount.directory && !/[,:]/.test(mount.hostPath),
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

/** The volumes (overlays of read-only mounts, the shell's) of one sandbox, and their folders. */
export class DockerVolumes {
  readonly #docker: Docker;
  readonly #environmentId: string;
  readonly #labels: Record<string, string>;
  readonly #names: string[] = [];
  readonly #folders: string[] = [];

  /** `labels`: the caller's own labels, given to every volume with the owner's. */
  constructor(docker: Docker, environmentId: string, labels: Record<string, string>) {
    this.#docker = docker;
    this.#environmentId = environmentId;
    this.#labels = labels;
  }

  /** True when no volume or folder is left to remove. */
  get empty(): boolean {
    return this.#names.length === 0 && this.#folders.length === 0;
  }

  /** Creates a volume of the `local` driver, labelled with its owner; returns its name. */
  async create(purpose: string, driverOptions?: Record<string, string>): Promise<string> {
    const name = `bots-sandbox-${this.#environmentId}-${purpose}-${randomBytes(3).toString('hex')}`;
    await this.#docker.createVolume({
      Name: name,
      Driver: 'local',
      ...(driverOptions ? { DriverOpts: driverOptions } : {}),
      Labels: { ...this.#labels, ...ownerLabels(), 'bots.environment': this.#environmentId },
    });
    this.#names.push(name);
    return name;
  }

  /**
   * Creates the overlay volume of a read-only folder mount (number `index` of the sandbox) and
   * its overlay folder; returns the volume's name.
   */
  async overlay(mount: ResolvedMount, index: number): Promise<string> {
    const directory = await mkdtemp(join(tmpdir(), OVERLAY_FOLDER_PREFIX));
    this.#folders.push(directory);
    await writeFile(join(directory, OVERLAY_OWNER_FILE), `${JSON.stringify(ownerRecord())}\n`, {
      mode: 0o600,
    });
    const upper = join(directory, 'upper');
    const work = join(directory, 'work');
    await mkdir(upper);
    await mkdir(work);
    // The mount's root is the upper folder: give it the host folder's owner and mode, so that
    // the sandbox's user may create files at the top as it may in the folder.
    const lower = await stat(mount.hostPath);
    await chown(upper, lower.uid, lower.gid).catch(() => undefined);
    await chmod(upper, lower.mode & 0o7777);
    return this.create(String(index), {
      type: 'overlay',
      device: 'overlay',
      o: `lowerdir=${mount.hostPath},upperdir=${upper},workdir=${work},nosuid,nodev`,
    });
  }

  /**
   * Removes the volumes, then the folders (files written through an overlay belong to the
   * sandbox's user: a container of `helperImage` removes them where this process may not).
   * Never throws.
   */
  async remove(helperImage: string | undefined): Promise<void> {
    for (const name of this.#names.splice(0)) {
      await this.#docker
        .getVolume(name)
        .remove({ force: true })
        .catch(() => undefined);
    }
    for (const directory of this.#folders.splice(0)) {
      await removeFolder(directory, this.#docker, helperImage).catch(() => undefined);
    }
  }

  /**
   * Removes the volumes with the `docker` CLI and the folders as far as this process may, at
   * process exit. Returns false when there is no CLI on PATH (nothing was removed).
   */
  removeNow(): boolean {
    if (this.empty) return true;
    const cli = findExecutable('docker');
    if (!cli) return false;
    if (this.#names.length > 0) {
      spawnSync(cli, ['volume', 'rm', '-f', ...this.#names], {
        stdio: 'ignore',
        timeout: CLI_TIMEOUT_MS,
      });
      this.#names.length = 0;
    }
    for (const directory of this.#folders) {
      try {
        rmSync(directory, { recursive: true, force: true });
      } catch {
        // Files of another user: the next process's stale sweep removes the folder.
      }
    }
    return true;
  }
}
