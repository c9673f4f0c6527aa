import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { PassThrough } from 'node:stream';
import {
  assertBearerTransport,
  ConfigurationError,
  redact,
  registerSecret,
  type TokenProvider,
  type TokenProviderLike,
  tokenProviderFromEnv,
  toTokenProvider,
} from '@bots/auth';
import { type BotResult, registerCleanup, type Step } from '@bots/core';
import { type ChatModel, createChatModel, modelStringFromEnv, parseModel } from '@bots/providers';
import type Docker from 'dockerode';
import {
  type AgentStepLine,
  LineSplitter,
  parseFinalResult,
  parseStepLine,
} from './agent-output.js';
import { ensureBrowserImage } from './browser-image.js';
import { startTokenChannel, type TokenChannel } from './token-channel.js';

type Env = Record<string, string | undefined>;

/** Where the browser runs: a container of the browser image, or Chromium on this host. */
export type BrowserRunner = 'docker' | 'local';

/** Options of {@link runBrowserTask} (and of `BrowsingBot`, for the part that shapes every run). */
export interface BrowserTaskOptions {
  /**
   * `azure-openai/<deployment>` (default: from `OPEN_AI_DEPLOYMENT_NAME` /
   * `AZURE_OPENAI_DEPLOYMENT_NAME`). The local runner also takes any model string of
   * `@bots/providers`, or a `ChatModel`.
   */
  model?: string | ChatModel;
  /** Where the model settings are read (default `process.env`). */
  env?: Env;
  /** Entra ID tokens for the model; wins over `AZURE_AUTH_METHOD` of `env`. */
  tokenProvider?: TokenProviderLike;
  /** `docker` (default) or `local` (host Chromium through playwright-core, no container). */
  runner?: BrowserRunner;
  /** Docker client (default `new Docker()`, which honours `DOCKER_HOST`). */
  docker?: Docker;
  /** Image to run (default: the browser image, built on first use by `ensureBrowserImage`). */
  image?: string;
  /** Host names the browser may resolve besides loopback; `['*']` for any (default: none). */
  allowHosts?: readonly string[];
  /** Most model calls of the agent (default 20). */
  maxSteps?: number;
  /** Sampling temperature of the model. */
  temperature?: number;
  /**
   * Docker runner with a token provider: serve fresh tokens to the container over the refresh
   * channel (default true). `false` injects one token only, as the reference system did: a task
   * that outlives the token then fails with 401 (kept for comparison and for tests).
   */
  tokenRefresh?: boolean;
  /** Container memory limit in bytes (default 2 GiB). */
  memory?: number;
  /** Chromium for the local runner (default `CHROMIUM_PATH` of env, else `/usr/bin/chromium`). */
  executablePath?: string;
  /** Whole task; the container is removed and the result is `timeout`. */
  timeoutMs?: number;
  /** Aborts the task; the container is removed and the result is `aborted`. */
  signal?: AbortSignal;
  /** Each browser action of the agent, as a `Step` of `@bots/core`. */
  onStep?: (step: Step) => void;
  /** Every other output line (image build, browser start, errors), redacted. */
  onProgress?: (line: string) => void;
}

/** What a browser task returns: the `BotResult` of `@bots/core`, plus where and how fast. */
export interface BrowserTaskResult extends BotResult {
  runner: BrowserRunner;
  timings: {
    /** From the call to the container (or browser) start. */
    startedMs?: number;
    /** From the call to the first page the agent loaded. */
    firstPageMs?: number;
  };
  /** How the model got its credential: `token` (Entra ID) or `key`. */
  auth: 'token' | 'key';
  /** Tokens the container fetched through the refresh channel (docker runner, token auth). */
  tokenRefreshes: number;
}

const pick = (env: Env, ...names: string[]) =>
  names.map((name) => env[name]).find((value) => value) ?? undefined;

function errorOf(name: string, message: string) {
  return { name, message: redact(message) };
}

/** Collects the agent's lines into steps, progress and the final answer. */
class OutputCollector {
  readonly steps: Step[] = [];
  readonly lines: string[] = [];
  readonly usage = { inputTokens: 0, outputTokens: 0 };
  iterations = 0;
  firstPageMs: number | undefined;
  finalError: { name: string; message: string } | undefined;
  constructor(
    private readonly started: number,
    private readonly options: BrowserTaskOptions,
  ) {}

  line(raw: string): void {
    const line = redact(raw);
    this.lines.push(line);
    const parsed = parseStepLine(line);
    if (parsed) {
      this.step(parsed);
      return;
    }
    const finalError = /^final error:\s*([\w.]+):\s*([\s\S]*)$/i.exec(line);
    if (finalError)
      this.finalError = errorOf(finalError[1] ?? 'BrowserAgentError', finalError[2] ?? '');
    try {
      this.options.onProgress?.(line);
    } catch {
      // A listener's error does not stop the task.
    }
  }

  private step(line: AgentStepLine): void {
    this.iterations++;
    if (line.usage) {
      this.usage.inputTokens += line.usage.inputTokens;
      this.usage.outputTokens += line.usage.outputTokens;
    }
    if (
      this.firstPageMs === undefined &&
      line.kind === 'command' &&
      line.exitCode === 0 &&
      /^\s*(open|goto)\b/i.test(line.command)
    )
      this.firstPageMs = Date.now() - this.started;
    const step: Step = {
      index: line.index,
      depth: 0,
      kind: line.kind,
      thoughts: line.thoughts,
      command: line.command,
      modelDurationMs: line.modelDurationMs,
      ...(line.exitCode === undefined ? {} : { exitCode: line.exitCode }),
      ...(line.output === undefined ? {} : { output: line.output }),
      ...(line.problem === undefined ? {} : { problem: line.problem }),
      ...(line.commandDurationMs === undefined
        ? {}
        : { commandDurationMs: line.commandDurationMs }),
      ...(line.usage ? { usage: line.usage } : {}),
    };
    this.steps.push(step);
    try {
      this.options.onStep?.(step);
    } catch {
      // ignored, as in @bots/core
    }
  }
}

interface Credentials {
  auth: 'token' | 'key';
  tokenProvider?: TokenProvider;
  key?: string;
}

async function resolveCredentials(options: BrowserTaskOptions, env: Env): Promise<Credentials> {
  if (options.tokenProvider !== undefined) {
    const raw = options.tokenProvider;
    const normalized = toTokenProvider(raw);
    // Keep invalidate() of a cached provider (used after a 401 reported by the container).
    const provider = (
      typeof (raw as { invalidate?: unknown }).invalidate === 'function' ? raw : normalized
    ) as TokenProvider;
    return { auth: 'token', tokenProvider: provider };
  }
  const fromEnv = await tokenProviderFromEnv({ env, provider: 'azure-openai' });
  if (fromEnv) return { auth: 'token', tokenProvider: fromEnv };
  const key = pick(env, 'OPEN_AI_KEY', 'AZURE_OPENAI_API_KEY');
  if (key) {
    registerSecret(key);
    return { auth: 'key', key };
  }
  throw new ConfigurationError(
    'The browser agent has no credential for Azure OpenAI: pass a tokenProvider or set AZURE_AUTH_METHOD=azure_ad (keyless, Entra ID), or set OPEN_AI_KEY / AZURE_OPENAI_API_KEY.',
  );
}

function resolveModelString(options: BrowserTaskOptions, env: Env): string {
  if (typeof options.model === 'string') return options.model;
  return modelStringFromEnv('azure-openai', env);
}

/**
 * Runs one browser task and returns the same result shape as the bots of `@bots/core`. Never
 * throws for model, browser or container failures (they are in the result); rejects only for
 * invalid options.
 *
 * Docker runner: the token provider is called right before the container starts and its token
 * injected as `AZURE_OPENAI_AD_TOKEN`; the container asks the host's token channel (loopback,
 * random port, per-run secret) for a fresh token before it expires or after a 401. The container
 * is removed on every path (success, failure, abort, timeout, process exit and signals).
 */
export async function runBrowserTask(
  task: string,
  options: BrowserTaskOptions = {},
): Promise<BrowserTaskResult> {
  if (typeof task !== 'string' || task.trim() === '')
    throw new ConfigurationError('The browser task is empty: say what to do in the browser.');
  const runner = options.runner ?? 'docker';
  if (runner !== 'docker' && runner !== 'local')
    throw new ConfigurationError(`Unknown runner "${String(runner)}": use "docker" or "local".`);
  const started = Date.now();
  const env: Env = options.env ?? process.env;
  const collector = new OutputCollector(started, options);
  const controller = new AbortController();
  let why: 'timeout' | 'aborted' | undefined;
  const onUserAbort = () => {
    why ??= 'aborted';
    controller.abort(options.signal?.reason);
  };
  if (options.signal?.aborted) onUserAbort();
  else options.signal?.addEventListener('abort', onUserAbort, { once: true });
  const timer =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          why ??= 'timeout';
          controller.abort(new Error('timeout'));
        }, options.timeoutMs);
  const base = {
    runner,
    timings: {} as BrowserTaskResult['timings'],
    auth: 'token' as 'token' | 'key',
    tokenRefreshes: 0,
  };
  const finish = (outcome: {
    status: BotResult['status'];
    result?: string;
    error?: BotResult['error'];
  }): BrowserTaskResult => ({
    status: outcome.status,
    result: outcome.result === undefined ? undefined : redact(outcome.result),
    error: outcome.error,
    steps: collector.steps,
    iterations: collector.iterations,
    usage: collector.usage,
    durationMs: Date.now() - started,
    ...base,
    timings: {
      ...base.timings,
      ...(collector.firstPageMs === undefined ? {} : { firstPageMs: collector.firstPageMs }),
    },
  });
  const interrupted = () =>
    why === 'timeout'
      ? finish({
          status: 'timeout',
          error: errorOf(
            'RunTimeoutError',
            `The browser task did not finish within ${options.timeoutMs} ms.`,
          ),
        })
      : finish({
          status: 'aborted',
          error: errorOf('RunAbortedError', 'The browser task was aborted.'),
        });
  try {
    if (controller.signal.aborted) return interrupted();
    const run = runner === 'docker' ? runInDocker : runLocally;
    const exit = await run(task, options, env, controller.signal, collector, base, started);
    if (why) return interrupted();
    const output = collector.lines.join('\n');
    const answer = parseFinalResult(output);
    if (exit.code === 0 && answer !== undefined)
      return finish({ status: 'success', result: answer });
    return finish({
      status: 'failed',
      error:
        collector.finalError ??
        errorOf(
          'BrowserAgentError',
          `The browser agent ended with exit code ${exit.code} without a "Final Result:" line.${exit.detail ? ` ${exit.detail}` : ''}`,
        ),
    });
  } catch (error) {
    if (why) return interrupted();
    if (error instanceof ConfigurationError) throw error;
    const name = error instanceof Error && error.name !== 'Error' ? error.name : 'BrowserTaskError';
    return finish({
      status: 'failed',
      error: errorOf(name, error instanceof Error ? error.message : String(error)),
    });
  } finally {
    if (timer) clearTimeout(timer);
    options.signal?.removeEventListener('abort', onUserAbort);
  }
}

interface RunExit {
  code: number;
  detail?: string;
}

type Base = {
  timings: BrowserTaskResult['timings'];
  auth: 'token' | 'key';
  tokenRefreshes: number;
};

async function runLocally(
  task: string,
  options: BrowserTaskOptions,
  env: Env,
  signal: AbortSignal,
  collector: OutputCollector,
  base: Base,
  started: number,
): Promise<RunExit> {
  let model: ChatModel;
  if (options.model !== undefined && typeof options.model !== 'string') {
    model = options.model;
  } else {
    const modelString = resolveModelString(options, env);
    const credentials =
      parseModel(modelString).provider === 'azure-openai'
        ? await resolveCredentials(options, env)
        : undefined;
    base.auth = credentials?.auth ?? 'key';
    model = await createChatModel(modelString, {
      env,
      ...(credentials?.tokenProvider ? { tokenProvider: credentials.tokenProvider } : {}),
    });
  }
  const { runBrowserAgent } = await import('./agent/browser-agent.js');
  base.timings.startedMs = Date.now() - started;
  const outcome = await runBrowserAgent({
    task,
    model,
    emit: (line) => collector.line(line),
    executablePath: options.executablePath ?? pick(env, 'CHROMIUM_PATH') ?? '/usr/bin/chromium',
    signal,
    ...(options.allowHosts ? { allowHosts: options.allowHosts } : {}),
    ...(options.maxSteps ? { maxSteps: options.maxSteps } : {}),
    ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
  });
  return { code: outcome.status === 'success' ? 0 : 1 };
}

async function defaultDocker(): Promise<Docker> {
  const { default: DockerClient } = await import('dockerode');
  return new DockerClient();
}

function removeWithCli(id: string): boolean {
  try {
    const result = spawnSync('docker', ['rm', '-f', id], { stdio: 'ignore', timeout: 15_000 });
    return result.status === 0;
  } catch {
    return false;
  }
}

const removals = new WeakMap<Docker.Container, Promise<void>>();

/**
 * Removes a container (force) and resolves once the engine no longer has it. Concurrent calls
 * share one removal; a removal already in progress (409) is waited for.
 */
function removeContainer(container: Docker.Container): Promise<void> {
  let removal = removals.get(container);
  if (!removal) {
    removal = (async () => {
      try {
        await container.remove({ force: true });
      } catch (error) {
        const status = (error as { statusCode?: number }).statusCode;
        if (status === 404) return;
        if (status !== 409 && !removeWithCli(container.id)) throw error;
      }
      for (let i = 0; i < 100; i++) {
        try {
          await container.inspect();
        } catch (error) {
          if ((error as { statusCode?: number }).statusCode === 404) return;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })().catch(() => undefined);
    removals.set(container, removal);
  }
  return removal;
}

async function runInDocker(
  task: string,
  options: BrowserTaskOptions,
  env: Env,
  signal: AbortSignal,
  collector: OutputCollector,
  base: Base,
  started: number,
): Promise<RunExit> {
  const modelString = resolveModelString(options, env);
  if (options.model !== undefined && typeof options.model !== 'string')
    throw new ConfigurationError(
      'The docker runner needs a model string (azure-openai/<deployment>); a ChatModel object works only with runner: "local".',
    );
  const parsed = parseModel(modelString);
  if (parsed.provider !== 'azure-openai')
    throw new ConfigurationError(
      `The browser container talks to Azure OpenAI only: use azure-openai/<deployment>, not ${modelString} (or runner: "local").`,
    );
  const endpoint = pick(env, 'OPEN_AI_END_POINT', 'AZURE_OPENAI_ENDPOINT');
  if (!endpoint)
    throw new ConfigurationError(
      'Set OPEN_AI_END_POINT (or AZURE_OPENAI_ENDPOINT) to the Azure OpenAI endpoint, e.g. https://my-resource.openai.azure.com.',
    );
  const apiVersion = pick(env, 'OPEN_AI_API_VERSION', 'AZURE_OPENAI_API_VERSION');
  const credentials = await resolveCredentials(options, env);
  base.auth = credentials.auth;
  if (credentials.auth === 'token') assertBearerTransport(endpoint, 'The Azure OpenAI endpoint');

  const docker = options.docker ?? (await defaultDocker());
  const image =
    options.image ??
    (await ensureBrowserImage({
      docker,
      signal,
      ...(options.onProgress ? { onProgress: (line) => collector.line(line) } : {}),
    }));
  if (signal.aborted) return { code: 130 };

  let channel: TokenChannel | undefined;
  let container: Docker.Container | undefined;
  let unregister: (() => void) | undefined;
  try {
    const containerEnv: string[] = [
      'HOME=/tmp',
      `AZURE_OPENAI_ENDPOINT=${endpoint}`,
      `AZURE_OPENAI_DEPLOYMENT_NAME=${parsed.name}`,
      ...(apiVersion ? [`AZURE_OPENAI_API_VERSION=${apiVersion}`] : []),
      ...(options.temperature === undefined
        ? []
        : [`AZURE_OPENAI_TEMPERATURE=${options.temperature}`]),
      ...(options.maxSteps ? [`BROWSER_MAX_STEPS=${options.maxSteps}`] : []),
      ...(options.allowHosts?.length
        ? [`BROWSER_ALLOW_HOSTS=${options.allowHosts.join(',')}`]
        : []),
    ];
    if (credentials.tokenProvider) {
      if (options.tokenRefresh !== false)
        channel = await startTokenChannel(credentials.tokenProvider);
      // Right before the container starts: the freshest token the provider has.
      const token = await credentials.tokenProvider();
      registerSecret(token);
      containerEnv.push(`AZURE_OPENAI_AD_TOKEN=${token}`);
      if (channel)
        containerEnv.push(
          `BOTS_TOKEN_ENDPOINT=${channel.url}`,
          `BOTS_TOKEN_SECRET=${channel.secret}`,
        );
    } else if (credentials.key) {
      containerEnv.push(`AZURE_OPENAI_API_KEY=${credentials.key}`);
    }
    if (signal.aborted) return { code: 130 };
    container = await docker.createContainer({
      Image: image,
      Cmd: [task],
      Env: containerEnv,
      Labels: {
        'bots.sandbox': '1',
        'bots.browser': '1',
        'bots.pid': String(process.pid),
        'bots.host': hostname(),
        'bots.created': new Date().toISOString(),
      },
      AttachStdout: true,
      AttachStderr: true,
      // Not root, nothing writable but a private /tmp, no capabilities.
      User: '65534:65534',
      HostConfig: {
        NetworkMode: 'host',
        ReadonlyRootfs: true,
        Tmpfs: { '/tmp': 'rw,nosuid,nodev,size=512m' },
        Memory: options.memory ?? 2 * 1024 ** 3,
        PidsLimit: 1024,
        CapDrop: ['ALL'],
        SecurityOpt: ['no-new-privileges'],
        ShmSize: 256 * 1024 ** 2,
        Init: true,
      },
    });
    const id = container.id;
    const created = container;
    unregister = registerCleanup({
      description: `browser container ${id.slice(0, 12)}`,
      cleanupSync: () => removeWithCli(id),
      cleanupAsync: () => removeContainer(created),
    });
    const stream = await container.attach({ stream: true, stdout: true, stderr: true });
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const outLines = new LineSplitter((line) => collector.line(line));
    const errLines = new LineSplitter((line) => collector.line(line));
    stdout.on('data', (chunk: Buffer) => outLines.push(chunk));
    stderr.on('data', (chunk: Buffer) => errLines.push(chunk));
    docker.modem.demuxStream(stream, stdout, stderr);
    const streamEnded = new Promise<void>((resolve) => {
      stream.once('end', () => resolve());
      stream.once('close', () => resolve());
      stream.once('error', () => resolve());
    });
    const onAbort = () => void removeContainer(created);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await container.start();
      base.timings.startedMs = Date.now() - started;
      collector.line(
        `Browser container ${id.slice(0, 12)} started from ${image} (${base.timings.startedMs} ms; auth: ${credentials.auth}${channel ? ', token refresh channel on' : ''})`,
      );
      if (signal.aborted) return { code: 130 };
      const waited = (await container.wait()) as { StatusCode: number };
      await Promise.race([streamEnded, new Promise((resolve) => setTimeout(resolve, 2_000))]);
      outLines.end();
      errLines.end();
      return { code: waited.StatusCode };
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  } finally {
    if (container) await removeContainer(container);
    unregister?.();
    if (channel) {
      base.tokenRefreshes = channel.stats.served;
      await channel.close();
    }
  }
}
