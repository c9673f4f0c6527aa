import { basename } from 'node:path';
import { checkBotOptions, optionNamesWithout, promptOption } from './bot-options.js';
import { existingPath, sandboxPathOption } from './folder-option.js';
import { MicroBot, type MicroBotOptions, type SandboxFile } from './micro-bot.js';

/** Options of `LogAnalysisBot`. */
export interface LogAnalysisBotOptions extends Omit<MicroBotOptions, 'mounts'> {
  /** The log file to analyse. Only this file is shown to the bot, read-only. */
  logFile: string;
  /** Where the file appears in the sandbox. Default `/workdir/logs/<file name>`. */
  sandboxPath?: string;
}

/** The task `LogAnalysisBot.run()` uses when called without one. */
export const DEFAULT_LOG_ANALYSIS_TASK =
  'Find why this run failed. Name the line of the log that shows the failure (its line number and text), the root cause, and how to fix it.';

const OPTION_NAMES = optionNamesWithout(['mounts'], ['logFile', 'sandboxPath']);

/**
 * Analyses one log file, shown read-only (mounted in a sandbox the bot creates, copied into a
 * passed-in one; no other file of the host). It names the failing line.
 *
 * @example
 * const bot = new LogAnalysisBot({ model: 'azure-openai/gpt-4o', logFile: './build.log' });
 * try {
 *   const { result } = await bot.run();
 * } finally {
 *   await bot.dispose(); // or `await using bot = ...` where the runtime has it (Node 22+)
 * }
 */
export class LogAnalysisBot extends MicroBot {
  /** The log file, as an absolute host path. */
  readonly logFile: string;
  /** Where the file appears in the sandbox. */
  readonly logFileInSandbox: string;

  constructor(options: LogAnalysisBotOptions) {
    checkBotOptions(
      options,
      'LogAnalysisBot',
      OPTION_NAMES,
      "{ logFile: './build.log', model: 'azure-openai/gpt-4o' }",
    );
    const { logFile: logFileOption, sandboxPath: sandboxOption, ...rest } = options;
    const logFile = existingPath(logFileOption, 'logFile', 'LogAnalysisBot', 'file');
    const sandboxPath = sandboxPathOption(sandboxOption) ?? `/workdir/logs/${basename(logFile)}`;
    super({
      ...rest,
      mounts: [],
      systemPrompt: [
        `You analyse the log file ${sandboxPath}. It may be long: measure it (wc -l), search it (grep -n -i 'error|fail|exception|fatal' and the like, tail), and read around the hits with sed -n 'FROM,TOp'.`,
        'Your final answer names the failing line: its line number and its text, quoted exactly; then the root cause and the fix. Separate the first failure from errors that follow from it.',
        promptOption(rest.systemPrompt, 'systemPrompt'),
      ]
        .join('\n')
        .trim(),
    });
    this.logFile = logFile;
    this.logFileInSandbox = sandboxPath;
  }

  /** Analyses the log; without a task, finds the failure and names the failing line. */
  override run(task: string = DEFAULT_LOG_ANALYSIS_TASK, options?: Parameters<MicroBot['run']>[1]) {
    return super.run(task, options);
  }

  protected override sandboxFiles(): readonly SandboxFile[] {
    return [
      {
        hostPath: this.logFile,
        sandboxPath: this.logFileInSandbox,
        description: 'the log to analyse',
      },
    ];
  }
}
