import { SandboxError } from '@bots/core';
import type { ContainedRuntime, ContainedRuntimeOptions } from './contained-runtime.js';

/** The CLI in bubblewrap (`sandbox: 'local'`). */
export async function startLocalRuntime(_options: ContainedRuntimeOptions): Promise<ContainedRuntime> {
  throw new SandboxError('CopilotBot with sandbox "local" is not available yet; use sandbox "docker".');
}
