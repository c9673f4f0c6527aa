import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { PassThrough } from 'node:stream';
import { assertBearerTransport, ConfigurationError, registerSecret } from '@bots/auth';
import { defaultDocker, registerCleanup } from '@bots/core';
import { parseModel } from '@bots/providers';
import type Docker from 'dockerode';
import { LineSplitter } from './agent-output.js';
import { ensureBrowserImage } from './browser-image.js';
import {
  type BrowserTaskOptions,
  type Env,
  pick,
  type RunExit,
  type RunState,
} from './browser-task-options.js';
import { resolveCredentials, resolveModelString } from './credentials.js';
import type { OutputCollector } from './output-collector.js';
import { startTokenChannel, type TokenChannel } from './token-channel.js';

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

/** Runs the agent in a container of the browser image; see `runBrowserTask`. */
export async function runInDocker(
  task: string,
  options: BrowserTaskOptions,
  env: Env,
  signal: AbortSignal,
  collector: OutputCollector,
  base: RunState,
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

  const docker = (options.docker ?? (await defaultDocker())) as Docker;
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
