import { basename, dirname } from 'node:path';
import { DockerEnvironment, SandboxError } from '@bots/core';
import { findExecutable } from '@bots/core/docker';
import { SANDBOX_CLI_CACHE, sharedCliCache } from './contained-cli-cache.js';
import {
  type ContainedRuntime,
  type ContainedRuntimeOptions,
  launcherEnv,
  SANDBOX_CLI_EXECUTABLE,
  SANDBOX_CLI_FOLDER,
  SANDBOX_CLI_HOME,
} from './contained-runtime.js';

/**
 * Starts a `DockerEnvironment` of the sandbox image for one run (no network, no capabilities,
 * its seccomp profile, limits, labels for the stale-cleanup) with the folder (read-only through
 * an overlay, or read-write) and the CLI's folder (read-only) mounted, and launches the CLI in it
 * with `docker exec -i` from an execute-only copy (see `SANDBOX_CLI_EXECUTABLE`): the SDK speaks
 * JSON-RPC over that exec's stdin and stdout. The exec gets only `HOME`; the container's own
 * environment is empty.
 */
export async function startDockerRuntime(
  options: ContainedRuntimeOptions & { memory?: number },
): Promise<ContainedRuntime> {
  const docker = findExecutable('docker');
  if (!docker) {
    throw new SandboxError(
      'CopilotBot with sandbox "docker" launches the Copilot CLI in its container with the docker CLI, and there is no docker on PATH. Install the Docker CLI, or use sandbox: "local" (bubblewrap).',
    );
  }
  const cache = await sharedCliCache(options.cliPath, 'docker');
  const environment = new DockerEnvironment({
    mounts: [
      {
        hostPath: options.folder,
        sandboxPath: options.sandboxPath,
        mode: options.writable ? 'read-write' : 'read-only',
      },
      { hostPath: dirname(options.cliPath), sandboxPath: SANDBOX_CLI_FOLDER, mode: 'read-only' },
      ...(cache
        ? [{ hostPath: cache, sandboxPath: SANDBOX_CLI_CACHE, mode: 'read-only' as const }]
        : []),
    ],
    network: false,
    memory: options.memory ?? 2 * 1024 ** 3,
    pids: 512,
    workdir: options.sandboxPath,
    signal: options.signal,
  });
  try {
    await environment.start({ signal: options.signal });
  } catch (error) {
    await environment.dispose();
    throw error;
  }
  const id = environment.containerId;
  const copied = id
    ? await environment.execute(
        `install -m 0111 ${SANDBOX_CLI_FOLDER}/${basename(options.cliPath)} ${SANDBOX_CLI_EXECUTABLE}`,
        { timeoutMs: 60_000 },
      )
    : undefined;
  if (!id || copied?.exitCode !== 0) {
    await environment.dispose();
    throw new SandboxError(
      `The Copilot CLI could not be installed in its sandbox container${copied ? `: ${copied.output.trim()}` : ''}.`,
    );
  }
  return {
    kind: 'docker',
    launch: {
      path: docker,
      args: [
        'exec',
        '-i',
        '-w',
        options.sandboxPath,
        '-e',
        `HOME=${SANDBOX_CLI_HOME}`,
        ...(cache ? ['-e', `COPILOT_CACHE_HOME=${SANDBOX_CLI_CACHE}`] : []),
        id,
        SANDBOX_CLI_EXECUTABLE,
      ],
      env: launcherEnv(),
    },
    workingDirectory: options.sandboxPath,
    sandbox: environment,
    notes: environment.notes,
    afterConnect: async () => {},
    dispose: () => environment.dispose(),
  };
}
