import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, realpathSync } from 'node:fs';
import { chmod, copyFile, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { PassThrough } from 'node:stream';
import type { CommandResult, Environment, ExecuteOptions } from '../environment.js';
import {
  DEVICE_NAMES,
  filesystemArguments,
  INFO_FD,
  identityFiles,
  isolationArguments,
  LOCAL_SHELL_DIRECTORY,
  SANDBOX_HOME,
  SANDBOX_PATH,
  type SandboxView,
  sandboxUser,
  type ViewBind,
} from './bwrap-arguments.js';
import { type BwrapProcess, spawnBwrap } from './bwrap-process.js';
import { findBwrap } from './bwrap-program.js';
import { createSandboxCgroup, type SandboxCgroup } from './cgroup.js';
import { registerCleanup } from './cleanup-registry.js';
import { SandboxError } from './errors.js';
import { findExecutable } from './find-executable.js';
import { copyIntoSandbox } from './local-copy-in.js';
import {
  type LocalEnvironmentOptions,
  type ResolvedLocalOptions,
  resolveLocalOptions,
} from './local-options.js';
import { localCgroupName, makeLocalRoot, removeStaleLocal } from './local-stale.js';
import { SANDBOX_WORKDIR } from './mounts.js';
import { removeTree, removeTreeSync } from './remove-tree.js';
import { SECCOMP_NODE_ARCHITECTURES } from './seccomp-filter.js';
import { type ShellProcess, ShellSession } from './shell-session.js';
import { waitForStart } from './wait-for-start.js';

export type { LocalEnvironmentOptions } from './local-options.js';

/** The bash the sandbox's shell is a copy of (the one under the `/usr` it shows). */
const HOST_BASH = '/usr/bin/bash';

const USERNS_HINT =
  'LocalEnvironment runs bubblewrap in a user namespace of its own: allow unprivileged user namespaces (Debian: sysctl kernel.unprivileged_userns_clone=1; Ubuntu 24.04: an AppArmor profile for bwrap, or sysctl kernel.apparmor_restrict_unprivileged_userns=0), or use DockerEnvironment.';

/** Whether a process runs (exists and is not a zombie that has finished exiting). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function copy(args: string[], what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('cp', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    child.once('error', reject);
    child.once('close', (code: number | null) =>
      code === 0 ? resolve() : reject(new SandboxError(`Copying ${what} failed: ${stderr.trim()}`)),
    );
  });
}

function copyFolder(source: string, destination: string, directory: boolean): Promise<void> {
  // Not the owners: inside, the sandbox's user (the caller's uid) may then change every file.
  return copy(
    [
      '-a',
      '--no-preserve=ownership',
      '--reflink=auto',
      '--',
      directory ? `${source}/.` : source,
      destination,
    ],
    `the read-only mount ${source}`,
  );
}

/** Whether the file system holding `path` lets device nodes work (not mounted `nodev`). */
function allowsDevices(path: string): boolean {
  let best = { point: '', nodev: true };
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const fields = line.split(' ');
    const point = fields[4]?.replace(/\\040/g, ' ');
    if (!point || !(path === point || path.startsWith(point === '/' ? '/' : `${point}/`))) continue;
    if (point.length >= best.point.length) {
      best = { point, nodev: (fields[5] ?? '').split(',').includes('nodev') };
    }
  }
  return !best.nodev;
}

/**
 * A sandbox on the host through bubblewrap, for machines without a Docker engine.
 *
 * What the shell sees: only `/usr` (and the `/bin`, `/lib*` links), a minimal `/etc`, its own
 * `/proc` (with `/proc/sys` read-only), `/dev`, `/tmp`, home and `/workdir` (temporary folders of
 * the environment), and the mounts, bound `nosuid,nodev`; read-only mounts are copies in a
 * temporary folder, so the host folder never changes.
 *
 * What it can do: it runs in a user namespace as an unprivileged user (the host uid, or 1000
 * when the host process is root) with every capability dropped and no nested user namespace, all
 * other namespaces unshared (no network unless asked for, its own pid namespace), a cleared
 * environment, a new session, `--die-with-parent`, and a seccomp filter that refuses to set the
 * setuid/setgid bits. Pids/memory limits come from a cgroup the environment creates and joins
 * before bwrap starts (see `notes` when it cannot). Leftovers of dead processes are removed at
 * the first start of each process ({@link LocalEnvironment.removeStale}).
 */
export class LocalEnvironment implements Environment {
  readonly kind = 'local';
  /** Things the caller should know: fallbacks taken, limits not applied. */
  readonly notes: string[] = [];
  readonly #options: ResolvedLocalOptions;
  readonly #bwrap: string;
  readonly #id = randomBytes(6).toString('hex');
  readonly #user = sandboxUser();
  #root: string | undefined;
  #cgroup: SandboxCgroup | undefined;
  #processes = new Set<BwrapProcess>();
  /** Sandbox path -> host path, longest first: where copyIn can write. */
  #writable: ViewBind[] = [];
  /** What the sandbox sees, for the copies into it. */
  #view: SandboxView | undefined;
  #session: ShellSession | undefined;
  #starting: Promise<void> | undefined;
  #unregister: (() => void) | undefined;
  #disposed = false;
  #disposing: Promise<void> | undefined;
  readonly #onAbort = () => void this.dispose();
  static #sweep: Promise<string[]> | undefined;

  /**
   * @throws ConfigurationError (from `@bots/auth`) for a bad option: it names the option, the
   *   value and the valid ones.
   * @throws SandboxError when `bwrap` is not installed (the message has the install hint), or
   *   on a system the sandbox does not support (not Linux, not x86_64 or aarch64, bubblewrap
   *   older than 0.8).
   */
  constructor(options?: LocalEnvironmentOptions) {
    this.#options = resolveLocalOptions(options);
    if (process.platform !== 'linux') {
      throw new SandboxError(
        'LocalEnvironment (bubblewrap) runs on Linux only; use DockerEnvironment.',
      );
    }
    if (!SECCOMP_NODE_ARCHITECTURES[process.arch]) {
      throw new SandboxError(
        `LocalEnvironment's seccomp filter knows x86_64 and aarch64, not ${process.arch}; use DockerEnvironment.`,
      );
    }
    const found = findBwrap(this.#options.bwrapPath);
    if ('problem' in found) throw new SandboxError(found.problem);
    this.#bwrap = found.bwrap;
    this.#options.signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** True when `bwrap` is on PATH (a CLI can pick the sandbox with it). */
  static isAvailable(): boolean {
    return process.platform === 'linux' && findExecutable('bwrap') !== undefined;
  }

  /**
   * Removes what local sandboxes of processes that ended without cleaning up (a `kill -9`, a
   * crash) left behind: their cgroups and temporary folders (with the throwaway copies of
   * read-only mounts). Owners are recorded by pid, process start time, pid namespace, host and
   * boot, so nothing of a live process, another host or another user is touched. Runs once per
   * process at the first start of a LocalEnvironment; `bots doctor --fix` calls it too.
   * Returns the paths it removed.
   */
  static removeStale(): Promise<string[]> {
    return removeStaleLocal();
  }

  async start(options: { signal?: AbortSignal } = {}): Promise<void> {
    if (this.#disposed)
      throw new SandboxError('This LocalEnvironment was disposed; create a new one.');
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
      throw new SandboxError('This LocalEnvironment was disposed; create a new one.');
    return this.#session.run(command, options);
  }

  /**
   * Copies a host file or folder into the sandbox, under `/workdir`, `/tmp`, `/home/bot` or a
   * mount. The copy runs in the sandbox's own view: it never follows a link made inside to the
   * host, and refuses a target path that has one.
   */
  async copyIn(hostPath: string, sandboxPath: string): Promise<void> {
    await this.start();
    const target = posix.normalize(sandboxPath);
    const inside = this.#writable.some(
      (entry) => target === entry.sandboxPath || target.startsWith(`${entry.sandboxPath}/`),
    );
    if (!sandboxPath.startsWith('/') || !inside) {
      throw new SandboxError(
        `copyIn can write only under ${this.#writable.map((entry) => entry.sandboxPath).join(', ')} in a LocalEnvironment; got ${sandboxPath}.`,
      );
    }
    const view = this.#view!;
    await copyIntoSandbox(
      {
        bwrap: this.#bwrap,
        sandboxArguments: (source) => [
          ...isolationArguments({ network: false, user: this.#user }),
          ...filesystemArguments(view, [source]),
        ],
        track: (copy) => this.#track(copy),
      },
      hostPath,
      target,
    );
  }

  dispose(): Promise<void> {
    this.#disposing ??= this.#dispose();
    return this.#disposing;
  }

  #track(bwrap: BwrapProcess): () => void {
    if (this.#disposed) void bwrap.kill();
    this.#processes.add(bwrap);
    return () => this.#processes.delete(bwrap);
  }

  async #dispose(): Promise<void> {
    this.#disposed = true;
    this.#options.signal?.removeEventListener('abort', this.#onAbort);
    await this.#starting?.catch(() => undefined);
    await this.#session?.close().catch(() => undefined);
    this.#session = undefined;
    await Promise.all([...this.#processes].map((bwrap) => bwrap.kill()));
    this.#processes.clear();
    await this.#cgroup?.remove().catch(() => undefined);
    this.#cgroup = undefined;
    if (this.#root) await removeTree(this.#root);
    this.#root = undefined;
    this.#unregister?.();
    this.#unregister = undefined;
  }

  /**
   * At process exit: kills every sandbox now and waits (up to a second) until each one's pid 1,
   * and so every process of it, has ended, so that no command inside can still swap a folder
   * for a link while its temporary folder is removed.
   */
  #killNow(): void {
    const waiting: number[] = [];
    for (const bwrap of this.#processes) {
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
    this.#processes.clear();
    const pause = new Int32Array(new SharedArrayBuffer(4));
    for (let attempt = 0; attempt < 100 && waiting.some(running); attempt++) {
      Atomics.wait(pause, 0, 0, 10);
    }
  }

  /**
   * When the host process is root, the sandbox's uid is root's on the host, so it would own
   * bwrap's `/dev` nodes (the host's own inodes) and could `chmod` them: make copies of them in
   * `folder` (one `cp` makes all) to bind instead. Undefined when not needed or not possible.
   */
  async #ownDevices(folder: string): Promise<string | undefined> {
    if (process.getuid?.() !== 0) return undefined;
    if (!allowsDevices(realpathSync(folder))) {
      this.notes.push(
        `The sandbox uses the host's own /dev/null, /dev/zero, /dev/random, /dev/urandom, /dev/full and /dev/tty: ${tmpdir()} is on a file system mounted nodev, where its own copies would not work, and as root a command inside could change their modes. Set TMPDIR to a folder on a file system without nodev, or use DockerEnvironment.`,
      );
      return undefined;
    }
    await copy(
      ['-a', '--', ...DEVICE_NAMES.map((name) => `/dev/${name}`), folder],
      'the device nodes',
    );
    return folder;
  }

  /**
   * An execute-only copy of the host's bash in `folder` (see `SandboxView.shell`): the shell
   * that runs it is not dumpable, so what the command starts cannot read the shell's memory or
   * descriptors.
   */
  async #executeOnlyShell(folder: string): Promise<string> {
    const shell = join(folder, 'bash');
    await copyFile(realpathSync(HOST_BASH), shell);
    await chmod(shell, 0o111);
    return folder;
  }

  async #start(): Promise<void> {
    LocalEnvironment.#sweep ??= removeStaleLocal().catch(() => []);
    const root = await makeLocalRoot();
    this.#root = root;
    this.#unregister = registerCleanup({
      description: `local sandbox ${this.#id}`,
      cleanupSync: () => {
        this.#killNow();
        this.#cgroup?.removeSync();
        if (this.#root) removeTreeSync(this.#root);
        return true;
      },
      cleanupAsync: async () => undefined,
    });
    await Promise.all(
      ['tmp', 'workdir', 'home', 'etc', 'mounts', 'dev', 'shell'].map((name) =>
        mkdir(join(root, name)),
      ),
    );
    const identity = identityFiles(this.#user);
    const options = this.#options;
    // All settled before anything is judged: a cgroup made while another step failed must still
    // be recorded, so that the dispose that follows removes it.
    const [devicesDone, shellDone, madeDone, ...written] = await Promise.allSettled([
      this.#ownDevices(join(root, 'dev')),
      this.#executeOnlyShell(join(root, 'shell')),
      options.limits
        ? createSandboxCgroup(localCgroupName(this.#id), {
            pids: options.pids,
            memory: options.memory,
          })
        : Promise.resolve(undefined),
      writeFile(join(root, 'etc', 'passwd'), identity.passwd),
      writeFile(join(root, 'etc', 'group'), identity.group),
    ]);
    const made = madeDone.status === 'fulfilled' ? madeDone.value : undefined;
    if (made && 'cgroup' in made) this.#cgroup = made.cgroup;
    for (const step of [devicesDone, shellDone, madeDone, ...written]) {
      if (step.status === 'rejected') throw step.reason;
    }
    const devices = devicesDone.status === 'fulfilled' ? devicesDone.value : undefined;
    if (made && 'reason' in made && options.limitsRequested) {
      throw new SandboxError(
        `The memory/pids limits you set cannot be applied: a cgroup could not be made (${made.reason}). Run as root, give this user a delegated cgroup v2 (systemd-run --user --scope -p Delegate=yes), use DockerEnvironment, or pass limits: false without memory and pids to run without limits.`,
      );
    } else if (made && 'reason' in made) {
      this.notes.push(
        `No pids/memory limits: a cgroup could not be made (${made.reason}). Run as root, use a delegated cgroup v2 (systemd-run --user --scope -p Delegate=yes), or use DockerEnvironment.`,
      );
    }

    const binds: ViewBind[] = [
      { sandboxPath: '/tmp', source: join(root, 'tmp') },
      { sandboxPath: SANDBOX_HOME, source: join(root, 'home') },
      { sandboxPath: SANDBOX_WORKDIR, source: join(root, 'workdir') },
    ];
    const writable = [...binds];
    const ordered = [...options.mounts].sort(
      (a, b) => a.sandboxPath.split('/').length - b.sandboxPath.split('/').length,
    );
    for (const [index, mount] of ordered.entries()) {
      let source = mount.hostPath;
      if (mount.mode === 'read-only') {
        source = join(root, 'mounts', String(index));
        if (mount.directory) await mkdir(source);
        await copyFolder(mount.hostPath, source, mount.directory);
      }
      binds.push({ sandboxPath: mount.sandboxPath, source });
      if (mount.directory) writable.push({ sandboxPath: mount.sandboxPath, source });
    }
    this.#writable = writable.sort((a, b) => b.sandboxPath.length - a.sandboxPath.length);
    const view: SandboxView = {
      passwd: join(root, 'etc', 'passwd'),
      group: join(root, 'etc', 'group'),
      binds,
      network: options.network,
      ...(devices ? { devices } : {}),
      ...(shellDone.status === 'fulfilled' ? { shell: shellDone.value } : {}),
    };
    this.#view = view;
    const args = [
      ...isolationArguments({ network: options.network, user: this.#user }),
      ...filesystemArguments(view),
      '--info-fd',
      String(INFO_FD),
      '--hostname',
      'bots-sandbox',
      '--clearenv',
      '--setenv',
      'PATH',
      SANDBOX_PATH,
      '--setenv',
      'HOME',
      SANDBOX_HOME,
      '--setenv',
      'LANG',
      'C.UTF-8',
      '--setenv',
      'TERM',
      'dumb',
      '--setenv',
      'USER',
      this.#user.name,
    ];
    for (const [key, value] of Object.entries(options.env)) args.push('--setenv', key, value);
    args.push('--chdir', SANDBOX_WORKDIR, `${LOCAL_SHELL_DIRECTORY}/bash`, '--noprofile', '--norc');

    this.#session = new ShellSession({
      initialDirectory: options.workdir,
      outputLimit: options.outputLimit,
      defaultTimeoutMs: options.defaultTimeoutMs,
      start: () => this.#startShell(args),
    });
    try {
      await this.#session.ensureStarted();
    } catch (error) {
      if (
        error instanceof SandboxError &&
        /namespace|uid map|setting up uid/i.test(error.message)
      ) {
        throw new SandboxError(`${error.message} ${USERNS_HINT}`, { cause: error });
      }
      throw error;
    }
    await LocalEnvironment.#sweep;
  }

  async #startShell(args: string[]): Promise<ShellProcess> {
    const bwrap = spawnBwrap(this.#bwrap, args, { cgroupProcs: this.#cgroup?.procsFiles });
    const untrack = this.#track(bwrap);
    void bwrap.closed.then(untrack);
    const { child } = bwrap;
    const output = new PassThrough();
    let open = 2;
    const ended = () => {
      open -= 1;
      if (open === 0) output.end();
    };
    child.stdout!.on('data', (chunk) => output.write(chunk));
    child.stderr!.on('data', (chunk) => output.write(chunk));
    child.stdout!.once('end', ended);
    child.stderr!.once('end', ended);
    child.once('error', (error) => {
      output.write(`bwrap could not start: ${error.message}\n`);
    });
    return { input: child.stdin!, output, exited: bwrap.closed, kill: () => bwrap.kill() };
  }
}
