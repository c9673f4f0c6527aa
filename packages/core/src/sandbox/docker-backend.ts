import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import type Docker from 'dockerode';
import { removeContainer, removeContainerNow } from './docker-container-removal.js';
import { bindMounts, containerSpec } from './docker-container-spec.js';
import { copyIntoContainer } from './docker-copy-in.js';
import type { DockerSettings } from './docker-environment-options.js';
import { ContainerExec } from './docker-exec.js';
import { defaultDocker, hasImage } from './docker-images.js';
import { chooseNetwork } from './docker-network.js';
import { IMAGE_SHELL, installShell, SHELL_DIRECTORY, spawnContainerShell } from './docker-shell.js';
import { removeStaleSandboxesOnce } from './docker-stale.js';
import { chooseSandboxUser, type SandboxUser } from './docker-user.js';
import { DockerVolumes, overlayMounts } from './docker-volumes.js';
import { SandboxError } from './errors.js';
import { findExecutable } from './find-executable.js';
import type { ResolvedMount } from './mounts.js';
import type { SandboxBackend, ShellSettings } from './sandbox-backend.js';
import { ensureSandboxImage, SANDBOX_IMAGE } from './sandbox-image.js';
import type { ShellProcess } from './shell-session.js';

function statusCode(error: unknown): number | undefined {
  return (error as { statusCode?: number } | undefined)?.statusCode;
}

function engineMessage(error: unknown): string {
  const json = (error as { json?: { message?: string } } | undefined)?.json;
  return (json?.message ?? (error as Error).message ?? String(error)).trim();
}

function refused(error: unknown, step: 'create' | 'start'): SandboxError {
  const code = statusCode(error);
  return new SandboxError(
    `The Docker engine refused to ${step} the sandbox container${code ? ` (HTTP ${code})` : ''}: ${engineMessage(error)}. Check the DockerEnvironment options (image, memory, pids, cpus, network, user, mounts) against what this engine allows.`,
    { cause: error },
  );
}

/**
 * The {@link SandboxBackend} of `DockerEnvironment`: one container of the sandbox image (or the
 * `image` option), idle until its shell is attached; read-only mounts as overlay volumes, or
 * copied in where the engine cannot mount those; read-write mounts as binds.
 */
export class DockerBackend implements SandboxBackend {
  readonly name = 'DockerEnvironment';
  readonly description: string;
  readonly shell: ShellSettings;
  readonly #settings: DockerSettings;
  readonly #notes: string[];
  readonly #id = randomBytes(6).toString('hex');
  readonly #marker = randomBytes(8).toString('hex');
  #docker: Docker | undefined;
  #container: Docker.Container | undefined;
  #exec: ContainerExec | undefined;
  #user: SandboxUser | undefined;
  #shellPath = IMAGE_SHELL;
  #volumes: DockerVolumes | undefined;
  #image: string | undefined;
  #swept: Promise<void> | undefined;

  /** `notes`: where the sandbox says what the caller should know (fallbacks taken). */
  constructor(settings: DockerSettings, notes: string[]) {
    this.#settings = settings;
    this.#notes = notes;
    this.description = `docker sandbox ${this.#id}`;
    this.shell = {
      initialDirectory: settings.workdir,
      outputLimit: settings.outputLimit,
      defaultTimeoutMs: settings.defaultTimeoutMs,
    };
  }

  /** The container's id once created. */
  get containerId(): string | undefined {
    return this.#container?.id;
  }

  async create(): Promise<void> {
    const docker = (this.#settings.docker ?? (await defaultDocker())) as Docker;
    this.#docker = docker;
    try {
      await docker.ping();
    } catch (error) {
      throw new SandboxError(
        `No Docker engine answers${process.env['DOCKER_HOST'] ? ` at DOCKER_HOST=${process.env['DOCKER_HOST']}` : ''}. Start Docker (or set DOCKER_HOST), or use LocalEnvironment (bubblewrap) instead.`,
        { cause: error },
      );
    }
    this.#swept = removeStaleSandboxesOnce(docker, SANDBOX_IMAGE);
    const image = await this.#chooseImage(docker);
    this.#image = image;
    const mounts = this.#settings.mounts;
    const user = chooseSandboxUser({
      explicit: this.#settings.user,
      mounts,
      processUid: process.getuid?.(),
      processGid: process.getgid?.(),
      ownerOf: (path) => {
        const info = statSync(path);
        return { uid: info.uid, gid: info.gid };
      },
    });
    this.#user = user;
    if (user.note) this.#notes.push(user.note);
    const network = await chooseNetwork(docker, this.#settings.network);
    if (network.note) this.#notes.push(network.note);

    const overlays = overlayMounts(mounts);
    const readOnly = mounts.filter((mount) => mount.mode === 'read-only');
    let copied = readOnly.filter((mount) => !overlays.includes(mount));
    const container = await this.#createContainer(docker, image, network.mode, overlays);
    try {
      await container.start();
    } catch (error) {
      if (overlays.length === 0) throw refused(error, 'start');
      // Most likely the engine cannot mount an overlay of a host path (Docker Desktop).
      await this.release();
      this.#notes.push(
        `The engine could not mount a read-only overlay of the host folder (${engineMessage(error)}); the read-only mounts were copied into the container instead.`,
      );
      copied = readOnly;
      const plain = await this.#createContainer(docker, image, network.mode, []);
      await plain.start().catch((retry) => {
        throw refused(retry, 'start');
      });
    }
    if (image !== SANDBOX_IMAGE) {
      const installed = await installShell(this.#running().exec);
      this.#shellPath = installed.shell;
      if (installed.note) this.#notes.push(installed.note);
    }
    for (const mount of copied) await this.copyIn(mount.hostPath, mount.sandboxPath);
  }

  async settle(): Promise<void> {
    await this.#swept;
  }

  spawnShell(): Promise<ShellProcess> {
    const { container, exec } = this.#running();
    const env = Object.entries(this.#settings.env).map(([key, value]) => `${key}=${value}`);
    return spawnContainerShell({
      docker: this.#docker!,
      container,
      exec,
      shell: this.#shellPath,
      env: [...env, `BOTS_SHELL=${this.#marker}`],
      marker: this.#marker,
    });
  }

  copyIn(hostPath: string, sandboxPath: string): Promise<void> {
    const { container, exec } = this.#running();
    return copyIntoContainer({ container, exec, user: this.#user! }, hostPath, sandboxPath);
  }

  async release(): Promise<void> {
    const container = this.#container;
    this.#container = undefined;
    this.#exec = undefined;
    if (container) {
      await removeContainer(container, { volumes: true, cli: !this.#settings.docker });
    }
    // Files written through the overlay belong to the sandbox's user: a container of the image
    // removes them where this process may not.
    await this.#volumes?.remove(this.#image);
  }

  releaseNow(): boolean {
    const id = this.#container?.id;
    const volumes = this.#volumes;
    if (!id && (!volumes || volumes.empty)) return true;
    // The CLI talks to DOCKER_HOST: not to the engine of a client given in the options.
    if (this.#settings.docker || !findExecutable('docker')) return false;
    if (id) removeContainerNow(id, { volumes: true });
    this.#container = undefined;
    this.#exec = undefined;
    volumes?.removeNow();
    return true;
  }

  #running(): { container: Docker.Container; exec: ContainerExec } {
    const container = this.#container;
    const exec = this.#exec;
    if (!container || !exec) throw new SandboxError('The sandbox is not running.');
    return { container, exec };
  }

  async #chooseImage(docker: Docker): Promise<string> {
    const image = this.#settings.image;
    if (!image) {
      return ensureSandboxImage({
        docker,
        ...(this.#settings.onProgress ? { onProgress: this.#settings.onProgress } : {}),
      });
    }
    if (!(await hasImage(docker, image))) {
      throw new SandboxError(
        `The image ${image} is not on the Docker engine. Pull or build it (docker pull ${image}), or leave the image option unset to use the sandbox image.`,
      );
    }
    return image;
  }

  async #createContainer(
    docker: Docker,
    image: string,
    networkMode: string,
    overlays: ResolvedMount[],
  ): Promise<Docker.Container> {
    const user = this.#user!;
    const mounts = bindMounts(this.#settings.mounts);
    const volumes = new DockerVolumes(docker, this.#id, this.#settings.labels);
    this.#volumes = volumes;
    for (const [index, mount] of overlays.entries()) {
      const name = await volumes.overlay(mount, index);
      mounts.push({ Type: 'volume', Source: name, Target: mount.sandboxPath });
    }
    if (user.uid === 0 && image === SANDBOX_IMAGE) {
      // Root (without capabilities) owns the image's files: keep it from making the shell
      // readable for the next shell by showing the shell's folder read-only (a volume Docker
      // fills from the image).
      const name = await volumes.create('shell');
      mounts.push({ Type: 'volume', Source: name, Target: SHELL_DIRECTORY, ReadOnly: true });
    }
    let container: Docker.Container;
    try {
      container = await docker.createContainer(
        containerSpec({
          environmentId: this.#id,
          image,
          user,
          networkMode,
          mounts,
          settings: this.#settings,
        }),
      );
    } catch (error) {
      throw refused(error, 'create');
    }
    this.#container = container;
    this.#exec = new ContainerExec(docker, container);
    return container;
  }
}
