import type { TokenProviderLike } from '@bots/auth';
import { redact } from '@bots/auth';
import type { BotResult, DockerClient, Step } from '@bots/core';
import type { ChatModel } from '@bots/providers';

/** Environment variables, as read by the runners. */
export type Env = Record<string, string | undefined>;

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
  docker?: DockerClient;
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

/** The first non-empty variable of `names`. */
export const pick = (env: Env, ...names: string[]) =>
  names.map((name) => env[name]).find((value) => value) ?? undefined;

export function errorOf(name: string, message: string) {
  return { name, message: redact(message) };
}

/** How a runner ended: the agent's exit code. */
export interface RunExit {
  code: number;
  detail?: string;
}

/** What a runner reports back besides the output lines. */
export type RunState = {
  timings: BrowserTaskResult['timings'];
  auth: 'token' | 'key';
  tokenRefreshes: number;
};
