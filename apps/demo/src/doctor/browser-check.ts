import { existsSync } from 'node:fs';
import type { Env } from '@bots/auth';
import { browserImageTag } from '@bots/browser-tool';
import { chooseBrowserRunner, chromiumPath } from '../browser-choice.js';
import { type Check, errorLine } from './check.js';

/** Which browser `bots browse` would use, and why; the browser image's state when it is Docker. */
export async function browserCheck(
  env: Env,
  imagePresent: (tag: string) => Promise<boolean | undefined>,
): Promise<Check> {
  const chromium = chromiumPath(env);
  try {
    const choice = await chooseBrowserRunner(undefined, env);
    if (choice.runner === 'local') {
      return { name: 'browser', status: 'ok', lines: [`local: ${choice.reason}`] };
    }
    const tag = browserImageTag();
    const present = await imagePresent(tag);
    return {
      name: 'browser',
      status: 'ok',
      lines: [
        `docker: the browser image ${tag} ${present ? 'is built' : present === false ? 'is not built yet (bots browse --build-image, or it is built on first use)' : 'may or may not be built (the engine did not say)'}`,
        existsSync(chromium)
          ? `(--sandbox local would use this host's Chromium at ${chromium})`
          : `(--sandbox local needs Chromium: none at ${chromium})`,
      ],
    };
  } catch (error) {
    return { name: 'browser', status: 'warn', lines: [`none: ${errorLine(error)}`] };
  }
}
