import { ConfigurationError } from '@bots/auth';

/**
 * Bad command-line input: printed with a pointer to the command's `--help`, exit code 2. With a
 * command, the message starts with it (`read: missing "<question>". ...`).
 */
export class UsageError extends ConfigurationError {
  /** The command whose input was bad, when there is one (`read`). */
  readonly command: string | undefined;
  constructor(message: string, command?: string) {
    super(command ? `${command}: ${message}` : message);
    this.command = command;
  }
}
