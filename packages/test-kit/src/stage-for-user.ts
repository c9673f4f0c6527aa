// Tests that run as root also drop to an unprivileged user (nobody) to show what the sandbox or
// the browser runner does for one. Such a child cannot always read the checkout (a home of mode
// 0700, a clone under `mktemp -d`), so its script is bundled, with its dependencies, into a
// world-readable folder under the temporary folder.
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A user to run a child process as. */
export interface UnixUser {
  uid: number;
  gid: number;
}

/** The unprivileged user the tests drop to. */
export const NOBODY: UnixUser = Object.freeze({ uid: 65534, gid: 65534 });

/** True when the tests run as root (as in CI): they can then also run a child as {@link NOBODY}. */
export const RUNNING_AS_ROOT = process.getuid?.() === 0;

/** A staged child script, or why it cannot be staged for that user here. */
export type Staged = { folder: string; script: string; remove: () => void } | { skip: string };

/** How {@link stageForUser} bundles. */
export interface StageOptions {
  /**
   * Modules left out of the bundle besides the default ones (dockerode and its native helpers,
   * `@azure/identity`, `@anthropic-ai/*`, which such a child never loads): what the child does
   * not load either, or what `copyPackages` puts beside it.
   */
  external?: (string | RegExp)[];
  /** Packages copied, whole, into `node_modules` beside the script (resolved from the entry). */
  copyPackages?: string[];
}

const DEFAULT_EXTERNAL: (string | RegExp)[] = [
  'dockerode',
  'docker-modem',
  'ssh2',
  'cpu-features',
  '@azure/identity',
  /^@anthropic-ai\//,
];

/** Whether `user` can read `path` (and traverse every folder above it). */
export function userCanRead(path: string, user: UnixUser): boolean {
  const probe = spawnSync(
    process.execPath,
    ['-e', `require('fs').accessSync(${JSON.stringify(path)}, 4)`],
    { uid: user.uid, gid: user.gid, stdio: 'ignore', timeout: 30_000 },
  );
  return probe.status === 0;
}

/**
 * Bundles `entry` (an absolute path; `@bots/*` packages are bundled in) into `child.mjs` in a
 * fresh world-readable folder under the temporary folder, for `user` to run. The caller removes
 * the folder with `remove()`.
 */
export async function stageForUser(
  entry: string,
  user: UnixUser,
  options: StageOptions = {},
): Promise<Staged> {
  const base = tmpdir();
  if (!userCanRead(base, user)) {
    return {
      skip: `uid ${user.uid} cannot read the temporary folder ${base} (TMPDIR), so nothing can be staged for it`,
    };
  }
  const folder = mkdtempSync(join(base, 'bots-stage-'));
  const remove = () => rmSync(folder, { recursive: true, force: true });
  try {
    const { build } = await import('tsup');
    await build({
      entry: { child: entry },
      outDir: folder,
      format: ['esm'],
      platform: 'node',
      target: 'node20',
      bundle: true,
      splitting: false,
      sourcemap: false,
      dts: false,
      silent: true,
      config: false,
      noExternal: [/^@bots\//],
      external: [...DEFAULT_EXTERNAL, ...(options.external ?? [])],
      outExtension: () => ({ js: '.mjs' }),
      banner: {
        js: "import { createRequire as __stageRequire } from 'node:module'; const require = __stageRequire(import.meta.url);",
      },
    });
    const require = createRequire(entry);
    for (const name of options.copyPackages ?? []) {
      cpSync(dirname(require.resolve(`${name}/package.json`)), join(folder, 'node_modules', name), {
        recursive: true,
        dereference: true,
      });
    }
    spawnSync('chmod', ['-R', 'a+rX', folder]);
    chmodSync(folder, 0o755);
    const script = join(folder, 'child.mjs');
    if (!userCanRead(script, user)) {
      remove();
      return { skip: `uid ${user.uid} cannot read the staged script ${script}` };
    }
    return { folder, script, remove };
  } catch (error) {
    remove();
    throw error;
  }
}
