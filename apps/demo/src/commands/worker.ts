import { ConfigurationError } from '@bots/auth';
import type { ChatModel } from '@bots/providers';
import {
  HELP_OPTION,
  MODEL_OPTION,
  REQUEST_TIMEOUT_OPTION,
  SANDBOX_OPTION,
} from '../bot-options.js';
import { type CommandContext, EXIT } from '../command-context.js';
import type { Command, CommandSpec } from '../command-spec.js';
import { seconds, wholeNumber } from '../flag-values.js';
import { chooseModel } from '../model-choice.js';
import { createModel } from '../model-setup.js';
import { value } from '../option-table.js';
import { parseCommand } from '../parse-command.js';
import { QUEUE_NAME, queueAddress } from '../queue/queue-address.js';
import { runTaskWorker } from '../queue/task-worker.js';
import { modelSetup } from '../run-bot.js';
import { prepareSandbox } from '../sandbox-choice.js';
import { UsageError } from '../usage.js';

/** Seconds a job's lock lives when `--stall-timeout` is not given (BullMQ's default). */
export const DEFAULT_STALL_TIMEOUT_SECONDS = 30;

const spec = {
  name: 'worker',
  summary: 'take tasks that `bots batch --queue` put on a Redis queue and run them, N at a time',
  description:
    "A worker of a distributed batch (BullMQ over Redis): it takes the tasks `bots batch --queue <redis-url>` queued, runs each with its bot in its own sandbox, keyless with this machine's credential (AZURE_AUTH_METHOD: a managed identity or workload identity in production), and hands the result back to the queue. Run as many as you like, on any machines that see the same folders. A task that fails for a passing reason (model 429/5xx, a sandbox that did not start) is retried with backoff; the task of a worker that died is taken up by another after --stall-timeout. Ctrl-C stops the running tasks and leaves them for another worker.",
  arguments: [],
  options: {
    queue: value({
      argument: '<redis-url>',
      description: 'the Redis of the queue, e.g. redis://127.0.0.1:6379',
      parse: (raw: string) => raw,
    }),
    concurrency: value({
      argument: '<N>',
      description: 'tasks (and sandboxes) at once',
      default: 2,
      parse: wholeNumber(1, 'Pass a whole number such as --concurrency 4.'),
    }),
    'stall-timeout': value({
      argument: '<seconds>',
      description:
        "how long a running task's lock lives without renewal: a dead worker's task is taken up again after it",
      default: DEFAULT_STALL_TIMEOUT_SECONDS * 1000,
      defaultLabel: `${DEFAULT_STALL_TIMEOUT_SECONDS} s`,
      parse: seconds('Pass a number of seconds such as --stall-timeout 30.'),
    }),
    model: MODEL_OPTION,
    sandbox: SANDBOX_OPTION,
    'request-timeout': REQUEST_TIMEOUT_OPTION,
    help: HELP_OPTION,
  },
  examples: ['bots worker --queue redis://127.0.0.1:6379 --concurrency 4'],
} as const satisfies CommandSpec;

/** `bots worker --queue <redis-url>`: runs queued tasks until Ctrl-C or SIGTERM. */
export const worker: Command = {
  spec,
  async run(context: CommandContext): Promise<number> {
    const parsed = parseCommand(spec, context);
    if (!parsed) return EXIT.success;
    const { values } = parsed;
    if (values.queue === undefined) {
      throw new UsageError(
        'missing --queue <redis-url>: the Redis that `bots batch --queue` put the tasks in.',
        'worker',
      );
    }
    const address = queueAddress(values.queue, 'worker');
    const setup = modelSetup(context, { requestTimeoutMs: values['request-timeout'] });
    const models = new Map<string, Promise<ChatModel>>();
    const modelFor = (model: string | undefined): Promise<ChatModel> => {
      const name = chooseModel(model ?? values.model, context.env);
      let made = models.get(name);
      if (made === undefined) {
        made = createModel(name, context.env, setup);
        models.set(name, made);
        made.catch(() => models.delete(name));
      }
      return made;
    };
    // The default model is made now: a worker that cannot reach any model fails at start.
    if (values.model !== undefined || context.env.BOTS_MODEL !== undefined)
      await modelFor(undefined);
    const choice = await prepareSandbox(values.sandbox, context.env, context.stderr);
    if (choice.kind === 'none') throw new ConfigurationError('No sandbox available.');
    const { processed } = await runTaskWorker({
      address,
      queueName: QUEUE_NAME,
      concurrency: values.concurrency,
      modelFor,
      environment: choice.kind,
      env: context.env,
      stallTimeoutMs: values['stall-timeout'],
      signal: context.signal,
      progress: (line) => context.stderr(`bots: ${line}\n`),
    });
    context.stderr(`bots: worker stopped after ${processed} task${processed === 1 ? '' : 's'}.\n`);
    return EXIT.success;
  },
};
