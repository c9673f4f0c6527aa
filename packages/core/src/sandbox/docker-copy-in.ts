import { spawn, spawnSync } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { posix } from 'node:path';
import type Docker from 'dockerode';
import { type ContainerExec, execFailure } from './docker-exec.js';
import { SandboxError } from './errors.js';
import { SANDBOX_WORKDIR } from './mounts.js';
import { tarOfFiles } from './sandbox-image.js';

/** Exit code of the link check when the target path has a symbolic link. */
const LINK_ON_PATH = 3;
const LINK_CHECK = `p=; IFS=/; for c in $1; do [ -z "$c" ] && continue; p="$p/$c"; if [ -L "$p" ]; then printf %s "$p"; exit ${LINK_ON_PATH}; fi; done; exit 0`;

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

/** The container to copy into, how to run commands in it, and whose the copies are. */
export interface ContainerCopyContext {
  readonly container: Docker.Container;
  readonly exec: ContainerExec;
  /** The sandbox's user: every copied file is theirs. */
  readonly user: { readonly uid: number; readonly gid: number };
}

/**
 * Refuses a copy whose target path has a symbolic link in it (a folder on the way, or the
 * target itself): the engine's archive API resolves such a link inside the container and would
 * write, as root, wherever a command pointed it. Checked by the sandbox's user.
 */
async function refuseLinks(exec: ContainerExec, target: string): Promise<void> {
  const command = ['sh', '-c', LINK_CHECK, 'sh', target];
  const result = await exec.run(command);
  if (result.exitCode === LINK_ON_PATH) {
    throw new SandboxError(
      `copyIn to ${target} was refused: ${result.output.trim()} is a symbolic link made inside the sandbox, and copyIn never writes through a link. Copy to a path without links (e.g. under ${SANDBOX_WORKDIR}), or remove the link first.`,
    );
  }
  if (result.exitCode !== 0) throw execFailure(command, result);
}

async function makeDirectory(exec: ContainerExec, path: string): Promise<void> {
  try {
    await exec.runOrFail(['mkdir', '-p', '--', path]);
  } catch {
    // Under a folder of root's: root (without capabilities) may make it.
    await exec.runOrFail(['mkdir', '-p', '--', path], '0:0');
  }
}

/**
 * Copies a host file or folder into the container at `sandboxPath`, owned by the sandbox's user,
 * through the engine's archive API (a folder as the host `tar` writes it).
 * @throws SandboxError when the target path has a symbolic link, or when `tar` is missing or fails.
 */
export async function copyIntoContainer(
  context: ContainerCopyContext,
  hostPath: string,
  sandboxPath: string,
): Promise<void> {
  const { container, exec } = context;
  const { uid, gid } = context.user;
  const info = await stat(hostPath);
  const target = posix.normalize(sandboxPath);
  await refuseLinks(exec, target);
  if (info.isDirectory()) {
    await makeDirectory(exec, target);
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
    await makeDirectory(exec, directory);
    const content = await readFile(hostPath);
    const archive = tarOfFiles({
      [posix.basename(target)]: { content, mode: info.mode, uid, gid },
    });
    await container.putArchive(archive, { path: directory });
  }
}
