import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { findExecutable } from './find-executable.js';

/** Finding a bubblewrap that can run the local sandbox. */

export const INSTALL_HINT =
  'LocalEnvironment needs bubblewrap (the `bwrap` program). Install it: `apt-get install bubblewrap` (Debian, Ubuntu), `dnf install bubblewrap` (Fedora), `pacman -S bubblewrap` (Arch); or use DockerEnvironment.';

const checkedVersions = new Map<string, string | undefined>();

/**
 * Why this bwrap cannot run the sandbox (older than 0.8, which brought `--disable-userns`), or
 * undefined. Asked once per bwrap path and process.
 */
export function bwrapTooOld(bwrap: string): string | undefined {
  if (!checkedVersions.has(bwrap)) {
    const answer = spawnSync(bwrap, ['--version'], { encoding: 'utf8', timeout: 5_000 });
    const match = /(\d+)\.(\d+)\.(\d+)/.exec(answer.stdout ?? '');
    const old = match && Number(match[1]) === 0 && Number(match[2]) < 8;
    checkedVersions.set(
      bwrap,
      old
        ? `LocalEnvironment needs bubblewrap 0.8 or newer (for --disable-userns); ${bwrap} is ${match[0]}. Upgrade bubblewrap (Debian 12, Ubuntu 24.04 and Fedora ship 0.8 or newer), or use DockerEnvironment.`
        : undefined,
    );
  }
  return checkedVersions.get(bwrap);
}

/**
 * The bwrap to use (`bwrapPath`, else the one on PATH), or why there is none that works: not
 * installed (the message has the install commands) or older than 0.8.
 */
export function findBwrap(bwrapPath: string | undefined): { bwrap: string } | { problem: string } {
  const bwrap = bwrapPath ?? findExecutable('bwrap');
  if (!bwrap || !existsSync(bwrap)) return { problem: INSTALL_HINT };
  const tooOld = bwrapTooOld(bwrap);
  return tooOld ? { problem: tooOld } : { bwrap };
}
