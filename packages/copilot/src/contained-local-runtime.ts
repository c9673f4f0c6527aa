import { rmSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalEnvironment, SandboxError } from '@bots/core';
import { findExecutable, registerCleanup } from '@bots/core/docker';
import { SANDBOX_CLI_CACHE, sharedCliCache } from './contained-cli-cache.js';
import {
  type ContainedRuntime,
  type ContainedRuntimeOptions,
  launcherEnv,
  SANDBOX_CLI_FOLDER,
  SANDBOX_CLI_HOME,
} from './contained-runtime.js';

/** Where the run's channel folder (the CLI's stdin and stdout, two FIFOs) is shown inside. */
export const SANDBOX_CHANNEL = '/workdir/.copilot-channel';

/** The flags the SDK gives the CLI for a stdio connection (`startCLIServer` of the SDK). */
export const CLI_STDIO_FLAGS = [
  '--headless',
  '--no-auto-update',
  '--log-level',
  'error',
  '--stdio',
  '--no-auto-login',
];

const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/**
 * Starts a `LocalEnvironment` (bubblewrap: no network, its own namespaces, no capabilities, the
 * sandbox's seccomp filter and cgroup limits) with the folder (a read-only copy, or read-write),
 * a copy of the CLI executable (made execute-only inside, see `SANDBOX_CLI_EXECUTABLE`), and a
 * channel folder of this run (0700) holding two FIFOs. The
 * sandbox's shell starts the CLI in the background with its stdin and stdout on those FIFOs; the
 * SDK launches `sh` here, which joins its own stdin and stdout to the other ends (`cat`), so the
 * SDK speaks JSON-RPC with the CLI in the sandbox as with a child process. The CLI's environment
 * is the sandbox's (no variable of this process). Once connected, the FIFOs are unlinked.
 */
export async function startLocalRuntime(
  options: ContainedRuntimeOptions,
): Promise<ContainedRuntime> {
  const sh = findExecutable('sh');
  if (!sh) throw new SandboxError('CopilotBot with sandbox "local" needs sh on PATH.');
  const channel = await mkdtemp(join(tmpdir(), 'bots-copilot-channel-'));
  let environment: LocalEnvironment | undefined;
  // The sandbox registers its own exit cleanup; the channel folder is this runtime's.
  const unregister = registerCleanup({
    description: `Copilot channel folder ${channel}`,
    cleanupSync: () => {
      rmSync(channel, { recursive: true, force: true });
      return true;
    },
    cleanupAsync: () => rm(channel, { recursive: true, force: true }),
  });
  const dispose = async () => {
    await environment?.dispose();
    await rm(channel, { recursive: true, force: true });
    unregister();
  };
  try {
    await chmod(channel, 0o700);
    const cache = await sharedCliCache(options.cliPath, 'local');
    environment = new LocalEnvironment({
      mounts: [
        {
          hostPath: options.folder,
          sandboxPath: options.sandboxPath,
          mode: options.writable ? 'read-write' : 'read-only',
        },
        {
          hostPath: options.cliPath,
          sandboxPath: `${SANDBOX_CLI_FOLDER}/copilot`,
          mode: 'read-only',
        },
        { hostPath: channel, sandboxPath: SANDBOX_CHANNEL, mode: 'read-write' },
        ...(cache
          ? [{ hostPath: cache, sandboxPath: SANDBOX_CLI_CACHE, mode: 'read-only' as const }]
          : []),
      ],
      network: false,
      workdir: options.sandboxPath,
      signal: options.signal,
    });
    await environment.start({ signal: options.signal });
    const made = await environment.execute(
      `mkfifo -m 0600 ${SANDBOX_CHANNEL}/in ${SANDBOX_CHANNEL}/out && cd ${quote(options.sandboxPath)} && ` +
        `chmod 0111 ${SANDBOX_CLI_FOLDER}/copilot && ` +
        `(HOME=${SANDBOX_CLI_HOME} ${cache ? `COPILOT_CACHE_HOME=${SANDBOX_CLI_CACHE} ` : ''}exec ${SANDBOX_CLI_FOLDER}/copilot ${CLI_STDIO_FLAGS.join(' ')} ` +
        `< ${SANDBOX_CHANNEL}/in > ${SANDBOX_CHANNEL}/out 2>/dev/null &)`,
      { timeoutMs: 10_000 },
    );
    if (made.exitCode !== 0) {
      throw new SandboxError(
        `The Copilot CLI could not be started in the local sandbox: ${made.output.trim()}`,
      );
    }
  } catch (error) {
    await dispose();
    throw error;
  }
  return {
    kind: 'local',
    launch: {
      path: sh,
      // An asynchronous command's stdin is /dev/null unless redirected: hand it the SDK's on fd 3.
      // The SDK appends the CLI's flags: they are "$@" here, unused (the CLI already has them).
      args: ['-c', 'exec 3<&0; cat <&3 >"$0/in" & exec 3<&-; exec cat "$0/out"', channel],
      env: launcherEnv(),
    },
    workingDirectory: options.sandboxPath,
    sandbox: environment,
    notes: environment.notes,
    // Both ends are open once the SDK is connected: the FIFOs' names go, so that nothing in the
    // sandbox can open them (and forge or steal JSON-RPC messages).
    afterConnect: async () => {
      await Promise.all(['in', 'out'].map((name) => rm(join(channel, name), { force: true })));
    },
    dispose,
  };
}
