const noted = new Set<string>();

/**
 * Prints `SKIPPED (required in CI): <reason>` on stderr the first time a reason comes up in this
 * test file's process, so a local run says at once why tests do not run; the skip-reason reporter
 * (scripts/vitest-skip-reasons.ts) sums them up once per reason at the end of the run.
 */
export function noteSkipReason(reason: string): void {
  if (noted.has(reason)) return;
  noted.add(reason);
  process.stderr.write(`SKIPPED (required in CI): ${reason}\n`);
}
