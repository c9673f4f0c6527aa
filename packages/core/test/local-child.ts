// Helpers of the local sandbox's tests (not part of the package's API; not exported by index.ts).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CommandResult } from '../environment.js';
import { LocalEnvironment } from './local-environment.js';
import type { Availability } from './sandbox-test-support.js';

/** Whether bubblewrap can make a sandbox here, and why not. */
export function bwrapAvailability(): Availability {
  if (!LocalEnvironment.isAvailable()) {
    return { available: false, reason: 'bwrap is not installed (apt-get install bubblewrap)' };
  }
  const probe = spawnSync(
    'bwrap',
    [
      '--unshare-all',
      '--unshare-user',
      '--ro-bind',
      '/usr',
      '/usr',
      '--symlink',
      'usr/bin',
      '/bin',
      '--symlink',
      'usr/lib',
      '/lib',
      '--symlink',
      'usr/lib64',
      '/lib64',
      '/usr/bin/true',
    ],
    { encoding: 'utf8' },
  );
  if (probe.status !== 0) {
    return { available: false, reason: `bwrap cannot make a sandbox here: ${probe.stderr.trim()}` };
  }
  return { available: true, reason: '' };
}

/** True when the tests run as root (as in CI): they can then also run a child as `nobody`. */
export const RUNNING_AS_ROOT = process.getuid?.() === 0;
/** The unprivileged user the tests drop to. */
export const NOBODY = { uid: 65534, gid: 65534 } as const;

const CHILD_SCRIPT = fileURLToPath(new URL('../../test/local-sandbox-child.mjs', import.meta.url));
const BUILT = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

/** Whether `user` can read `path` (and traverse every folder above it). */
function userCanRead(path: string, user: { uid: number; gid: number }): boolean {
  const probe = spawnSync(
    process.execPath,
    ['-e', `require('fs').accessSync(${JSON.stringify(path)}, 4)`],
    { uid: user.uid, gid: user.gid, stdio: 'ignore', timeout: 30_000 },
  );
  return probe.status === 0;
}

let staged: Promise<string> | undefined;

/**
 * The child runner as `user` can run it: the checkout's own file when that user can read it,
 * else one file bundled (the built package and its dependencies) into a world-readable folder
 * under the temporary folder. A checkout may sit where an unprivileged user cannot traverse (a
 * home of mode 0700, a clone under `mktemp -d`).
 */
async function childScriptFor(user: { uid: number; gid: number } | undefined): Promise<string> {
  if (!user || userCanRead(CHILD_SCRIPT, user)) return CHILD_SCRIPT;
  staged ??= (async () => {
    const folder = mkdtempSync(join(tmpdir(), 'bots-local-child-'));
    process.once('exit', () => rmSync(folder, { recursive: true, force: true }));
    const { build } = await import('tsup');
    await build({
      entry: { child: CHILD_SCRIPT },
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
      // Loaded only by what the child never does (Docker, keyless auth, model clients).
      external: [
        'dockerode',
        'docker-modem',
        'ssh2',
        'cpu-features',
        '@azure/identity',
        'openai',
        /^@anthropic-ai\//,
      ],
      outExtension: () => ({ js: '.mjs' }),
      banner: {
        js: "import { createRequire as __childRequire } from 'node:module'; const require = __childRequire(import.meta.url);",
      },
    });
    chmodSync(folder, 0o755);
    chmodSync(join(folder, 'child.mjs'), 0o644);
    return join(folder, 'child.mjs');
  })();
  return staged;
}

/** Whether the child runner can work (it imports the built package). */
export function childAvailability(): Availability {
  return existsSync(BUILT)
    ? { available: true, reason: '' }
    : { available: false, reason: 'packages/core is not built (pnpm build)' };
}

/** One step of a child's job. */
export type ChildStep = { execute: string } | { copyIn: [string, string] };

/** What the child prints. */
export interface ChildReport {
  uid: number;
  notes: string[];
  results: (CommandResult | { copied: true } | { error: string; message: string })[];
}

/** A child started with `hold`: its sandbox stays up until the child is killed. */
export interface HeldChild {
  child: ChildProcess;
  /** Resolves with the report once the sandbox has started and the steps have run. */
  report: Promise<ChildReport>;
}

async function start(
  job: { options?: Record<string, unknown>; steps?: ChildStep[]; hold?: boolean },
  user?: { uid: number; gid: number },
): Promise<{ child: ChildProcess; report: Promise<ChildReport> }> {
  const script = await childScriptFor(user);
  const child = spawn(process.execPath, [script, JSON.stringify(job)], {
    ...(user ?? {}),
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', TMPDIR: '/tmp' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  const report = new Promise<ChildReport>((resolve, reject) => {
    child.stdout!.on('data', (chunk: string) => {
      stdout += chunk;
      const line = stdout.split('\n')[0];
      if (stdout.includes('\n') && line) {
        try {
          resolve(JSON.parse(line) as ChildReport);
        } catch (error) {
          reject(error);
        }
      }
    });
    child.stderr!.on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.once('close', (code) =>
      reject(new Error(`child ended (${code}) with no report: ${stderr}`)),
    );
  });
  return { child, report };
}

/** Runs a job in a child process (optionally as another user) and returns what it printed. */
export async function runChild(
  job: { options?: Record<string, unknown>; steps?: ChildStep[] },
  user?: { uid: number; gid: number },
): Promise<ChildReport> {
  const { child, report } = await start(job, user);
  const result = await report;
  await new Promise((resolve) =>
    child.exitCode === null ? child.once('close', resolve) : resolve(null),
  );
  return result;
}

/** Starts a child whose sandbox stays up; the caller kills it. */
export function holdChild(
  job: { options?: Record<string, unknown>; steps?: ChildStep[] },
  user?: { uid: number; gid: number },
): Promise<HeldChild> {
  return start({ ...job, hold: true }, user);
}
