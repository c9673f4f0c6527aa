import { spawn } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { chmod, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEVICE_NAMES } from './bwrap-arguments.js';
import { SandboxError } from './errors.js';

/**
 * What a `LocalEnvironment` copies from the host into its temporary root: the read-only mounts
 * (so the host folder never changes), the device nodes (when the host process is root), and an
 * execute-only bash.
 */

/** The bash the sandbox's shell is a copy of (the one under the `/usr` it shows). */
const HOST_BASH = '/usr/bin/bash';

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

/** Copies a read-only mount (a folder's content, or a file) to its throwaway place. */
export function copyReadOnlyMount(
  source: string,
  destination: string,
  directory: boolean,
): Promise<void> {
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
 * When the host process is root, the sandbox's uid is root's on the host, so it would own
 * bwrap's `/dev` nodes (the host's own inodes) and could `chmod` them: make copies of them in
 * `folder` (one `cp` makes all) to bind instead. Undefined when not needed, or not possible
 * (then `notes` says so).
 */
export async function ownDevices(folder: string, notes: string[]): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  if (!allowsDevices(realpathSync(folder))) {
    notes.push(
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
 * descriptors. Returns the folder.
 */
export async function executeOnlyShell(folder: string): Promise<string> {
  await copyFile(realpathSync(HOST_BASH), join(folder, 'bash'));
  await chmod(join(folder, 'bash'), 0o111);
  return folder;
}
