import { BotsError, type ErrorKind } from '@bots/auth';

/**
 * A sandbox could not be created, started or used: a missing engine or program (the message
 * names the install command), an image that is not there, a path outside the sandbox's
 * writable places. The message says how to fix it.
 */
export class SandboxError extends BotsError {
  static override readonly kind: ErrorKind = 'sandbox';
}
