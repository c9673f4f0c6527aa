import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync, statSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import type { CommandResult, Environment, ExecuteOptions } from '../environment.js';
import { registerCleanup } from './cleanup-registry.js';
import type { DockerClient } from './docker-client.js';
import {
  type DockerEnvironmentOptions,
  type DockerSettings,
  resolveDockerSettings,
} from './docker-environment-options.js';
import { defaultDocker, hasImage } from './docker-images.js';
import {
  OVERLAY_FOLDER_PREFIX,
  ownerLabels,
  removeFolder,
  removeStaleSandboxes,
  writeOwnerFile,
} from './docker-leftovers.js';
import { chooseSandboxUser, type SandboxUser } from './docker-user.js';
import { SandboxError } from './errors.js';
import { findExecutable } from './find-executable.js';
import { type ResolvedMount, SANDBOX_WORKDIR } from './mounts.js';
import { ensureSandboxImage, SANDBOX_IMAGE, tarOfFiles } from './sandbox-image.js';
import { sandboxSeccompJson } from './seccomp-profile.js';
import { type ShellProcess, ShellSession } from './shell-session.js';
import { waitForStart } from './wait-for-start.js';

export type { DockerEnvironmentOptions } from './docker-environment-options.js';

/** Where the sandbox image has its execute-only bash (see its Dockerfile). */
const SHELL_DIRECTORY = '/usr/local/libexec/bots';
const SHELL = `${SHELL_DIRECTORY}/bash`;
// For another image: put an execute-only copy of its bash there, as root (no capability needed).
const INSTALL_SHELL = `[ -x ${SHELL} ] || { b=$(command -v bash) && mkdir -p ${SHELL_DIRECTORY} && cp "$b" ${SHELL} && chmod 0111 ${SHELL}; }`;

function statusCode(error: unknown): number | undefined {
  return (error as { statusCode?: number } | undefined)?.statusCode;
}

function engineMessage(error: unknown): string {
  const json = (error as { json?: { message?: string } } | undefined)?.json;
  return (json?.message ?? (error as Error).message ?? String(error)).trim();
}

let tarFlavour: 'gnu' | 'bsd' | undefined;

/** Flags that make the host's `tar` write every entry as owned by `uid:gid`. */
function tarOwnerFlags(uid: number, gid: number): string[] {
  tarFlavour ??= /GNU tar/.test(
    spawnSync('tar', ['--version'], { encoding: 'utf8', timeout: 10_000 }).stdout ?? '',
  )
    ? 'gnu'
    : 'bsd';
  return tarFlavour === 'gnu'
    ? [`--owner=:${uid}`, `--group=:${gid}`, '--numeric-owner']
    : ['--uid', String(uid), '--gid', String(gid), '--numeric-owner'];
}

let staleSweep: Promise<void> | undefined;

/** Once per process: remove what sandboxes of ended processes left (see `removeStale`). */
function sweepStaleOnce(docker: Docker): Promise<void> {
  staleSweep ??= removeStaleSandboxes({ docker, helperImage: SANDBOX_IMAGE }).then(
    () => undefined,
    () => undefined,
  );
  return staleSweep;
}

/**
 * A sandbox in a Docker container, through `dockerode`: one container per environment, one
 * persistent bash attached once (commands cost a round trip on the attached stream, not a
 * `docker exec`), removed on `dispose()`, on `signal` abort, and on process exit/SIGINT/SIGTERM.
 *
 * Contained: not privileged, all capabilities dropped, `no-new-privileges`, a seccomp profile of
 * its own (`seccomp-profile.ts`: no setuid/setgid bits, no new namespaces, mounts, keyrings, BPF,
 * tracing ...), no network unless asked for, memory/pids/CPU limits, never root unless only root
 * could write the mounts (see the `user` option), a shell that its programs cannot read or trace.
 * Every option is checked at construction (`ConfigurationError`).
 *
 * Read-only mounts are Docker volumes of the `local` driver with overlay options (lower: the
 * host folder, upper/work: a temporary folder of the environment), mounted `nosuid,nodev`, so the
 * bot may write and the host folder stays unchanged; where the engine cannot mount that (Docker
 * Desktop: the host path is not in the engine's VM), the folder is copied in instead and `notes`
 * says so. Read-write mounts are binds.
 *
 * Containers and volumes are labelled `bots.sandbox=1` with their owner (pid, host, process
 * start), overlay folders hold an `owner.json`; the first start in a process removes what
 * ended processes left ({@link DockerEnvironment.removeStale}).
 */
export class DockerEnvironment implements Environment {
  readonly kind = 'docker';
  /** Things the caller should know: fallbacks taken, limits not applied. */
  readonly notes: string[] = [];
  readonly #settings: DockerSettings;
  readonly #mounts: ResolvedMount[];
  readonly #id = randomBytes(6).toString('hex');
  #docker: Docker | undefined;
  #container: Docker.Container | undefined;
  #containerId: string | undefined;
  #user: SandboxUser | undefined;
  #shell = SHELL;
  readonly #volumes: string[] = [];
  readonly #tempDirectories: string[] = [];
  #session: ShellSession | undefined;
  #starting: Promise<void> | undefined;
  #unregister: (() => void) | undefined;
  #disposed = false;
  #disposing: Promise<void> | undefined;
  #imageTag: string | undefined;
  readonly #onAbort = () => void this.dispose();

  /** @throws ConfigurationError for an unknown option or a bad value (it names the fix). */
  constructor(options: DockerEnvironmentOptions = {}) {
    this.#settings = resolveDockerSettings(options);
    this.#mounts = this.#settings.mounts;
    this.#settings.signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** The container's id once started. */
  get containerId(): string | undefined {
    return this.#containerId;
  }

  /** True when a Docker engine answers (at `DOCKER_HOST`, or the client given). */
  static async isAvailable(options: { docker?: DockerClient } = {}): Promise<boolean> {
    try {
      await (options.docker ?? (await defaultDocker())).ping();
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Removes what sandboxes of ended processes on this host left: containers labelled
   * `bots.sandbox=1` whose owner (pid, host, process start) has ended, their volumes, and their
   * overlay folders (`bots-overlay-*` in the temporary directory); never what a live process
   * owns. The first start of a DockerEnvironment in a process runs it once. Returns what was
   * removed: container ids, volume names, folder paths.
   */
  static async removeStale(options: { docker?: DockerClient } = {}): Promise<string[]> {
    const docker = (options.docker ?? (await defaultDocker())) as Docker;
    return removeStaleSandboxes({ docker, helperImage: SANDBOX_IMAGE });
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
    const { uid, gid } = this.#user!;
    const info = await stat(hostPath);
    const target = posix.normalize(sandboxPath);
    await this.#refuseLinks(target);
    if (info.isDirectory()) {
      await this.#makeDirectory(target);
      const tar = spawn('tar', [...tarOwnerFlags(uid, gid), '-C', hostPath, '-cf', '-', '.'], {
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
      await this.#makeDirectory(directory);
      const content = await readFile(hostPath);
      const archive = tarOfFiles({
        [posix.basename(target)]: { content, mode: info.mode, uid, gid },
      });
      await container.putArchive(archive, { path: directory });
    }
  }

  dispose(): Promise<void> {
    this.#disposing ??= this.#dispose();
    return this.#disposing;
  }

  async #dispose(): Promise<void> {
    this.#disposed = true;
    this.#settings.signal?.removeEventListener('abort', this.#onAbort);
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
      // Files written through the overlay belong to the sandbox's user: a container removes
      // them where this process may not.
      await removeFolder(directory, docker, this.#imageTag).catch(() => undefined);
    }
  }

  #register(): void {
    if (this.#unregister) return;
    const cli = this.#settings.docker ? undefined : findExecutable('docker');
    this.#unregister = registerCleanup({
      description: `docker sandbox ${this.#id}`,
      cleanupSync: () => {
        if (!this.#containerId && this.#volumes.length === 0 && !this.#tempDirectories.length)
          return true;
        if (!cli) return false;
        const options = { stdio: 'ignore' as const, timeout: 20_000 };
        if (this.#containerId) spawnSync(cli, ['rm', '-f', '-v', this.#containerId], options);
        if (this.#volumes.length > 0)
          spawnSync(cli, ['volume', 'rm', '-f', ...this.#volumes], options);
        this.#containerId = undefined;
        this.#volumes.length = 0;
        for (const directory of this.#tempDirectories) {
          try {
            rmSync(directory, { recursive: true, force: true });
          } catch {
            // Files of another user: the next process's stale sweep removes the folder.
          }
        }
        return true;
      },
      cleanupAsync: () => this.#removeResources(),
    });
  }

  async #start(): Promise<void> {
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
    const swept = sweepStaleOnce(docker);
    let image = this.#settings.image;
    if (image) {
      if (!(await hasImage(docker, image))) {
        throw new SandboxError(
          `The image ${image} is not on the Docker engine. Pull or build it (docker pull ${image}), or leave the image option unset to use the sandbox image.`,
        );
      }
    } else {
      image = await ensureSandboxImage({
        docker,
        ...(this.#settings.onProgress ? { onProgress: this.#settings.onProgress } : {}),
      });
    }
    this.#imageTag = image;
    this.#user = chooseSandboxUser({
      explicit: this.#settings.user,
      mounts: this.#mounts,
      processUid: process.getuid?.(),
      processGid: process.getgid?.(),
      ownerOf: (path) => {
        const info = statSync(path);
        return { uid: info.uid, gid: info.gid };
      },
    });
    if (this.#user.note) this.notes.push(this.#user.note);
    this.#register();
    const networkMode = await this.#networkMode(docker);

    const overlayMounts = this.#mounts.filter(
      (mount) => mount.mode === 'read-only' && mount.directory && !/[,:]/.test(mount.hostPath),
    );
    let copied: ResolvedMount[] = this.#mounts.filter(
      (mount) => mount.mode === 'read-only' && !overlayMounts.includes(mount),
    );
    const container = await this.#createContainer(docker, image, networkMode, overlayMounts);
    try {
      await container.start();
    } catch (error) {
      if (overlayMounts.length === 0) throw this.#refused(error, 'start');
      // Most likely the engine cannot mount an overlay of a host path (Docker Desktop).
      await this.#removeResources();
      this.notes.push(
        `The engine could not mount a read-only overlay of the host folder (${engineMessage(error)}); the read-only mounts were copied into the container instead.`,
      );
      copied = this.#mounts.filter((mount) => mount.mode === 'read-only');
      const plain = await this.#createContainer(docker, image, networkMode, []);
      await plain.start().catch((retry) => {
        throw this.#refused(retry, 'start');
      });
    }
    if (image !== SANDBOX_IMAGE) await this.#installShell();
    this.#session = this.#newSession();
    for (const mount of copied) await this.copyIn(mount.hostPath, mount.sandboxPath);
    await this.#session.ensureStarted();
    await swept;
  }

  #refused(error: unknown, step: 'create' | 'start'): SandboxError {
    const code = statusCode(error);
    return new SandboxError(
      `The Docker engine refused to ${step} the sandbox container${code ? ` (HTTP ${code})` : ''}: ${engineMessage(error)}. Check the DockerEnvironment options (image, memory, pids, cpus, network, user, mounts) against what this engine allows.`,
      { cause: error },
    );
  }

  async #networkMode(docker: Docker): Promise<string> {
    const network = this.#settings.network;
    if (network === false) return 'none';
    if (typeof network === 'string') return network;
    const networks = await docker.listNetworks({ filters: { name: ['bridge'] } });
    if (networks.some((entry) => entry.Name === 'bridge')) return 'bridge';
    this.notes.push(
      'The engine has no bridge network (--bridge=none); network: true uses host networking.',
    );
    return 'host';
  }

  async #createVolume(
    docker: Docker,
    purpose: string,
    driverOptions?: Record<string, string>,
  ): Promise<string> {
    const name = `bots-sandbox-${this.#id}-${purpose}-${randomBytes(3).toString('hex')}`;
    await docker.createVolume({
      Name: name,
      Driver: 'local',
      ...(driverOptions ? { DriverOpts: driverOptions } : {}),
      Labels: { ...this.#settings.labels, ...ownerLabels(), 'bots.environment': this.#id },
    });
    this.#volumes.push(name);
    return name;
  }

  async #createContainer(
    docker: Docker,
    image: string,
    networkMode: string,
    overlayMounts: ResolvedMount[],
  ): Promise<Docker.Container> {
    const { uid, gid } = this.#user!;
    const mounts: Docker.MountSettings[] = [];
    for (const mount of this.#mounts) {
      switch (mount.mode) {
        case 'read-write':
          // A bind mount cannot be nosuid/nodev through Docker's API; the seccomp profile keeps
          // setuid/setgid bits from being made, no-new-privileges keeps planted ones from
          // working, the devices cgroup keeps device nodes closed.
          mounts.push({ Type: 'bind', Source: mount.hostPath, Target: mount.sandboxPath });
          break;
        case 'read-only':
          break;
        default:
          throw new SandboxError(
            `Unknown mount mode ${JSON.stringify(mount.mode)} for ${mount.hostPath}; use "read-only" or "read-write".`,
          );
      }
    }
    for (const [index, mount] of overlayMounts.entries()) {
      const directory = await mkdtemp(join(tmpdir(), OVERLAY_FOLDER_PREFIX));
      this.#tempDirectories.push(directory);
      await writeOwnerFile(directory);
      const upper = join(directory, 'upper');
      await mkdir(upper);
      await mkdir(join(directory, 'work'));
      // The mount's root is the upper folder: give it the host folder's owner and mode, so that
      // the sandbox's user may create files at the top as it may in the folder.
      const lower = await stat(mount.hostPath);
      await chown(upper, lower.uid, lower.gid).catch(() => undefined);
      await chmod(upper, lower.mode & 0o7777);
      const name = await this.#createVolume(docker, String(index), {
        type: 'overlay',
        device: 'overlay',
        o: `lowerdir=${mount.hostPath},upperdir=${join(directory, 'upper')},workdir=${join(directory, 'work')},nosuid,nodev`,
      });
      mounts.push({ Type: 'volume', Source: name, Target: mount.sandboxPath });
    }
    if (uid === 0 && image === SANDBOX_IMAGE) {
      // Root (without capabilities) owns the image's files: keep it from making the shell
      // readable for the next shell by showing the shell's folder read-only (a volume Docker
      // fills from the image).
      const name = await this.#createVolume(docker, 'shell');
      mounts.push({ Type: 'volume', Source: name, Target: SHELL_DIRECTORY, ReadOnly: true });
    }
    const { memory, pids, cpus, readOnlyRootfs } = this.#settings;
    let container: Docker.Container;
    try {
      container = await docker.createContainer({
        name: `bots-sandbox-${this.#id}-${randomBytes(3).toString('hex')}`,
        Image: image,
        Cmd: ['sleep', 'infinity'],
        Labels: {
          ...this.#settings.labels,
          ...ownerLabels(),
          'bots.created': new Date().toISOString(),
          'bots.environment': this.#id,
        },
        Env: [],
        WorkingDir: SANDBOX_WORKDIR,
        User: `${uid}:${gid}`,
        Tty: false,
        OpenStdin: false,
        AttachStdin: false,
        AttachStdout: false,
        AttachStderr: false,
        HostConfig: {
          NetworkMode: networkMode,
          Memory: memory,
          MemorySwap: memory,
          PidsLimit: pids,
          ...(cpus ? { NanoCpus: Math.round(cpus * 1e9) } : {}),
          CapDrop: ['ALL'],
          SecurityOpt: ['no-new-privileges', `seccomp=${sandboxSeccompJson()}`],
          Privileged: false,
          Init: true,
          ReadonlyRootfs: readOnlyRootfs,
          ...(readOnlyRootfs
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
    } catch (error) {
      throw this.#refused(error, 'create');
    }
    this.#container = container;
    this.#containerId = container.id;
    return container;
  }

  /** Another image: give it an execute-only bash, else run its plain bash and say so. */
  async #installShell(): Promise<void> {
    try {
      await this.#execOnce(['sh', '-c', INSTALL_SHELL], '0:0');
      this.#shell = SHELL;
    } catch (error) {
      this.#shell = 'bash';
      this.notes.push(
        `The image has no execute-only shell at ${SHELL} and none could be made (${(error as Error).message.slice(0, 200)}): programs in the sandbox can read the shell's memory, so they could forge the end of a command's output. Add it to the image: RUN mkdir -p ${SHELL_DIRECTORY} && cp /bin/bash ${SHELL} && chmod 0111 ${SHELL}`,
      );
    }
  }

  #newSession(): ShellSession {
    const container = this.#container!;
    const marker = randomBytes(8).toString('hex');
    const env = Object.entries(this.#settings.env).map(([key, value]) => `${key}=${value}`);
    return new ShellSession({
      initialDirectory: this.#settings.workdir ?? this.#mounts[0]?.sandboxPath ?? SANDBOX_WORKDIR,
      outputLimit: this.#settings.outputLimit,
      defaultTimeoutMs: this.#settings.defaultTimeoutMs,
      start: () => this.#startShell(container, [...env, `BOTS_SHELL=${marker}`], marker),
    });
  }

  /**
   * Refuses a `copyIn` whose target path has a symbolic link in it (a folder on the way, or the
   * target itself): the engine's archive API resolves such a link inside the container and would
   * write, as root, wherever a command pointed it. Checked by the sandbox's user.
   */
  async #refuseLinks(target: string): Promise<void> {
    const script =
      'p=; IFS=/; for c in $1; do [ -z "$c" ] && continue; p="$p/$c"; if [ -L "$p" ]; then printf %s "$p"; exit 3; fi; done; exit 0';
    const command = ['sh', '-c', script, 'sh', target];
    const { exitCode, output } = await this.#exec(command);
    if (exitCode === 3) {
      throw new SandboxError(
        `copyIn to ${target} was refused: ${output.trim()} is a symbolic link made inside the sandbox, and copyIn never writes through a link. Copy to a path without links (e.g. under ${SANDBOX_WORKDIR}), or remove the link first.`,
      );
    }
    if (exitCode !== 0) throw execFailure(command, exitCode, output);
  }

  async #makeDirectory(path: string): Promise<void> {
    try {
      await this.#execOnce(['mkdir', '-p', '--', path]);
    } catch {
      // Under a folder of root's: root (without capabilities) may make it.
      await this.#execOnce(['mkdir', '-p', '--', path], '0:0');
    }
  }

  async #startShell(
    container: Docker.Container,
    env: string[],
    marker: string,
  ): Promise<ShellProcess> {
    const docker = this.#docker!;
    // `-s MARKER`: commands from stdin, and the marker in the shell's arguments, which stay
    // readable in /proc when the shell is not dumpable (its environment does not).
    const exec = await container.exec({
      Cmd: [this.#shell, '--noprofile', '--norc', '-s', marker],
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
        // The shell (its arguments hold the marker) and every process that carries the marker
        // in its environment: what the shell started.
        const script = `for p in /proc/[0-9]*; do if grep -qzx -- '${marker}' "$p/cmdline" 2>/dev/null || grep -qzx -- 'BOTS_SHELL=${marker}' "$p/environ" 2>/dev/null; then kill -KILL "\${p#/proc/}" 2>/dev/null; fi; done; exit 0`;
        await this.#execOnce(['bash', '-c', script]).catch(() => undefined);
        stream.destroy();
      },
    };
  }

  /** Runs a command in the container and fails with a `SandboxError` unless it exits 0. */
  async #execOnce(command: string[], user?: string): Promise<{ exitCode: number; output: string }> {
    const result = await this.#exec(command, user);
    if (result.exitCode !== 0) throw execFailure(command, result.exitCode, result.output);
    return result;
  }

  /** Runs a command in the container: its exit code and its merged output. */
  async #exec(command: string[], user?: string): Promise<{ exitCode: number; output: string }> {
    const container = this.#container;
    const docker = this.#docker;
    if (!container || !docker) throw new SandboxError('The sandbox is not running.');
    const exec = await container.exec({
      Cmd: command,
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
      ...(user ? { User: user } : {}),
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
    return { exitCode: info.ExitCode ?? 1, output: text };
  }
}

function execFailure(command: string[], exitCode: number, output: string): SandboxError {
  return new SandboxError(
    `${command.join(' ')} failed in the sandbox (exit ${exitCode}): ${output.trim()}`,
  );
}
