import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { PassThrough } from 'node:stream';
import {
  filesystemArguments,
  identityFiles,
  isolationArguments,
  SANDBOX_HOME,
  type SandboxView,
  sandboxUser,
  shellArguments,
  type ViewBind,
} from './bwrap-arguments.js';
import { type BwrapProcess, killNow, spawnBwrap } from './bwrap-process.js';
import { createSandboxCgroup, type SandboxCgroup } from './cgroup.js';
import { SandboxError } from './errors.js';
import { copyIntoSandbox } from './local-copy-in.js';
import { copyReadOnlyMount, executeOnlyShell, ownDevices } from './local-host-copies.js';
import type { ResolvedLocalOptions } from './local-options.js';
import { localCgroupName, makeLocalRoot, removeStaleLocal } from './local-stale.js';
import { SANDBOX_WORKDIR } from './mounts.js';
import { removeTree, removeTreeSync } from './remove-tree.js';
import type { SandboxBackend, ShellSettings } from './sandbox-backend.js';
import type { ShellProcess } from './shell-session.js';

const USERNS_HINT =
  'LocalEnvironment runs bubblewrap in a user namespace of its own: allow unprivileged user namespaces (Debian: sysctl kernel.unprivileged_userns_clone=1; Ubuntu 24.04: an AppArmor profile for bwrap, or sysctl kernel.apparmor_restrict_unprivileged_userns=0), or use DockerEnvironment.';

let staleSweep: Promise<string[]> | undefined;

/**
 * The {@link SandboxBackend} of `LocalEnvironment`: a temporary root with the sandbox's `/tmp`,
 * home, `/workdir`, `/etc` files, copies of the read-only mounts, an execute-only bash (and, for
 * a root host process, its own device nodes); a cgroup for the limits; every shell and copy a
 * bwrap of the same view.
 */
export class LocalBackend implements SandboxBackend {
  readonly name = 'LocalEnvironment';
  readonly description: string;
  readonly shell: ShellSettings;
  readonly #options: ResolvedLocalOptions;
  readonly #bwrap: string;
  readonly #notes: string[];
  readonly #id = randomBytes(6).toString('hex');
  readonly #user = sandboxUser();
  #stopping: AbortSignal | undefined;
  #root: string | undefined;
  #cgroup: SandboxCgroup | undefined;
  readonly #processes = new Set<BwrapProcess>();
  /** Sandbox path -> host path, longest first: where copyIn can write. */
  #writable: ViewBind[] = [];
  /** What the sandbox sees, for the copies into it. */
  #view: SandboxView | undefined;
  #shellArguments: string[] = [];

  /** `bwrap`: the program found; `notes`: where the sandbox says what the caller should know. */
  constructor(options: ResolvedLocalOptions, bwrap: string, notes: string[]) {
    this.#options = options;
    this.#bwrap = bwrap;
    this.#notes = notes;
    this.description = `local sandbox ${this.#id}`;
    this.shell = {
      initialDirectory: options.workdir,
      outputLimit: options.outputLimit,
      defaultTimeoutMs: options.defaultTimeoutMs,
    };
  }

  async create(stopping: AbortSignal): Promise<void> {
    this.#stopping = stopping;
    staleSweep ??= removeStaleLocal().catch(() => []);
    const root = await makeLocalRoot();
    this.#root = root;
    await Promise.all(
      ['tmp', 'workdir', 'home', 'etc', 'mounts', 'dev', 'shell'].map((name) =>
        mkdir(join(root, name)),
      ),
    );
    const identity = identityFiles(this.#user);
    const options = this.#options;
    // All settled before anything is judged: a cgroup made while another step failed must still
    // be recorded, so that the release that follows removes it.
    const [devicesDone, shellDone, madeDone, ...written] = await Promise.allSettled([
      ownDevices(join(root, 'dev'), this.#notes),
      executeOnlyShell(join(root, 'shell')),
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
      this.#notes.push(
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
        await copyReadOnlyMount(mount.hostPath, source, mount.directory);
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
    this.#shellArguments = shellArguments({
      view,
      user: this.#user,
      env: options.env,
      workdir: SANDBOX_WORKDIR,
    });
  }

  explainStartFailure(error: unknown): unknown {
    if (error instanceof SandboxError && /namespace|uid map|setting up uid/i.test(error.message)) {
      return new SandboxError(`${error.message} ${USERNS_HINT}`, { cause: error });
    }
    return error;
  }

  async settle(): Promise<void> {
    await staleSweep;
  }

  async spawnShell(): Promise<ShellProcess> {
    const bwrap = spawnBwrap(this.#bwrap, this.#shellArguments, {
      cgroupProcs: this.#cgroup?.procsFiles,
    });
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

  /**
   * Copies a host file or folder into the sandbox, under `/workdir`, `/tmp`, `/home/bot` or a
   * mount. The copy runs in the sandbox's own view: it never follows a link made inside to the
   * host, and refuses a target path that has one.
   */
  async copyIn(hostPath: string, sandboxPath: string): Promise<void> {
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

  async release(): Promise<void> {
    await Promise.all([...this.#processes].map((bwrap) => bwrap.kill()));
    this.#processes.clear();
    await this.#cgroup?.remove().catch(() => undefined);
    this.#cgroup = undefined;
    if (this.#root) await removeTree(this.#root);
    this.#root = undefined;
  }

  releaseNow(): boolean {
    killNow(this.#processes);
    this.#processes.clear();
    this.#cgroup?.removeSync();
    if (this.#root) removeTreeSync(this.#root);
    return true;
  }

  /** Tracks a started bwrap, so that a release kills it; once stopping, kills it at once. */
  #track(bwrap: BwrapProcess): () => void {
    if (this.#stopping?.aborted) void bwrap.kill();
    this.#processes.add(bwrap);
    return () => this.#processes.delete(bwrap);
  }
}
