import type { ContainedRuntime, ContainedRuntimeOptions } from './contained-runtime.js';
import { launcherEnv } from './contained-runtime.js';

/**
 * The CLI on the bare host (`sandbox: 'host'`, an explicit opt-in): no sandbox at all. Its shell
 * commands run as this user in the folder itself (writes reach it whatever `writable` says), with
 * the host's network; only the model credential stays out of it (placeholder token, the relay).
 */
export async function startHostRuntime(
  options: ContainedRuntimeOptions,
): Promise<ContainedRuntime> {
  return {
    kind: 'host',
    launch: { path: options.cliPath, args: [], env: launcherEnv() },
    workingDirectory: options.folder,
    sandbox: undefined,
    notes: [],
    afterConnect: async () => {},
    dispose: async () => {},
  };
}
