import { readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { ConfigurationError } from '@bots/auth';
import type { ChatModel } from '@bots/providers';
import { progressLine } from '../batch/batch-progress.js';
import { type BadLine, type BatchTask, isTask, parseTaskLine } from '../batch/batch-task.js';
import { botForTask } from '../batch/bot-for-task.js';
import { ResultsWriter, readRecordedResults } from '../batch/results-file.js';
import { runBatch } from '../batch/run-batch.js';
import {
  COMMAND_TIMEOUT_OPTION,
  HELP_OPTION,
  MAX_ITERATIONS_OPTION,
  MODEL_OPTION,
  REQUEST_TIMEOUT_OPTION,
  SANDBOX_OPTION,
  TIMEOUT_OPTION,
} from '../bot-options.js';
import { type CommandContext, EXIT } from '../command-context.js';
import type { Command, CommandSpec } from '../command-spec.js';
import { wholeNumber } from '../flag-values.js';
import { chooseModel } from '../model-choice.js';
import { createModel } from '../model-setup.js';
import { value } from '../option-table.js';
import { parseCommand } from '../parse-command.js';
import { QUEUE_NAME, queueAddress } from '../queue/queue-address.js';
import { runQueuedBatch } from '../queue/queued-batch.js';
import { existingPath, modelSetup } from '../run-bot.js';
import { prepareSandbox } from '../sandbox-choice.js';

/** Tasks at once when `--concurrency` is not given. */
export const DEFAULT_BATCH_CONCURRENCY = 2;

const spec = {
  name: 'batch',
  summary: 'run many tasks from a JSONL file, N at a time; results to results.jsonl (resumable)',
  description:
    'Each line of the tasks file is one task: {"id", "bot": "read"|"write"|"logs"|"run", "folder" or "file" (relative to the tasks file), "task", "model"?}. Up to --concurrency tasks run at once, each in its own sandbox; each result is appended to the results file as one line ({"id", "bot", ...the result object}) when its task ends. A rerun skips the ids already there, so an interrupted batch goes on where it stopped. Bad lines are reported with their line number and skipped. Ctrl-C stops the running tasks, removes their sandboxes and records none of them.',
  arguments: [{ name: 'tasks', description: 'the tasks file (JSON Lines)' }],
  options: {
    concurrency: value({
      argument: '<N>',
      description: 'tasks (and sandboxes) at once',
      default: DEFAULT_BATCH_CONCURRENCY,
      parse: wholeNumber(1, 'Pass a whole number such as --concurrency 4.'),
    }),
    queue: value({
      argument: '<redis-url>',
      description:
        'put the tasks on a BullMQ queue in Redis for `bots worker` processes (any number, on any machines) and collect their results',
      parse: (raw: string) => raw,
    }),
    out: value({
      argument: '<file>',
      description: 'the results file (JSON Lines), appended to',
      defaultLabel: 'results.jsonl in the current folder',
      parse: (raw: string) => raw,
    }),
    model: MODEL_OPTION,
    sandbox: SANDBOX_OPTION,
    'max-iterations': MAX_ITERATIONS_OPTION,
    timeout: TIMEOUT_OPTION,
    'request-timeout': REQUEST_TIMEOUT_OPTION,
    'command-timeout': COMMAND_TIMEOUT_OPTION,
    help: HELP_OPTION,
  },
  examples: ['bots batch ./tasks.jsonl --concurrency 4 --model azure-openai/gpt-4o'],
} as const satisfies CommandSpec;

/** Reads the tasks file: the tasks, and the bad lines (a repeated id is a bad line too). */
function readTasks(file: string): { tasks: BatchTask[]; bad: BadLine[] } {
  const base = dirname(file);
  const tasks: BatchTask[] = [];
  const bad: BadLine[] = [];
  const firstLineOf = new Map<string, number>();
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((text, index) => {
      if (text.trim() === '') return;
      const parsed = parseTaskLine(text, index + 1, base);
      if (!isTask(parsed)) {
        bad.push(parsed);
        return;
      }
      const first = firstLineOf.get(parsed.id);
      if (first !== undefined) {
        bad.push({
          line: parsed.line,
          reason: `id ${JSON.stringify(parsed.id)} is already the id of line ${first}; ids must be unique`,
        });
        return;
      }
      firstLineOf.set(parsed.id, parsed.line);
      tasks.push(parsed);
    });
  return { tasks, bad };
}

/** `bots batch <tasks.jsonl>`: many tasks, `--concurrency` at a time, resumable. */
export const batch: Command = {
  spec,
  async run(context: CommandContext): Promise<number> {
    const parsed = parseCommand(spec, context);
    if (!parsed) return EXIT.success;
    const { values } = parsed;
    const [tasksArgument] = parsed.positionals as [string];
    const tasksFile = existingPath(context, 'batch', tasksArgument, 'file');
    const out = resolve(context.cwd, values.out ?? 'results.jsonl');
    const shown = basename(tasksFile);

    const { tasks, bad } = readTasks(tasksFile);
    const recorded = readRecordedResults(out);
    if (recorded.repairedBytes > 0) {
      context.stderr(
        `bots: batch: ${out} ended with an unfinished line (a run was killed while writing it); removed it, its task runs again.\n`,
      );
    }
    const toRun = tasks.filter((task) => !recorded.ids.has(task.id));
    const skipped = tasks.length - toRun.length;
    const limits = {
      timeoutMs: values.timeout,
      ...(values['max-iterations'] !== undefined
        ? { maxIterations: values['max-iterations'] }
        : {}),
      ...(values['command-timeout'] !== undefined
        ? { commandTimeoutMs: values['command-timeout'] }
        : {}),
    };
    if (values.queue !== undefined) {
      // The workers make the models and the sandboxes: nothing of the sort starts here.
      const address = queueAddress(values.queue, 'batch');
      for (const line of bad)
        context.stderr(`bots: ${shown}:${line.line}: ${line.reason}; skipped.\n`);
      if (toRun.length === 0) {
        context.stderr(
          `bots: ${progressLine({ done: 0, failed: 0, running: 0, left: 0, skipped }, 0)}\n`,
        );
        return bad.length > 0 ? EXIT.failed : EXIT.success;
      }
      const results = new ResultsWriter(out);
      let summary: Awaited<ReturnType<typeof runQueuedBatch>>;
      try {
        summary = await runQueuedBatch({
          address,
          queueName: QUEUE_NAME,
          tasks: toRun,
          model: values.model,
          limits,
          skipped,
          results,
          signal: context.signal,
          progress: (line) => context.stderr(`bots: ${line}\n`),
        });
      } finally {
        results.close();
      }
      if (summary.interrupted) {
        context.stderr(
          `bots: batch interrupted: the ${summary.running + summary.left} tasks not finished stay on the queue for the workers; run the same command again to collect their results.\n`,
        );
        return EXIT.interrupted;
      }
      return summary.failed > 0 || bad.length > 0 ? EXIT.failed : EXIT.success;
    }

    // One model per model string, made before anything starts: a bad default fails the batch
    // (exit 2); a line's own model that cannot be made makes that line a bad line.
    const setup = modelSetup(context, { requestTimeoutMs: values['request-timeout'] });
    const models = new Map<string, ChatModel>();
    const runnable: BatchTask[] = [];
    for (const task of toRun) {
      const modelString = task.model ?? chooseModel(values.model, context.env);
      if (!models.has(modelString)) {
        try {
          models.set(modelString, await createModel(modelString, context.env, setup));
        } catch (error) {
          if (task.model === undefined || !(error instanceof ConfigurationError)) throw error;
          for (const other of toRun.filter((candidate) => candidate.model === task.model)) {
            bad.push({ line: other.line, reason: `"model": ${error.message}` });
          }
          continue;
        }
      }
      if (models.has(modelString)) runnable.push(task);
    }
    for (const line of bad.sort((a, b) => a.line - b.line)) {
      context.stderr(`bots: ${shown}:${line.line}: ${line.reason}; skipped.\n`);
    }
    if (runnable.length === 0) {
      context.stderr(
        `bots: ${progressLine({ done: 0, failed: 0, running: 0, left: 0, skipped }, 0)}\n`,
      );
      return bad.length > 0 ? EXIT.failed : EXIT.success;
    }

    const choice = await prepareSandbox(values.sandbox, context.env, context.stderr);
    if (choice.kind === 'none') throw new ConfigurationError('No sandbox available.');
    const environment = choice.kind;
    context.signal.throwIfAborted();
    context.stderr(
      `bots: batch: ${runnable.length} task${runnable.length === 1 ? '' : 's'} from ${shown}, ${values.concurrency} at a time; results to ${out}\n`,
    );

    const results = new ResultsWriter(out);
    let summary: Awaited<ReturnType<typeof runBatch>>;
    try {
      summary = await runBatch({
        tasks: runnable,
        concurrency: values.concurrency,
        skipped,
        results,
        signal: context.signal,
        progress: (line) => context.stderr(`bots: ${line}\n`),
        runOptions: limits,
        createBot: (task) =>
          botForTask(task, {
            model: models.get(task.model ?? chooseModel(values.model, context.env)) as ChatModel,
            environment,
            env: context.env,
          }),
      });
    } finally {
      results.close();
    }
    if (summary.interrupted.length > 0) {
      context.stderr(
        `bots: batch interrupted: ${summary.interrupted.length} running task${summary.interrupted.length === 1 ? ' was' : 's were'} stopped and not recorded (${summary.interrupted.join(', ')}); run the same command again to go on.\n`,
      );
      return EXIT.interrupted;
    }
    return summary.failed > 0 || bad.length > 0 ? EXIT.failed : EXIT.success;
  },
};
