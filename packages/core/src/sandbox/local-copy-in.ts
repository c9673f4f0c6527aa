import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { INFO_FD, type ViewBind } from './bwrap-arguments.js';
import { type BwrapProcess, spawnBwrap } from './bwrap-process.js';
import { SandboxError } from './errors.js';

/** Exit code of the copy script when the target path has a symbolic link. */
const LINK_ON_PATH = 3;

// Runs inside a bwrap that sees what the sandbox sees (plus the source, read-only): every path
// resolves in the sandbox's view, so a link made inside cannot lead the write to the host. The
// walk below refuses links on the path (as DockerEnvironment does); should a command inside swap
// a folder for a link after the walk, the write still lands in the sandbox's own view.
// umask 0 and no --preserve=mode: modes are kept as they are, without setuid/setgid bits.
const COPY_SCRIPT = `set -eu
source=$1 target=$2
walked= rest=\${target#/}
while [ -n "$rest" ]; do
  part=\${rest%%/*}
  if [ "$part" = "$rest" ]; then rest=; else rest=\${rest#*/}; fi
  walked=$walked/$part
  if [ -L "$walked" ]; then echo "$walked" >&2; exit ${LINK_ON_PATH}; fi
done
umask 0
mkdir -p -- "\${target%/*}/"
if [ -d "$source" ]; then
  cp -R -P --preserve=timestamps -T -- "$source" "$target"
else
  cp -P --preserve=timestamps -T -- "$source" "$target"
fi`;

/** How to start a bwrap that sees the sandbox's filesystem. */
export interface CopyInContext {
  readonly bwrap: string;
  /** Isolation and filesystem arguments of the sandbox, with `source` bound read-only. */
  readonly sandboxArguments: (source: ViewBind) => string[];
  /** Called with each bwrap started, so that a dispose can kill it. */
  readonly track: (process: BwrapProcess) => () => void;
}

/**
 * Copies a host file or folder to `target` in the sandbox. The host process writes nothing
 * itself: a throwaway bwrap with the sandbox's own view (the source bound read-only beside it)
 * runs `cp`, so no path component the sandbox controls is resolved on the host.
 * @throws SandboxError when the source does not exist, when the target path has a symbolic link
 *   (made inside the sandbox), or when the copy fails.
 */
export async function copyIntoSandbox(
  context: CopyInContext,
  hostPath: string,
  target: string,
): Promise<void> {
  try {
    await stat(hostPath);
  } catch (error) {
    throw new SandboxError(
      `copyIn: the host path ${JSON.stringify(hostPath)} does not exist or cannot be read. Pass an existing file or folder.`,
      { cause: error },
    );
  }
  const source = `/.bots-copy-in-${randomBytes(6).toString('hex')}`;
  const copy = spawnBwrap(
    context.bwrap,
    [
      ...context.sandboxArguments({ source: hostPath, sandboxPath: source }),
      '--info-fd',
      String(INFO_FD),
      '--clearenv',
      '--setenv',
      'PATH',
      '/usr/bin:/bin',
      '/bin/sh',
      '-c',
      COPY_SCRIPT,
      'sh',
      source,
      target,
    ],
    { stdin: 'ignore' },
  );
  const untrack = context.track(copy);
  let output = '';
  copy.child.stdout?.on('data', (chunk) => {
    if (output.length < 4000) output += chunk;
  });
  copy.child.stderr?.on('data', (chunk) => {
    if (output.length < 4000) output += chunk;
  });
  const code = await copy.closed.finally(untrack);
  if (code === 0) return;
  if (code === LINK_ON_PATH) {
    throw new SandboxError(
      `copyIn refuses to write to ${target}: ${output.trim()} in the sandbox is a symbolic link (a command inside may have made it), and nothing the host writes may follow one. Copy to a path without links, or remove the link first.`,
    );
  }
  throw new SandboxError(
    `copyIn of ${JSON.stringify(hostPath)} to ${target} failed (exit code ${code ?? 'unknown'}): ${output.trim().slice(0, 500)}`,
  );
}
