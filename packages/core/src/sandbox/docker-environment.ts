import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, rmSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { delimiter, join, posix } from 'node:path';
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import type { CommandResult, Environment, ExecuteOptions, Mount } from '../environment.js';
import { registerCleanup } from './cleanup-registry.js';
import type { DockerClient } from './docker-client.js';
import { defaultDocker, hasImage } from './docker-images.js';
import { SandboxError } from './errors.js';
import { type ResolvedMount, resolveMounts, SANDBOX_WORKDIR } from './mounts.js';
import { ensureSandboxImage, tarOfFiles } from './sandbox-image.js';
import { type ShellProcess, ShellSession } from './shell-session.js';
import { waitForStart } from './wait-for-start.js';

/** Options of a {@link DockerEnvironment}. */
export interface DockerEnvironmentOptions {
  /** Image to run (default: the sandbox image, built on first use by `ensureSandboxImage`). */
  image?: string;
  /** Host folders or files to show inside; read-only ones get a throwaway writable layer. */
  mounts?: Mount[];
  /**
   * Network access. `false` (default): none (`NetworkMode: none`). `true`: the engine's `bridge`
   * network, or `host` when the engine has no bridge (an engine started with `--bridge=none`,
   * as in this project's CI; `host` shares the host's network namespace). A string is used as
   * the `NetworkMode` as is.
   */
  network?: boolean | string;
  /** Memory limit in bytes, swap included (default 1 GiB). */
  memory?: number;
  /** Maximum number of processes (default 256). */
  pids?: number;
  /** CPU limit in cores, e.g. 1.5 (default: no limit). */
  cpus?: number;
  /** Extra container labels. */
  labels?: Record<string, string>;
  /** Directory the shell starts in (default: the first mount's sandbox path, else `/workdir`). */
  workdir?: string;
  /** Environment variables of the shell. Only these: the host's variables are never passed. */
  env?: Record<string, string>;
  /** Cap on the characters of output per command, head and tail kept (default 16 000). */
  outputLimit?: number;
  /** Timeout of commands that set none, in ms (default 120 000; 0 for none). */
  defaultTimeoutMs?: number;
  /** Mount the image's root file system read-only (`/tmp`, `/workdir`, home are tmpfs). */
  readOnlyRootfs?: boolean;
  /** `uid:gid` inside (default: the host process's uid:gid, so files written to mounts are yours). */
  user?: string;
  /** Docker client (default `new Docker()`, which honours `DOCKER_HOST`). */
  docker?: DockerClient;
  /** Progress lines while the sandbox image is built (first use only). */
  onProgress?: (line: string) => void;
  /** Disposes the environment when aborted. */
  signal?: AbortSignal;
}

const DEFAULT_MEMORY = 1024 ** 3;
const DEFAULT_PIDS = 256;
const DEFAULT_TIMEOUT_MS = 120_000;
const LABEL = 'bots.sandbox';

function findExecutable(name: string): string | undefined {
  for (const directory of (process.env['PATH'] ?? '').split(delimiter)) {
    if (!directory) continue;
    const candidate = join(directory, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  return undefined;
}

function statusCode(error: unknown): number | undefined {
  return (error as { statusCode?: number } | undefined)?.statusCode;
}

function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A sandbox in a Docker container, through `dockerode`: one container per environment, one
 * persistent bash attached once (commands cost a round trip on the attached stream, not a
 * `docker exec`), not privileged, all capabilities dropped, `no-new-privileges`, no network
 * unless asked for, memory/pids/CPU limits, labelled `bots.sandbox=1` with the owner's pid, and
 * removed on `dispose()`, on `signal` abort, and on process exit/SIGINT/SIGTERM.
 *
 * Read-only mounts are Docker volumes of the `local` driver with overlay options (lower: the
 * host folder, upper/work: a temporary folder of the environment), so the bot may write and the
 * host folder stays unchanged; where the engine cannot mount that (Docker Desktop: the host path
 * is not in the engine's VM), the folder is copied in instead and `notes` says so.
 */
export class DockerEnvironment implements Environment {
  readonly kind = 'docker';
  /** Things the caller should know: fallbacks taken, limits not applied. */
  readonly notes: string[] = [];
  readonly #options: DockerEnvironmentOptions;
  readonly #mounts: ResolvedMount[];
  readonly #id = randomBytes(6).toString('hex');
  #docker: Docker | undefined;
  #container: Docker.Container | undefined;
  #containerId: string | undefined;
  readonly #volumes: string[] = [];
  readonly #tempDirectories: string[] = [];
  #session: ShellSession | undefined;
  #starting: Promise<void> | undefined;
  #unregister: (() => void) | undefined;
  #disposed = false;
  #disposing: Promise<void> | undefined;
  readonly #onAbort = () => void this.dispose();

  constructor(options: DockerEnvironmentOptions = {}) {
    this.#options = options;
    this.#mounts = resolveMounts(options.mounts);
    options.signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** The container's id once started. */
  get containerId(): string | undefined {
    return this.#containerId;
  }

  /**
   * Removes sandbox containers (label `bots.sandbox=1`) whose owning process on this host has
   * ended, and unused sandbox volumes. Returns the removed container ids.
   */
  static async removeStale(options: { docker?: DockerClient } = {}): Promise<string[]> {
    const docker = (options.docker ?? (await defaultDocker())) as Docker;
    const removed: string[] = [];
    const containers = await docker.listContainers({
      all: true,
      filters: { label: [`${LABEL}=1`] },
    });
    for (const info of containers) {
      const pid = Number(info.Labels['bots.pid']);
      const sameHost = info.Labels['bots.host'] === hostname();
      if (!sameHost || !Number.isInteger(pid) || isPidAlive(pid)) continue;
      await docker
        .getContainer(info.Id)
        .remove({ force: true, v: true })
        .then(() => removed.push(info.Id))
        .catch(() => undefined);
    }
    const { Volumes } = await docker.listVolumes({
      filters: { label: [`${LABEL}=1`], dangling: ['true'] },
    });
    for (const volume of Volumes ?? []) {
      const pid = Number(volume.Labels?.['bots.pid']);
      if (volume.Labels?.['bots.host'] === hostname() && Number.isInteger(pid) && isPidAlive(pid)) {
        continue;
      }
      await docker
        .getVolume(volume.Name)
        .remove()
        .catch(() => undefined);
    }
    return removed;
  }

  async start(options: { signal?: AbortSignal } = {}): Promise<void> {
    if (this.#disposed)
      throw new SandboxError('This DockerEnvironment was disposed; create a new one.');
    if (this.#session) return;
    this.#starting ??= this.#start().catch(async (error) => {
      this.#starting = undefined;
      await this.dispose();
      throw error;
    });
    await waitForStart(this.#starting, options.signal, () => void this.dispose());
  }

  async execute(command: string, options: ExecuteOptions = {}): Promise<CommandResult> {
    await this.start({ signal: options.signal });
    if (!this.#session)
      throw new SandboxError('This DockerEnvironment was disposed; create a new one.');
    return this.#session.run(command, options);
  }

  async copyIn(hostPath: string, sandboxPath: string): Promise<void> {
    await this.start();
    const container = this.#container!;
    const info = await stat(hostPath);
    const target = posix.normalize(sandboxPath);
    if (info.isDirectory()) {
      await this.#execOnce(['mkdir', '-p', '--', target]);
      const tar = spawn('tar', ['-C', hostPath, '-cf', '-', '.'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      tar.stderr.on('data', (chunk) => {
        stderr += chunk;
      });
      const exited = new Promise<number | null>((resolve, reject) => {
        tar.once('error', reject);
        tar.once('close', resolve);
      });
      await container.putArchive(tar.stdout, { path: target });
      const code = await exited.catch((error) => {
        throw new SandboxError('copyIn needs the `tar` program on the host; install tar.', {
          cause: error,
        });
      });
      if (code !== 0) throw new SandboxError(`tar of ${hostPath} failed: ${stderr.trim()}`);
    } else {
      const directory = posix.dirname(target);
      await this.#execOnce(['mkdir', '-p', '--', directory]);
      const content = await readFile(hostPath);
      const archive = tarOfFiles({ [posix.basename(target)]: { content, mode: info.mode } });
      await container.putArchive(archive, { path: directory });
    }
  }

  dispose(): Promise<void> {
    this.#disposing ??= this.#dispose();
    return this.#disposing;
  }

  async #dispose(): Promise<void> {
    this.#disposed = true;
    this.#options.signal?.removeEventListener('abort', this.#onAbort);
    await this.#starting?.catch(() => undefined);
    await this.#session?.close().catch(() => undefined);
    this.#session = undefined;
    await this.#removeResources();
    this.#unregister?.();
    this.#unregister = undefined;
  }

  async #removeResources(): Promise<void> {
    const docker = this.#docker;
    if (docker && this.#containerId) {
      await docker
        .getContainer(this.#containerId)
        .remove({ force: true, v: true })
        .catch((error) => {
          if (statusCode(error) !== 404) throw error;
        })
        .catch(() => undefined);
    }
    this.#container = undefined;
    this.#containerId = undefined;
    if (docker) {
      for (const name of this.#volumes.splice(0)) {
        await docker
          .getVolume(name)
          .remove({ force: true })
          .catch(() => undefined);
      }
    }
    for (const directory of this.#tempDirectories.splice(0)) {
      await rm(directory, { recursive: true, force: true }).catch(async () => {
        // Files written through the overlay belong to the container's user (root): let a
        // container remove them when this process may not.
        await this.#removeAsContainer(directory).catch(() => undefined);
        await rm(directory, { recursive: true, force: true }).catch(() => undefined);
      });
    }
  }

  async #removeAsContainer(directory: string): Promise<void> {
    const docker = this.#docker;
    if (!docker || !this.#imageTag) return;
    const container = await docker.createContainer({
      Image: this.#imageTag,
      Cmd: ['rm', '-rf', '/target/upper', '/target/work'],
      Labels: this.#labels(),
      HostConfig: { Binds: [`${directory}:/target`], NetworkMode: 'none', AutoRemove: false },
    });
    try {
      await container.start();
      await container.wait();
    } finally {
      await container.remove({ force: true }).catch(() => undefined);
    }
  }

  #imageTag: string | undefined;

  #labels(): Record<string, string> {
    return {
      ...this.#options.labels,
      [LABEL]: '1',
      'bots.pid': String(process.pid),
      'bots.host': hostname(),
      'bots.created': new Date().toISOString(),
      'bots.environment': this.#id,
    };
  }

  #register(): void {
    if (this.#unregister) return;
    const cli = this.#options.docker ? undefined : findExecutable('docker');
    this.#unregister = registerCleanup({
      description: `docker sandbox ${this.#id}`,
      cleanupSync: () => {
        for (const directory of this.#tempDirectories) {
          try {
            rmSync(directory, { recursive: true, force: true });
          } catch {
            // may need the container; handled by removeStale/async path
          }
        }
        if (!this.#containerId && this.#volumes.length === 0) return true;
        if (!cli) return false;
        const options = { stdio: 'ignore' as const, timeout: 20_000 };
        if (this.#containerId) spawnSync(cli, ['rm', '-f', '-v', this.#containerId], options);
        if (this.#volumes.length > 0)
          spawnSync(cli, ['volume', 'rm', '-f', ...this.#volumes], options);
        this.#containerId = undefined;
        this.#volumes.length = 0;
        return true;
      },
      cleanupAsync: () => this.#removeResources(),
    });
  }

  async #start(): Promise<void> {
    const docker = (this.#options.docker ?? (await defaultDocker())) as Docker;
    this.#docker = docker;
    try {
      await docker.ping();
    } catch (error) {
      throw new SandboxError(
        `No Docker engine answers${process.env['DOCKER_HOST'] ? ` at DOCKER_HOST=${process.env['DOCKER_HOST']}` : ''}. Start Docker (or set DOCKER_HOST), or use LocalEnvironment (bubblewrap) instead.`,
        { cause: error },
      );
    }
    let image = this.#options.image;
    if (image) {
      if (!(await hasImage(docker, image))) {
        throw new SandboxError(
          `The image ${image} is not on the Docker engine. Pull or build it (docker pull ${image}), or leave the image option unset to use the sandbox image.`,
        );
      }
    } else {
      image = await ensureSandboxImage({
        docker,
        ...(this.#options.onProgress ? { onProgress: this.#options.onProgress } : {}),
      });
    }
    this.#imageTag = image;
    this.#register();
    const networkMode = await this.#networkMode(docker);

    const overlayMounts = this.#mounts.filter(
      (mount) => mount.mode === 'read-only' && mount.directory && !/[,:]/.test(mount.hostPath),
    );
    let copied: ResolvedMount[] = this.#mounts.filter(
      (mount) => mount.mode === 'read-only' && !overlayMounts.includes(mount),
    );
    try {
      await this.#createAndStart(docker, image, networkMode, overlayMounts);
    } catch (error) {
      if (overlayMounts.length === 0) throw error;
      // Most likely the engine cannot mount an overlay of a host path (Docker Desktop).
      await this.#removeResources();
      this.notes.push(
        `The engine could not mount a read-only overlay of the host folder (${(error as Error).message.trim()}); the read-only mounts were copied into the container instead.`,
      );
      copied = this.#mounts.filter((mount) => mount.mode === 'read-only');
      await this.#createAndStart(docker, image, networkMode, []);
    }
    for (const mount of copied) await this.copyIn(mount.hostPath, mount.sandboxPath);
    await this.#session!.ensureStarted();
  }

  async #networkMode(docker: Docker): Promise<string> {
    const network = this.#options.network ?? false;
    if (network === false) return 'none';
    if (typeof network === 'string') return network;
    const networks = await docker.listNetworks({ filters: { name: ['bridge'] } });
    if (networks.some((entry) => entry.Name === 'bridge')) return 'bridge';
    this.notes.push(
      'The engine has no bridge network (--bridge=none); network: true uses host networking.',
    );
    return 'host';
  }

  async #createAndStart(
    docker: Docker,
    image: string,
    networkMode: string,
    overlayMounts: ResolvedMount[],
  ): Promise<void> {
    const labels = this.#labels();
    const mounts: Docker.MountSettings[] = [];
    for (const mount of this.#mounts) {
      if (mount.mode === 'read-write') {
        mounts.push({
          Type: 'bind',
          Source: mount.hostPath,
          Target: mount.sandboxPath,
          ReadOnly: false,
        });
      }
    }
    for (const [index, mount] of overlayMounts.entries()) {
      const directory = await mkdtemp(join(tmpdir(), 'bots-overlay-'));
      this.#tempDirectories.push(directory);
      await mkdir(join(directory, 'upper'));
      await mkdir(join(directory, 'work'));
      const name = `bots-sandbox-${this.#id}-${index}-${randomBytes(3).toString('hex')}`;
      await docker.createVolume({
        Name: name,
        Driver: 'local',
        DriverOpts: {
          type: 'overlay',
          device: 'overlay',
          o: `lowerdir=${mount.hostPath},upperdir=${join(directory, 'upper')},workdir=${join(directory, 'work')}`,
        },
        Labels: labels,
      });
      this.#volumes.push(name);
      mounts.push({ Type: 'volume', Source: name, Target: mount.sandboxPath });
    }
    const memory = this.#options.memory ?? DEFAULT_MEMORY;
    const user =
      this.#options.user ??
      (typeof process.getuid === 'function'
        ? `${process.getuid()}:${process.getgid!()}`
        : undefined);
    const container = await docker.createContainer({
      name: `bots-sandbox-${this.#id}-${randomBytes(3).toString('hex')}`,
      Image: image,
      Cmd: ['sleep', 'infinity'],
      Labels: labels,
      Env: [],
      WorkingDir: SANDBOX_WORKDIR,
      ...(user ? { User: user } : {}),
      Tty: false,
      OpenStdin: false,
      AttachStdin: false,
      AttachStdout: false,
      AttachStderr: false,
      HostConfig: {
        NetworkMode: networkMode,
        Memory: memory,
        MemorySwap: memory,
        PidsLimit: this.#options.pids ?? DEFAULT_PIDS,
        ...(this.#options.cpus ? { NanoCpus: Math.round(this.#options.cpus * 1e9) } : {}),
        CapDrop: ['ALL'],
        SecurityOpt: ['no-new-privileges'],
        Privileged: false,
        Init: true,
        ReadonlyRootfs: this.#options.readOnlyRootfs ?? false,
        ...(this.#options.readOnlyRootfs
          ? {
              Tmpfs: {
                '/tmp': 'rw,nosuid,nodev,size=512m',
                [SANDBOX_WORKDIR]: 'rw,nosuid,nodev,size=512m',
                '/home/bot': 'rw,nosuid,nodev,size=128m',
              },
            }
          : {}),
        Mounts: mounts,
        AutoRemove: false,
      },
    });
    this.#container = container;
    this.#containerId = container.id;
    await container.start();
    const shellMarker = randomBytes(8).toString('hex');
    const env = Object.entries(this.#options.env ?? {}).map(([key, value]) => `${key}=${value}`);
    this.#session = new ShellSession({
      initialDirectory: this.#options.workdir ?? this.#mounts[0]?.sandboxPath ?? SANDBOX_WORKDIR,
      outputLimit: this.#options.outputLimit,
      defaultTimeoutMs: this.#options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS,
      start: () => this.#startShell(container, [...env, `BOTS_SHELL=${shellMarker}`], shellMarker),
    });
  }

  async #startShell(
    container: Docker.Container,
    env: string[],
    marker: string,
  ): Promise<ShellProcess> {
    const docker = this.#docker!;
    const exec = await container.exec({
      Cmd: ['bash', '--noprofile', '--norc'],
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
      Env: env,
    });
    const stream = await exec.start({ hijack: true, stdin: true });
    const output = new PassThrough();
    docker.modem.demuxStream(stream, output, output);
    const exited = new Promise<number | undefined>((resolve) => {
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        output.end();
        exec
          .inspect()
          .then((info) => resolve(info.ExitCode ?? undefined))
          .catch(() => resolve(undefined));
      };
      stream.once('end', finish);
      stream.once('close', finish);
      stream.once('error', finish);
    });
    return {
      input: stream,
      output,
      exited,
      kill: async () => {
        // Every process that still carries this shell's marker: the shell and what it started.
        const script = `for e in /proc/[0-9]*/environ; do if grep -qzx 'BOTS_SHELL=${marker}' "$e" 2>/dev/null; then p=\${e#/proc/}; kill -KILL "\${p%/environ}" 2>/dev/null; fi; done; exit 0`;
        await this.#execOnce(['bash', '-c', script]).catch(() => undefined);
        stream.destroy();
      },
    };
  }

  async #execOnce(command: string[]): Promise<{ exitCode: number; output: string }> {
    const container = this.#container;
    const docker = this.#docker;
    if (!container || !docker) throw new SandboxError('The sandbox is not running.');
    const exec = await container.exec({
      Cmd: command,
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
    });
    const stream = await exec.start({ hijack: true, stdin: false });
    const output = new PassThrough();
    let text = '';
    output.on('data', (chunk) => {
      text += chunk;
    });
    docker.modem.demuxStream(stream, output, output);
    await new Promise<void>((resolve) => {
      stream.once('end', resolve);
      stream.once('close', resolve);
      stream.once('error', () => resolve());
    });
    const info = await exec.inspect();
    const exitCode = info.ExitCode ?? 1;
    if (exitCode !== 0) {
      throw new SandboxError(
        `${command.join(' ')} failed in the sandbox (exit ${exitCode}): ${text.trim()}`,
      );
    }
    return { exitCode, output: text };
  }
}
