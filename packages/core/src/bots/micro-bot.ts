import {
  BotsError,
  checkInteger,
  checkObject,
  checkString,
  type Env,
  type TokenProvider,
  type TokenProviderLike,
  toTokenProvider,
} from '@bots/auth';
import { type ChatModel, createChatModel } from '@bots/providers';
import type { Environment, Mount } from '../environment.js';
import {
  type BotRunOptions,
  checkRunOptions,
  DEFAULT_COMMAND_TIMEOUT_MS,
  runAgentLoop,
  validateTools,
} from '../loop/agent-loop.js';
import type { BotResult } from '../loop/bot-result.js';
import { DEFAULT_MAX_OUTPUT_CHARS } from '../loop/cap-for-model.js';
import { buildSystemPrompt } from '../loop/system-prompt.js';
import type { BotTool } from '../loop/tool.js';
import { checkBotOptions, MICRO_BOT_OPTION_NAMES } from './bot-options.js';
import { createDefaultEnvironment, type SandboxKind } from './default-environment.js';
import { checkEnvironment, checkModel, checkMounts } from './micro-bot-checks.js';
import { checkSandboxOptions } from './sandbox-options.js';

/** Options of `MicroBot`. */
export interface MicroBotOptions {
  /**
   * A model string (`azure-openai/<deployment>`, `anthropic/<deployment>`, `openai/<model>`,
   * `ollama-local/<model>`), checked at construction and turned into a client on the first run
   * with `createChatModel(model, { env, tokenProvider })`; or a `ChatModel` you built.
   */
  model: string | ChatModel;
  /** The bot's role and instructions, appended to the protocol and sandbox description. */
  systemPrompt?: string;
  /**
   * Folders (or single files) of the host the sandbox shows; read-only unless `mode:
   * 'read-write'`. When you pass an `Environment`, create it with the same mounts: these are
   * then only described to the model.
   */
  mounts?: readonly Mount[];
  /**
   * The sandbox: an `Environment` you own (the bot never disposes it), or `'docker'` / `'local'`
   * to force one. Default: Docker when an engine answers, else local (bubblewrap). A sandbox the
   * bot creates lives until `dispose()` (and is replaced after a run that was aborted or timed out).
   */
  environment?: Environment | 'docker' | 'local';
  /** A bearer-token provider for the model (wins over `AZURE_AUTH_METHOD` and keys); also handed to tools. */
  tokenProvider?: TokenProviderLike;
  /** Where the model's configuration is read from (default `process.env`), once, at the first run. */
  env?: Env;
  /** Tools the model may call besides shell commands. */
  tools?: readonly BotTool[];
  /** Passed to the sandbox the bot creates (e.g. image, memory, network). */
  sandboxOptions?: Readonly<Record<string, unknown>>;
  /** Most characters of one command's output sent to the model (head and tail kept). Default 8000. */
  maxOutputChars?: number;
}

/** A file copied into (or mounted in) the sandbox that the system prompt mentions. */
export interface SandboxFile {
  hostPath: string;
  sandboxPath: string;
  description?: string;
}

/**
 * The agent loop with a model and a sandbox: the model proposes shell commands, the sandbox runs
 * them, until the model answers. Other bots are MicroBots with a fixed role and mount.
 *
 * @example
 * const bot = new MicroBot({ model: 'azure-openai/gpt-4o', mounts: [{ hostPath: './repo' }] });
 * try {
 *   const { status, result } = await bot.run('How many TypeScript files are there?');
 * } finally {
 *   await bot.dispose(); // or `await using bot = ...` where the runtime has it (Node 22+)
 * }
 */
export class MicroBot implements AsyncDisposable {
  /** The mounts, with host paths made absolute. */
  readonly mounts: readonly Mount[];
  /** The tools the model may call. */
  readonly tools: readonly BotTool[];
  readonly #instructions: string | undefined;
  readonly #modelSource: string | ChatModel;
  readonly #env: Env | undefined;
  readonly #tokenProvider: TokenProvider | undefined;
  readonly #environmentOption: Environment | SandboxKind;
  readonly #sandboxOptions: Readonly<Record<string, unknown>> | undefined;
  readonly #maxOutputChars: number;
  #model: ChatModel | undefined;
  #ownedEnvironment: Promise<Environment> | undefined;
  readonly #prepared = new WeakSet<Environment>();
  #running = false;
  #disposed = false;

  constructor(options: MicroBotOptions) {
    checkBotOptions(
      options,
      'MicroBot',
      MICRO_BOT_OPTION_NAMES,
      "{ model: 'azure-openai/gpt-4o' }",
    );
    this.#modelSource = checkModel(options.model);
    if (typeof options.model !== 'string') this.#model = options.model;
    this.#instructions =
      options.systemPrompt === undefined
        ? undefined
        : checkString(options.systemPrompt, 'systemPrompt', {
            hint: "It is the bot's role and instructions, e.g. 'You review pull requests.'",
          });
    this.mounts = checkMounts(options.mounts ?? []);
    this.#environmentOption = checkEnvironment(options.environment);
    this.#tokenProvider =
      options.tokenProvider === undefined ? undefined : toTokenProvider(options.tokenProvider);
    this.#env =
      options.env === undefined
        ? undefined
        : (checkObject(options.env, 'env', 'Pass process.env or { NAME: "value" }.') as Env);
    this.tools = validateTools(options.tools ?? []);
    this.#sandboxOptions =
      options.sandboxOptions === undefined
        ? undefined
        : checkObject(
            options.sandboxOptions,
            'sandboxOptions',
            'Pass the options of the sandbox the bot creates, e.g. { memory: 1073741824 }.',
          );
    if (typeof this.#environmentOption === 'string') {
      checkSandboxOptions(this.#environmentOption, this.#sandboxOptions, this.mounts);
    }
    this.#maxOutputChars = checkInteger(
      options.maxOutputChars ?? DEFAULT_MAX_OUTPUT_CHARS,
      'maxOutputChars',
      { min: 200, hint: 'It needs room for the head, the tail and the marker, e.g. 8000.' },
    );
  }

  /** The model string, or `provider/name` of the model you passed. */
  get modelName(): string {
    return typeof this.#modelSource === 'string'
      ? this.#modelSource
      : `${this.#modelSource.provider}/${this.#modelSource.name}`;
  }

  /**
   * Runs the task until the model answers or a limit is hit. Never rejects for model or sandbox
   * failures (see the result's `status` and `error`); rejects for invalid options, after
   * `dispose()`, and while another run of the same bot is in progress.
   */
  async run(task: string, options: BotRunOptions = {}): Promise<BotResult> {
    checkRunOptions(options);
    if (this.#disposed) {
      throw new BotsError('This bot was disposed; create a new one to run another task.');
    }
    if (this.#running) {
      throw new BotsError(
        'This bot is already running a task (its sandbox shell is in use); await that run first, or create another bot.',
      );
    }
    this.#running = true;
    try {
      const commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
      const result = await runAgentLoop({
        ...options,
        task: this.formatTask(task),
        systemPrompt: this.getSystemPrompt({ commandTimeoutMs }),
        model: () => this.#getModel(),
        environment: (signal) => this.#getEnvironment(signal),
        tools: this.tools,
        maxOutputChars: this.#maxOutputChars,
        tokenProvider: this.#tokenProvider,
        botName: this.constructor.name,
      });
      if (result.status === 'aborted' || result.status === 'timeout') {
        await this.#discardOwnedEnvironment();
      }
      return result;
    } finally {
      this.#running = false;
    }
  }

  /** The system prompt a run sends (the protocol, the sandbox, the tools, the role). */
  getSystemPrompt(options: { commandTimeoutMs?: number } = {}): string {
    return buildSystemPrompt({
      instructions: this.#instructions,
      mounts: this.mounts,
      files: this.sandboxFiles(),
      commandTimeoutMs: options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
      maxOutputChars: this.#maxOutputChars,
      tools: this.tools,
    });
  }

  /** Disposes the sandbox the bot created (never one that was passed in). Idempotent. */
  async dispose(): Promise<void> {
    this.#disposed = true;
    await this.#discardOwnedEnvironment();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }

  /** The task as sent to the model; subclasses may add context. */
  protected formatTask(task: string): string {
    return task;
  }

  /**
   * Single files the sandbox shows read-only: mounted in a sandbox the bot creates, copied into a
   * passed-in one (`copyIn`), and mentioned in the system prompt.
   */
  protected sandboxFiles(): readonly SandboxFile[] {
    return [];
  }

  /** Whether the bot creates its own sandbox (and so mounts what it needs itself). */
  protected get ownsEnvironment(): boolean {
    return typeof this.#environmentOption === 'string';
  }

  /** Called once per sandbox, after it started and before the first command. */
  protected async prepareEnvironment(environment: Environment): Promise<void> {
    if (this.ownsEnvironment) return;
    for (const file of this.sandboxFiles())
      await environment.copyIn(file.hostPath, file.sandboxPath);
  }

  async #getModel(): Promise<ChatModel> {
    if (this.#model) return this.#model;
    const model = await createChatModel(this.#modelSource as string, {
      env: this.#env,
      tokenProvider: this.#tokenProvider,
    });
    this.#model = model;
    return model;
  }

  async #getEnvironment(signal: AbortSignal): Promise<Environment> {
    let environment: Environment;
    if (typeof this.#environmentOption !== 'string') environment = this.#environmentOption;
    else {
      if (!this.#ownedEnvironment) {
        const creating = createDefaultEnvironment({
          kind: this.#environmentOption,
          mounts: [
            ...this.mounts,
            ...this.sandboxFiles().map((file) => ({
              hostPath: file.hostPath,
              sandboxPath: file.sandboxPath,
              mode: 'read-only' as const,
            })),
          ],
          sandboxOptions: this.#sandboxOptions,
        });
        this.#ownedEnvironment = creating;
        creating.catch(() => {
          if (this.#ownedEnvironment === creating) this.#ownedEnvironment = undefined;
        });
      }
      environment = await this.#ownedEnvironment;
    }
    if (!this.#prepared.has(environment)) {
      await environment.start({ signal });
      await this.prepareEnvironment(environment);
      this.#prepared.add(environment);
    }
    return environment;
  }

  async #discardOwnedEnvironment(): Promise<void> {
    const owned = this.#ownedEnvironment;
    this.#ownedEnvironment = undefined;
    if (!owned) return;
    const environment = await owned.catch(() => undefined);
    await environment?.dispose().catch(() => {});
  }
}
