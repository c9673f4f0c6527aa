import {
  ConfigurationError,
  checkBoolean,
  checkDuration,
  checkFunction,
  checkInteger,
  checkKnownKeys,
  checkNumber,
  checkObject,
  checkOneOf,
  checkString,
  describeValue,
  errorKindOf,
  redact,
  type TokenProviderLike,
} from '@bots/auth';
import type { BotResult, Step } from '@bots/core';
import type { DockerClient } from '@bots/core/docker';
import type { ChatModel } from '@bots/providers';
import { type HostRule, parseHostRule } from './host-rule.js';
import type { RefusedRequest } from './network-guard.js';

/** Environment variables, as read by the runners. */
export type Env = Record<string, string | undefined>;

/** Where the browser runs: a container of the browser image, or Chromium on this host. */
export type BrowserRunner = 'docker' | 'local';

/** `auto` (Docker when an engine answers, else this host's Chromium), or one of them. */
export type BrowserRunnerChoice = 'auto' | BrowserRunner;

/** The runner choices, for checks and messages. */
export const BROWSER_RUNNERS: readonly BrowserRunnerChoice[] = ['auto', 'docker', 'local'];

/** Options of {@link runBrowserTask} (and of `BrowsingBot`, for the part that shapes every run). */
export interface BrowserTaskOptions {
  /**
   * The model that chooses the browser actions: a model string of `@bots/providers`
   * (`azure-openai/<deployment>`, `anthropic/...`, `openai/...`, `ollama-local/...`; default
   * `azure-openai/<OPEN_AI_DEPLOYMENT_NAME>`), or a `ChatModel`. It is called by this process,
   * for either runner: the browser container never holds a token or a key.
   */
  model?: string | ChatModel;
  /** Where the model settings are read (default `process.env`). */
  env?: Env;
  /** Entra ID tokens for the model; wins over `AZURE_AUTH_METHOD` of `env`. */
  tokenProvider?: TokenProviderLike;
  /**
   * `auto` (default): the browser image in Docker when an engine answers, else this host's
   * Chromium; the progress says which and why. `docker` or `local` forces one.
   */
  runner?: BrowserRunnerChoice;
  /** Docker client (default `new Docker()`, which honours `DOCKER_HOST`). */
  docker?: DockerClient;
  /** Image to run (default: the browser image, built on first use by `ensureBrowserImage`). */
  image?: string;
  /**
   * What pages may reach, enforced on every request of the browser (see `HostRule`): host names
   * (`example.com`), subdomain wildcards (`*.example.com`), IP addresses, each with an optional
   * `:port`, and `*` for every public host. Default: nothing. Loopback, private and link-local
   * addresses open only when an entry names the address or the exact host; loopback needs the
   * port (`127.0.0.1:8080`).
   */
  allowHosts?: readonly string[];
  /** Most model calls of the agent (default 20). */
  maxSteps?: number;
  /** Sampling temperature of the model. */
  temperature?: number;
  /** Container memory limit in bytes (default 2 GiB). */
  memory?: number;
  /**
   * Chromium for the local runner (default `CHROMIUM_PATH` of `env`, else of `process.env`, else
   * `/usr/bin/chromium`).
   */
  executablePath?: string;
  /**
   * Local runner: keep Chromium's own sandbox, since no container surrounds the browser (default:
   * on, unless this process runs as root, where Chromium refuses it). When it cannot start here,
   * the run goes on with `--no-sandbox` and a progress line says so.
   */
  chromiumSandbox?: boolean;
  /** Whole task; the container is removed and the result is `timeout`. */
  timeoutMs?: number;
  /** Aborts the task; the container is removed and the result is `aborted`. */
  signal?: AbortSignal;
  /** Each browser action of the agent, as a `Step` of `@bots/core`. */
  onStep?: (step: Step) => void;
  /** Every other output line (runner choice, image build, browser start, refusals), redacted. */
  onProgress?: (line: string) => void;
}

/** What a browser task returns: the `BotResult` of `@bots/core`, plus where and how. */
export interface BrowserTaskResult extends BotResult {
  /** Where the browser ran. */
  runner: BrowserRunner;
  /** Why that runner (`runner: 'auto'` chose it, or it was asked for). */
  runnerReason: string;
  timings: {
    /** From the call to the container (or browser) start. */
    startedMs?: number;
    /** From the call to the first page the agent loaded. */
    firstPageMs?: number;
  };
  /** How the model got its credential: `token` (Entra ID), `key`, or `none` (no auth, or a given `ChatModel`). */
  auth: 'token' | 'key' | 'none';
  /** How many times a fresh token replaced the one before during the run (token auth). */
  tokenRefreshes: number;
  /** Requests of the browser the host rule refused (at most 200). */
  refusedRequests: RefusedRequest[];
}

/** The first non-empty variable of `names`. */
export const pick = (env: Env, ...names: string[]) =>
  names.map((name) => env[name]).find((value) => value) ?? undefined;

export function errorOf(name: string, message: string) {
  return { name, kind: errorKindOf({ name }), message: redact(message) };
}

/** How a runner ended: the agent's exit code. */
export interface RunExit {
  code: number;
  detail?: string;
}

/** What a runner reports back besides the output lines. */
export type RunState = {
  timings: BrowserTaskResult['timings'];
  auth: BrowserTaskResult['auth'];
  tokenRefreshes: number;
};

/** The options every run shares, checked. */
export interface CheckedTaskOptions {
  rule: HostRule;
}

const TASK_OPTION_KEYS = [
  'model',
  'env',
  'tokenProvider',
  'runner',
  'docker',
  'image',
  'allowHosts',
  'maxSteps',
  'temperature',
  'memory',
  'executablePath',
  'chromiumSandbox',
  'timeoutMs',
  'signal',
  'onStep',
  'onProgress',
] as const;

/** The keys of {@link BrowserTaskOptions} (for `checkKnownKeys` of wrappers). */
export const BROWSER_TASK_OPTION_KEYS: readonly string[] = TASK_OPTION_KEYS;

function checkSignal(value: unknown, name: string): void {
  if (!(value instanceof AbortSignal))
    throw new ConfigurationError(
      `${name} must be an AbortSignal (from new AbortController().signal), but got ${describeValue(value)}.`,
    );
}

/**
 * Checks the options of a browser task (or the part a wrapper passes on), so that a bad value is
 * a `ConfigurationError` naming the option, the value and the fix, before anything starts.
 * `name` names the options object in messages (`BrowsingBot options`).
 */
export function checkBrowserTaskOptions(
  value: unknown,
  name: string,
  keys: readonly string[] = TASK_OPTION_KEYS,
): CheckedTaskOptions {
  if (value === undefined) return { rule: parseHostRule([]) };
  const options = checkObject(
    value,
    name,
    'Pass an object such as { model: "azure-openai/gpt-4o" }.',
  );
  if (options['tokenRefresh'] !== undefined)
    throw new ConfigurationError(
      `${name} has no option "tokenRefresh" any more: this process makes the model calls for the browser container, so the container holds no token that could expire. Remove the option.`,
    );
  checkKnownKeys(options, name, keys);
  const at = (key: string) => `${name}.${key}`;
  const model = options['model'];
  if (model !== undefined && typeof model !== 'string') {
    if (typeof (model as { complete?: unknown })?.complete !== 'function')
      throw new ConfigurationError(
        `${at('model')} must be a model string such as "azure-openai/gpt-4o" or a ChatModel (an object with complete()), but got ${describeValue(model)}.`,
      );
  } else if (model !== undefined)
    checkString(model, at('model'), {
      nonEmpty: true,
      hint: 'Write provider/name, e.g. azure-openai/gpt-4o.',
    });
  if (options['env'] !== undefined)
    checkObject(
      options['env'],
      at('env'),
      'Pass an object of environment variables, e.g. process.env.',
    );
  if (options['tokenProvider'] !== undefined)
    checkFunction(
      options['tokenProvider'],
      at('tokenProvider'),
      'Pass () => Promise<string>, e.g. getBearerTokenProvider(credential, scope) from @azure/identity.',
    );
  if (options['runner'] !== undefined)
    checkOneOf(
      options['runner'],
      at('runner'),
      BROWSER_RUNNERS,
      "Leave it out to use Docker when an engine answers, else this host's Chromium.",
    );
  if (
    options['docker'] !== undefined &&
    typeof (options['docker'] as { ping?: unknown })?.ping !== 'function'
  )
    throw new ConfigurationError(
      `${at('docker')} must be a dockerode client (new Docker()), but got ${describeValue(options['docker'])}.`,
    );
  if (options['image'] !== undefined)
    checkString(options['image'], at('image'), {
      nonEmpty: true,
      hint: 'Leave it out to use the browser image.',
    });
  const rule = parseHostRule(options['allowHosts'], at('allowHosts'));
  if (options['maxSteps'] !== undefined)
    checkInteger(options['maxSteps'], at('maxSteps'), { min: 1, max: 1_000 });
  if (options['temperature'] !== undefined)
    checkNumber(options['temperature'], at('temperature'), { min: 0, max: 2 });
  if (options['memory'] !== undefined)
    checkInteger(options['memory'], at('memory'), {
      min: 256 * 1024 ** 2,
      hint: 'It is in bytes; Chromium needs at least 256 MiB (268435456).',
    });
  if (options['executablePath'] !== undefined)
    checkString(options['executablePath'], at('executablePath'), { nonEmpty: true });
  if (options['chromiumSandbox'] !== undefined)
    checkBoolean(options['chromiumSandbox'], at('chromiumSandbox'));
  if (options['timeoutMs'] !== undefined) checkDuration(options['timeoutMs'], at('timeoutMs'));
  if (options['signal'] !== undefined) checkSignal(options['signal'], at('signal'));
  if (options['onStep'] !== undefined) checkFunction(options['onStep'], at('onStep'));
  if (options['onProgress'] !== undefined) checkFunction(options['onProgress'], at('onProgress'));
  return { rule };
}
