// Stages what an unprivileged user needs to run a child script of the tests in a world-readable
// temporary folder: the script bundled into one file with its dependencies (the checkout itself
// may sit under a folder that user cannot traverse: a home of mode 0700, a clone under
// `mktemp -d`), plus playwright-core, which is loaded at run time.
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A staged child script, or why it cannot be staged for that user here. */
export type Staged = { folder: string; script: string; remove: () => void } | { skip: string };

const packageRoot = fileURLToPath(new URL('..', import.meta.url));

/** Whether `user` can read `path` (and traverse every folder above it). */
export function userCanRead(path: string, user: { uid: number; gid: number }): boolean {
  const probe = spawnSync(
    process.execPath,
    ['-e', `require('fs').accessSync(${JSON.stringify(path)}, 4)`],
    {
      uid: user.uid,
      gid: user.gid,
      stdio: 'ignore',
      timeout: 30_000,
    },
  );
  return probe.status === 0;
}

/** Bundles `entry` (a file under test/) for `user` into a fresh folder under the temporary dir. */
export async function stageForUser(
  entry: string,
  user: { uid: number; gid: number },
): Promise<Staged> {
  const base = tmpdir();
  if (!userCanRead(base, user))
    return {
      skip: `uid ${user.uid} cannot read the temporary folder ${base} (TMPDIR), so nothing can be staged for it`,
    };
  const folder = mkdtempSync(join(base, 'bots-stage-'));
  const remove = () => rmSync(folder, { recursive: true, force: true });
  try {
    const { build } = await import('tsup');
    await build({
      entry: { child: join(packageRoot, entry) },
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
      // Loaded only by what the child does not do (Docker, keyless auth, Anthropic).
      external: [
        'playwright-core',
        'dockerode',
        'docker-modem',
        'ssh2',
        'cpu-features',
        '@azure/identity',
        /^@anthropic-ai\//,
      ],
      outExtension: () => ({ js: '.mjs' }),
      banner: {
        js: "import { createRequire as __stageRequire } from 'node:module'; const require = __stageRequire(import.meta.url);",
      },
    });
    const require = createRequire(join(packageRoot, 'package.json'));
    const playwright = dirname(require.resolve('playwright-core/package.json'));
    cpSync(playwright, join(folder, 'node_modules', 'playwright-core'), {
      recursive: true,
      dereference: true,
    });
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

/** The pids of `root` and every process below it (from /proc). */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(parent) ?? [];
      list.push(Number(name));
      children.set(parent, list);
    } catch {
      // ended meanwhile
    }
  }
  const tree: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}
