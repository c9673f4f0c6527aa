import { DockerEnvironment, LocalEnvironment } from '@bots/core';

/** What `bots doctor --fix` removed, per sandbox, or why it could not look. */
export interface LeftoverReport {
  /** Container ids, volume names and folders of ended runs' Docker sandboxes. */
  docker: string[] | { skipped: string };
  /** Temporary folders and cgroups of ended runs' bubblewrap sandboxes. */
  local: string[] | { skipped: string };
}

/**
 * Removes what sandboxes of runs that ended without cleaning up (a `kill -9`, a crash) left on
 * this machine: their containers, volumes and overlay folders (when a Docker engine answers),
 * their temporary folders and cgroups. What a live process owns is never touched: each
 * sandbox's `removeStale()` judges the owner it recorded (pid, process start, host, boot).
 */
export async function removeLeftovers(dockerAnswers: boolean): Promise<LeftoverReport> {
  const [docker, local] = await Promise.all([
    dockerAnswers
      ? DockerEnvironment.removeStale().catch((error: unknown) => ({
          skipped: `the engine refused: ${(error as Error).message}`,
        }))
      : Promise.resolve({ skipped: 'no Docker engine answers' }),
    process.platform === 'linux'
      ? LocalEnvironment.removeStale().catch((error: unknown) => ({
          skipped: (error as Error).message,
        }))
      : Promise.resolve({ skipped: 'bubblewrap sandboxes run on Linux only' }),
  ]);
  return { docker, local };
}

/** The report as the lines of doctor's `leftovers` check. */
export function leftoverLines(report: LeftoverReport): string[] {
  const lines: string[] = [];
  for (const [kind, result] of [
    ['docker', report.docker],
    ['local', report.local],
  ] as const) {
    if (!Array.isArray(result)) lines.push(`${kind}: not checked (${result.skipped})`);
    else if (result.length === 0) lines.push(`${kind}: nothing left by ended runs`);
    else {
      lines.push(`${kind}: removed ${result.length} left by ended runs:`);
      for (const item of result) lines.push(`  ${item}`);
    }
  }
  return lines;
}
