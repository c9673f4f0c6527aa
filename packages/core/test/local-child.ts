// A child process that runs the local sandbox (test/local-sandbox-child.mjs), optionally as
// another user: how the local sandbox's tests show what it does for an unprivileged user, and
// what is left when its owner is killed. Test support (not shipped).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  AVAILABLE,
  type Availability,
  stageForUser,
  type UnixUser,
  unavailable,
  userCanRead,
} from '@bots/test-kit';
import type { CommandResult } from '../src/environment.js';

const CHILD_SCRIPT = fileURLToPath(new URL('./local-sandbox-child.mjs', import.meta.url));
const BUILT = fileURLToPath(new URL('../dist/index.js', import.meta.url));

let staged: Promise<string> | undefined;

/**
 * The child runner as `user` can run it: the checkout's own file when that user can read it,
 * else one file bundled (the built package and its dependencies) into a world-readable folder
 * under the temporary folder, removed when this process exits.
 */
async function childScriptFor(user: UnixUser | undefined): Promise<string> {
  if (!user || userCanRead(CHILD_SCRIPT, user)) return CHILD_SCRIPT;
  staged ??= (async () => {
    // Loaded only by what the child never does (model clients; the rest is the kit's default).
    const result = await stageForUser(CHILD_SCRIPT, user, { external: ['openai'] });
    if ('skip' in result) throw new Error(result.skip);
    process.once('exit', result.remove);
    return result.script;
  })();
  return staged;
}

/** Whether the child runner can work (it imports the built package). */
export function childAvailability(): Availability {
  return existsSync(BUILT) ? AVAILABLE : unavailable('packages/core is not built (pnpm build)');
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
  user?: UnixUser,
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
  user?: UnixUser,
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
  user?: UnixUser,
): Promise<HeldChild> {
  return start({ ...job, hold: true }, user);
}
