import { BotsError, ConfigurationError, errorKindOf, MAX_TIMER_MS, redact } from '@bots/auth';
import {
  type BotError,
  type BotResult,
  ModelCallError,
  RunAbortedError,
  RunTimeoutError,
  type Step,
} from '@bots/core/loop';
import { resolveConnection } from '@bots/providers';
import { containedProviderConfig, type ModelRelayStats } from './contained-model-relay.js';
import { createRelayHandler } from './contained-relay-handler.js';
import type {
  ContainedRuntime,
  ContainedRuntimeOptions,
  CopilotSandboxKind,
} from './contained-runtime.js';
import { SessionEventCollector } from './copilot-bot-events.js';
import {
  type CheckedCopilotBotOptions,
  type CopilotBotOptions,
  checkCopilotBotOptions,
} from './copilot-bot-options.js';
import { copilotCliPath } from './copilot-cli.js';
import { loadCopilotSdk } from './load-copilot-sdk.js';

/** Options of one `CopilotBot.run`. */
export interface CopilotRunOptions {
  /** Cancels the run: the session is aborted, the CLI stopped, the sandbox removed. */
  signal?: AbortSignal;
  /** Time limit of this run, in ms (default: the bot's `timeoutMs`). */
  timeoutMs?: number;
  /** Told of each step (a tool call of the agent and its outcome) as it ends, for progress. */
  onStep?: (step: Step) => void;
}

/** A CopilotBot run's result: the common `BotResult`, plus where it ran and what the relay did. */
export interface CopilotBotResult extends BotResult {
  /** Where the CLI ran. */
  sandbox: CopilotSandboxKind;
  /** The model requests the relay forwarded, retried and refused. */
  relay: ModelRelayStats;
}

/** How long the SDK client gets to stop (then it is stopped by force, as long again at most). */
const STOP_GRACE_MS = 5_000;
/** The SDK's own wait outlasts the run's timeout by this much: the run's signal ends it first. */
const SDK_WAIT_MARGIN_MS = 30_000;

export const HOST_WARNING =
  'CopilotBot runs the Copilot CLI on the bare host (sandbox: "host"): the agent runs shell commands and edits files as this user, with this machine\'s network and files. Only the model credential stays out of its reach. Use sandbox "docker" or "local" to contain it.';

/**
 * Runs a task with the GitHub Copilot agent on a folder, keyless, and returns the same result as
 * every bot. The Copilot SDK runs here; the Copilot CLI, which runs shell commands and edits
 * files itself, runs inside the sandbox (a Docker container of the sandbox image, or bubblewrap)
 * with no network and no credential: it holds a placeholder token, and its model requests come
 * back over its stdio to this process, which forwards only the model routes to the endpoint with
 * a fresh token (see README, "CopilotBot").
 *
 * @example
 * const bot = new CopilotBot({ model: 'azure-openai/gpt-4o', folder: './project' });
 * const { status, result, steps } = await bot.run('How many TypeScript files are there?');
 */
export class CopilotBot {
  readonly #options: CheckedCopilotBotOptions;
  readonly #cliPath: string;

  /** @throws ConfigurationError (or `CopilotCliNotFoundError`) for a bad option. */
  constructor(options: CopilotBotOptions) {
    this.#options = checkCopilotBotOptions(options);
    this.#cliPath = copilotCliPath({
      ...(this.#options.cliPath ? { path: this.#options.cliPath } : {}),
      env: this.#options.env,
    });
  }

  /** The folder, as an absolute host path. */
  get folder(): string {
    return this.#options.folder;
  }

  /** Where the folder appears inside the sandbox. */
  get folderInSandbox(): string {
    return this.#options.sandboxPath;
  }

  /** Runs one task in a fresh sandbox; never throws for model, sandbox or time failures. */
  async run(task: string, runOptions: CopilotRunOptions = {}): Promise<CopilotBotResult> {
    if (typeof task !== 'string' || task.trim() === '') {
      throw new ConfigurationError(
        'CopilotBot.run needs a task: a non-empty string, e.g. bot.run("Which files mention auth?").',
      );
    }
    const started = Date.now();
    const options = this.#options;
    const timeoutMs = runOptions.timeoutMs ?? options.timeoutMs;
    const controller = new AbortController();
    const timer = setTimeout(
      () =>
        controller.abort(
          new RunTimeoutError(`The Copilot run did not finish within ${timeoutMs} ms.`),
        ),
      timeoutMs,
    );
    const onAbort = () =>
      controller.abort(new RunAbortedError('The Copilot run was cancelled through its signal.'));
    if (runOptions.signal?.aborted) onAbort();
    runOptions.signal?.addEventListener('abort', onAbort, { once: true });
    const signal = controller.signal;

    if (runOptions.onStep !== undefined && typeof runOptions.onStep !== 'function') {
      throw new ConfigurationError(
        'CopilotBot.run option onStep must be a function (step) => void, or left out.',
      );
    }
    const events = new SessionEventCollector(Date.now, runOptions.onStep);
    const relay: ModelRelayStats = { forwarded: 0, retriedAfter401: 0, refused: [] };
    let kind: CopilotSandboxKind = options.sandbox === 'host' ? 'host' : 'docker';
    let runtime: ContainedRuntime | undefined;
    let client: { stop(): Promise<unknown>; forceStop(): Promise<unknown> } | undefined;
    let session: { disconnect(): Promise<void>; abort(): Promise<void> } | undefined;
    let answer: string | undefined;
    let failure: BotError | undefined;
    try {
      const resolved = await resolveConnection(options.model, {
        env: options.env,
        ...(options.tokenProvider ? { tokenProvider: options.tokenProvider } : {}),
      });
      // Right before the sandbox starts: a credential that does not work fails the run here.
      if (resolved.tokenProvider) await resolved.tokenProvider();
      throwIfAborted(signal);
      const sdk = await loadCopilotSdk();
      kind = await chooseSandbox(options);
      if (kind === 'host') options.onWarning(HOST_WARNING);
      runtime = await startRuntime(kind, {
        folder: options.folder,
        sandboxPath: options.sandboxPath,
        writable: options.writable,
        cliPath: this.#cliPath,
        signal,
        ...(options.memory ? { memory: options.memory } : {}),
      });
      for (const note of runtime.notes) options.onWarning(note);
      throwIfAborted(signal);
      if (options.prepare && runtime.sandbox) await options.prepare(runtime.sandbox);
      throwIfAborted(signal);

      const copilot = new sdk.CopilotClient({
        connection: sdk.RuntimeConnection.forStdio({
          path: runtime.launch.path,
          args: runtime.launch.args,
          env: runtime.launch.env,
        }),
        useLoggedInUser: false,
        logLevel: 'error',
        ...(kind === 'host' ? { workingDirectory: runtime.workingDirectory } : {}),
        requestHandler: createRelayHandler(sdk, { resolved, stats: relay }),
      });
      client = copilot;
      await withSignal(copilot.start(), signal);
      await runtime.afterConnect();
      const created = await withSignal(
        copilot.createSession({
          model: resolved.connection.model,
          provider: containedProviderConfig(resolved.connection),
          onPermissionRequest: sdk.approveAll,
          workingDirectory: runtime.workingDirectory,
          ...(options.systemPrompt
            ? { systemMessage: { mode: 'append' as const, content: options.systemPrompt } }
            : {}),
        }),
        signal,
      );
      session = created;
      created.on((event) => events.take(event as { type: string; data?: unknown }));
      const abortSession = () => void created.abort().catch(() => undefined);
      signal.addEventListener('abort', abortSession, { once: true });
      try {
        // The run's own signal ends the wait (and aborts the session); the SDK's timer is a backstop.
        const final = await withSignal(
          created.sendAndWait(
            { prompt: task },
            Math.min(timeoutMs + SDK_WAIT_MARGIN_MS, MAX_TIMER_MS),
          ),
          signal,
        );
        const content = (final as { data?: { content?: unknown } } | undefined)?.data?.content;
        answer = typeof content === 'string' && content !== '' ? content : events.lastMessage;
      } finally {
        signal.removeEventListener('abort', abortSession);
      }
      if (events.lastError && answer === undefined) {
        failure = {
          name: 'ModelCallError',
          kind: events.lastError.statusCode === 401 ? 'authentication' : 'model',
          message: events.lastError.message,
        };
      } else if (answer === undefined) {
        failure = {
          name: 'ModelCallError',
          kind: 'model',
          message: 'The Copilot session ended without an assistant message.',
        };
      }
    } catch (error) {
      failure = botErrorOf(signal.aborted ? signal.reason : error, events);
    } finally {
      clearTimeout(timer);
      runOptions.signal?.removeEventListener('abort', onAbort);
      if (session) await settle(session.disconnect(), STOP_GRACE_MS);
      if (client) {
        const stopped = await settle(client.stop(), STOP_GRACE_MS);
        if (!stopped) await settle(client.forceStop(), STOP_GRACE_MS);
      }
      await runtime?.dispose();
    }
    const status = failure
      ? failure.name === 'RunTimeoutError'
        ? 'timeout'
        : failure.name === 'RunAbortedError'
          ? 'aborted'
          : 'failed'
      : 'success';
    return {
      status,
      result: failure ? undefined : redact(answer ?? ''),
      error: failure,
      steps: events.steps,
      iterations: events.modelCalls,
      usage: { ...events.usage },
      durationMs: Date.now() - started,
      sandbox: kind,
      relay,
    };
  }
}

async function chooseSandbox(options: CheckedCopilotBotOptions): Promise<CopilotSandboxKind> {
  if (options.sandbox !== 'auto') return options.sandbox;
  const { DockerEnvironment } = await import('@bots/core');
  return (await DockerEnvironment.isAvailable()) ? 'docker' : 'local';
}

async function startRuntime(
  kind: CopilotSandboxKind,
  options: ContainedRuntimeOptions & { memory?: number },
): Promise<ContainedRuntime> {
  switch (kind) {
    case 'docker':
      return (await import('./contained-docker-runtime.js')).startDockerRuntime(options);
    case 'local':
      return (await import('./contained-local-runtime.js')).startLocalRuntime(options);
    case 'host':
      return (await import('./contained-host-runtime.js')).startHostRuntime(options);
  }
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw signal.reason;
}

function withSignal<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

async function settle(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const done = await Promise.race([
    promise.then(
      () => true,
      () => true,
    ),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    }),
  ]);
  clearTimeout(timer);
  return done;
}

function botErrorOf(error: unknown, events: SessionEventCollector): BotError {
  if (BotsError.isInstance(error)) {
    return { name: error.name, kind: error.kind, message: redact(error.message) };
  }
  const message = redact(error instanceof Error ? error.message : String(error));
  if (events.lastError) {
    return { name: ModelCallError.name, kind: 'model', message: events.lastError.message };
  }
  const kind = errorKindOf(error, 'sandbox');
  const name = kind === 'sandbox' ? 'SandboxError' : 'CopilotError';
  return { name, kind, message: `The Copilot run failed: ${message}` };
}
