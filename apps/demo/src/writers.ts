import { redact, redactForModel } from '@bots/auth';
import type { Writer } from './command-context.js';
import { colorEnabled, renderStyles } from './style.js';
import { terminalSafe } from './terminal-text.js';

/** A stream the CLI writes to. */
export type OutputStream = NodeJS.WritableStream & { isTTY?: boolean };

/** The writers of the CLI: the one place where text reaches its streams. */
export interface Writers {
  stdout: Writer;
  stderr: Writer;
  answer: Writer;
  /** Whether stderr shows colours. */
  color: boolean;
}

/**
 * Everything the CLI prints goes through one of these: redacted, then made safe for a terminal
 * (`terminalSafe`), then the CLI's own colours rendered (or dropped on a stream without them).
 * The answer is the user's data: masked for secrets only, and left as it is unless stdout is a
 * terminal.
 */
export function createWriters(
  streams: { stdout: OutputStream; stderr: OutputStream },
  env: NodeJS.ProcessEnv,
): Writers {
  const messages = (stream: OutputStream): Writer => {
    const colored = colorEnabled(stream, env);
    return (text) => void stream.write(renderStyles(terminalSafe(redact(text)), colored));
  };
  return {
    stdout: messages(streams.stdout),
    stderr: messages(streams.stderr),
    answer: (text) => {
      const masked = redactForModel(text);
      void streams.stdout.write(streams.stdout.isTTY ? terminalSafe(masked) : masked);
    },
    color: colorEnabled(streams.stderr, env),
  };
}
