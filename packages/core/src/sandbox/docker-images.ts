import type Docker from 'dockerode';
import type { DockerClient } from './docker-client.js';
import { hasBridgeNetwork } from './docker-network.js';
import { SandboxError } from './errors.js';

/** A Docker client from `DOCKER_HOST` (dockerode is loaded only when a container is needed). */
export async function defaultDocker(): Promise<DockerClient> {
  const { default: Dockerode } = await import('dockerode');
  return new Dockerode();
}

/** True when the engine has the image; rethrows anything but "no such image" (404). */
export async function hasImage(docker: DockerClient, tag: string): Promise<boolean> {
  try {
    await (docker as Docker).getImage(tag).inspect();
    return true;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return false;
    throw error;
  }
}

interface BuildEvent {
  stream?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
}

// CSI (colours, cursor moves), OSC (titles, links), and the other two-character escapes.
const ESCAPES = new RegExp(
  [
    '\\u001b\\[[0-?]*[ -/]*[@-~]',
    '\\u009b[0-?]*[ -/]*[@-~]',
    '\\u001b\\][^\\u0007\\u001b]*(?:\\u0007|\\u001b\\\\)?',
    '\\u001b[@-Z\\\\-_]',
  ].join('|'),
  'g',
);
// Control characters other than tab and newline.
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

/**
 * Build or program output as plain text: terminal escape sequences (colours, cursor moves,
 * titles) removed, a line rewritten with carriage returns (a progress bar) reduced to what it
 * showed last, other control characters dropped.
 */
export function plainText(text: string): string {
  return text
    .replace(ESCAPES, '')
    .split('\n')
    .map((line) => {
      const parts = line.split('\r').filter((part) => part !== '');
      return (parts.at(-1) ?? '').replace(CONTROLS, '');
    })
    .join('\n');
}

/**
 * Follows the output of `docker.buildImage` to its end: each non-empty line goes to `onLine` as
 * plain text (escape sequences removed; `Step 2/6 : RUN apt-get ...`, apt output). Resolves when
 * the build succeeded; rejects with an `Error` whose message is the engine's (a failed `RUN`
 * step, a stream error), or when `signal` aborts (the engine may finish the build in the
 * background).
 */
export function followImageBuild(
  docker: DockerClient,
  stream: NodeJS.ReadableStream,
  onLine: (line: string) => void,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let failure: string | undefined;
    const onAbort = () => reject(new Error('stopped waiting for the build'));
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    (docker as Docker).modem.followProgress(
      stream,
      (error: Error | null) => {
        signal?.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else if (failure) reject(new Error(failure));
        else resolve();
      },
      (event: BuildEvent) => {
        if (event.error) failure = plainText(event.errorDetail?.message ?? event.error).trim();
        const text = event.stream ?? event.status;
        if (!text) return;
        for (const line of plainText(text).split('\n')) if (line.trim()) onLine(line.trimEnd());
      },
    );
  });
}

/**
 * The network for a build's `RUN` steps: `host` on an engine without a `bridge` network (started
 * with `--bridge=none`, as in this project's CI: the default network of a build would have no
 * way out), else the engine's default (undefined).
 */
export async function buildNetworkMode(docker: DockerClient): Promise<string | undefined> {
  return (await hasBridgeNetwork(docker)) ? undefined : 'host';
}

/** Options of {@link buildImage}. */
export interface BuildImageOptions {
  docker: DockerClient;
  /** The build context: a tar stream, or a folder and the files of it to send. */
  context: NodeJS.ReadableStream | { context: string; src: string[] };
  tag: string;
  /** What is built, for messages: `the sandbox image`. */
  description: string;
  labels?: Record<string, string>;
  /** Network of the `RUN` steps (default: {@link buildNetworkMode}). */
  networkMode?: string;
  onProgress?: (line: string) => void;
  signal?: AbortSignal;
}

/** Lines of the build log a failure message keeps. */
export const BUILD_LOG_TAIL_LINES = 12;
const BUILD_LOG_LINE_LENGTH = 200;

/**
 * Builds an image with the engine's classic builder, removing the intermediate containers also
 * when a step fails (`forcerm`), so that a failed build leaves no container behind. A failure is
 * a `SandboxError` whose message has the engine's reason and only the last lines of the build
 * log, as plain text.
 */
export async function buildImage(options: BuildImageOptions): Promise<void> {
  const { docker, tag } = options;
  const networkMode = options.networkMode ?? (await buildNetworkMode(docker));
  const tail: string[] = [];
  const onLine = (line: string) => {
    tail.push(
      line.length > BUILD_LOG_LINE_LENGTH ? `${line.slice(0, BUILD_LOG_LINE_LENGTH)}…` : line,
    );
    if (tail.length > BUILD_LOG_TAIL_LINES) tail.shift();
    options.onProgress?.(line);
  };
  const failed = (reason: string) =>
    new SandboxError(
      `Building ${options.description} ${tag} failed: ${reason}${tail.length > 0 ? `\nLast lines of the build log:\n${tail.map((line) => `  ${line}`).join('\n')}` : ''}`,
    );
  let stream: NodeJS.ReadableStream;
  try {
    stream = await (docker as Docker).buildImage(options.context as NodeJS.ReadableStream, {
      t: tag,
      rm: true,
      forcerm: true,
      ...(options.labels ? { labels: options.labels } : {}),
      ...(networkMode ? { networkmode: networkMode } : {}),
    });
  } catch (error) {
    throw failed(plainText((error as Error).message).trim());
  }
  try {
    await followImageBuild(docker, stream, onLine, options.signal);
  } catch (error) {
    if (options.signal?.aborted) {
      throw new SandboxError(`Stopped waiting for the build of ${tag}.`, { cause: error });
    }
    throw failed((error as Error).message);
  }
}
