import { hostname } from 'node:os';
import { PassThrough } from 'node:stream';
import {
  defaultDocker,
  registerCleanup,
  removeContainer,
  removeContainerNow,
} from '@bots/core/docker';
import type Docker from 'dockerode';
import { CHANNEL_MOUNT } from './agent/host-channel-protocol.js';
import { LineSplitter } from './agent-output.js';
import { ensureBrowserImage } from './browser-image.js';
import type { RunExit } from './browser-task-options.js';
import { containerUser, type HostChannel, openHostChannel } from './host-channel.js';
import type { RunContext } from './run-context.js';

/**
 * Runs the agent in a container of the browser image; see `runBrowserTask`. The container has no
 * network (`NetworkMode: none`) and no credential: its only way out is the run's channel folder,
 * bind-mounted read-only, whose two sockets are this process's network guard (every request of
 * Chromium, judged by the host rule) and model server (every model call, made here with this
 * process's credential).
 */
export async function runInDocker(context: RunContext): Promise<RunExit> {
  const { options, collector, state, signal } = context;
  const docker = (options.docker ?? (await defaultDocker())) as Docker;
  const image =
    options.image ??
    (await ensureBrowserImage({
      docker,
      signal,
      ...(options.onProgress ? { onProgress: (line) => collector.line(line) } : {}),
    }));
  if (signal.aborted) return { code: 130 };

  const user = containerUser();
  let channel: HostChannel | undefined;
  let container: Docker.Container | undefined;
  let unregister: (() => void) | undefined;
  try {
    // Right before the container starts: a credential that does not work fails the run here.
    await context.model.preflight();
    channel = await openHostChannel({
      model: context.model.model,
      rule: context.rule,
      maxCalls: options.maxSteps ?? 20,
      user,
      signal,
      onRefused: (refused) => collector.refusal(refused),
    });
    const { model } = context.model;
    const containerEnv: string[] = [
      'HOME=/tmp',
      `BOTS_HOST_CHANNEL=${CHANNEL_MOUNT}`,
      `BOTS_MODEL=${model.provider}/${model.name}`,
      // How the host reaches the model (plain data, no secret): the container's model says so.
      // Without where a key came from (`keyFrom`, and `client`, which names the variable): the
      // container holds no credential, and no credential variable's name is in its env either.
      ...(context.model.connection
        ? [
            `BOTS_CONNECTION=${JSON.stringify({ ...context.model.connection, keyFrom: undefined, client: undefined })}`,
          ]
        : []),
      ...(options.temperature === undefined
        ? []
        : [`BROWSER_AGENT_TEMPERATURE=${options.temperature}`]),
      ...(options.maxSteps ? [`BROWSER_MAX_STEPS=${options.maxSteps}`] : []),
    ];
    if (signal.aborted) return { code: 130 };
    container = await docker.createContainer({
      Image: image,
      Cmd: [context.task],
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
      // Not root, nothing writable but a private /tmp, no capabilities, no network at all.
      User: `${user.uid}:${user.gid}`,
      HostConfig: {
        NetworkMode: 'none',
        Binds: [`${channel.folder}:${CHANNEL_MOUNT}:ro`],
        ReadonlyRootfs: true,
        Tmpfs: { '/tmp': 'rw,nosuid,nodev,size=512m,mode=1777' },
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
      cleanupSync: () => removeContainerNow(id),
      cleanupAsync: () => removeContainer(created, { cli: true }),
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
    const onAbort = () => void removeContainer(created, { cli: true });
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await container.start();
      state.timings.startedMs = Date.now() - context.started;
      collector.line(
        `Browser container ${id.slice(0, 12)} started from ${image} (${state.timings.startedMs} ms; no network, model calls made by this process, auth: ${context.model.auth})`,
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
    if (container) await removeContainer(container, { cli: true });
    unregister?.();
    await channel?.close();
  }
}
