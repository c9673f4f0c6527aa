import type { CommandResult, Environment, ExecuteOptions } from '../environment.js';

/** What a command handler may return: the output (exit code 0), or part of a `CommandResult`. */
export type ScriptedCommandResult = string | Partial<CommandResult>;

/** Computes a command's result; may wait (and should honour `options.signal`). */
export type CommandHandler = (
  command: string,
  options: ExecuteOptions | undefined,
) => ScriptedCommandResult | Promise<ScriptedCommandResult>;

/**
 * An `Environment` for tests that runs nothing: a handler decides each command's result. Records
 * commands, options, copies, starts and disposals.
 */
export class ScriptedEnvironment implements Environment {
  readonly kind = 'scripted';
  /** Every command executed, in order. */
  readonly commands: string[] = [];
  /** The options of every `execute` call, in order. */
  readonly executeOptions: (ExecuteOptions | undefined)[] = [];
  /** Every `copyIn` call, in order. */
  readonly copies: { hostPath: string; sandboxPath: string }[] = [];
  /** Number of `start` and `dispose` calls. */
  readonly calls = { start: 0, dispose: 0 };
  readonly #handler: CommandHandler;

  constructor(handler: CommandHandler = () => '') {
    this.#handler = handler;
  }

  async start(): Promise<void> {
    this.calls.start++;
  }

  async execute(command: string, options?: ExecuteOptions): Promise<CommandResult> {
    this.commands.push(command);
    this.executeOptions.push(options);
    options?.signal?.throwIfAborted();
    const startedAt = performance.now();
    const value = await this.#handler(command, options);
    const result = typeof value === 'string' ? { output: value } : value;
    return {
      exitCode: result.exitCode ?? (result.timedOut ? 124 : 0),
      output: result.output ?? '',
      timedOut: result.timedOut ?? false,
      truncated: result.truncated ?? false,
      durationMs: result.durationMs ?? Math.round(performance.now() - startedAt),
    };
  }

  async copyIn(hostPath: string, sandboxPath: string): Promise<void> {
    this.copies.push({ hostPath, sandboxPath });
  }

  async dispose(): Promise<void> {
    this.calls.dispose++;
  }
}

/** A handler that never finishes until the command's signal aborts (for timeout and abort tests). */
export function hangingCommand(): CommandHandler {
  return (_command, options) =>
    new Promise<never>((_, reject) => {
      const signal = options?.signal;
      if (!signal) return;
      if (signal.aborted) reject(signal.reason);
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
}
