import type Docker from 'dockerode';
import type { DockerClient } from './docker-client.js';

/** A Docker client from `DOCKER_HOST` (dockerode is loaded only when a container is needed). */
export async function defaultDocker(): Promise<DockerClient> {
  const { default: DockerClient } = await import('dockerode');
  return new DockerClient();
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

/**
 * Follows the output of `docker.buildImage` to its end: each non-empty line goes to `onLine`
 * (`Step 2/6 : RUN apt-get ...`, apt output). Resolves when the build succeeded; rejects with an
 * `Error` whose message is the engine's (a failed `RUN` step, a stream error), or when `signal`
 * aborts (the engine may finish the build in the background).
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
        if (event.error) failure = event.errorDetail?.message ?? event.error;
        const text = event.stream ?? event.status;
        if (!text) return;
        for (const line of text.split('\n')) if (line.trim()) onLine(line.trimEnd());
      },
    );
  });
}
