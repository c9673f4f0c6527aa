import { BotsError, type ErrorKind } from '@bots/auth';

/**
 * A browser task failed for a reason of the browser side: Chromium did not start, the browser
 * environment was asked for something it cannot do (copy files in), or the agent ended without
 * a `Final Result:` line. The message says what happened and what to change.
 */
export class BrowserError extends BotsError {
  static override readonly kind: ErrorKind = 'sandbox';
}
