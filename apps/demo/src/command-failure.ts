import { BotsError } from '@bots/auth';

/**
 * A command could not do its work for a reason outside the user's command line (an image that
 * cannot be built): printed as its message alone, exit code 1.
 */
export class CommandFailure extends BotsError {}
