import type { Env } from '@bots/auth';
import {
  type BrowserRunner,
  chooseBrowserRunner as chooseRunner,
  localChromiumPath,
  type RunnerChoice,
} from '@bots/browser-tool';

/** Where Chromium is for the local runner (`CHROMIUM_PATH`, else Debian's). */
export function chromiumPath(env: Env): string {
  return localChromiumPath({ env });
}

/**
 * The browser `bots browse` would use, and why: the browser tool's own choice (Docker when an
 * engine answers, else this host's Chromium), forced by `--sandbox`, worded for the CLI.
 */
export function chooseBrowserRunner(
  flag: BrowserRunner | undefined,
  env: Env,
): Promise<RunnerChoice> {
  return chooseRunner({ env, optionName: '--sandbox', ...(flag ? { runner: flag } : {}) });
}
