/**
 * `@bots/core/docker`: the Docker plumbing of the sandbox, for packages that run containers of
 * their own (`@bots/browser-tool`): the client, image checks and builds, container removal, and
 * the process-wide registry that removes what is still alive when the process exits, and a
 * time limit for probes of an engine that may never answer.
 */

export { type CleanupEntry, registerCleanup } from '../sandbox/cleanup-registry.js';
export type { DockerClient } from '../sandbox/docker-client.js';
export {
  type ContainerRemovalOptions,
  type RemovableContainer,
  removeContainer,
  removeContainerNow,
} from '../sandbox/docker-container-removal.js';
export { defaultDocker, followImageBuild, hasImage } from '../sandbox/docker-images.js';
export { findExecutable } from '../sandbox/find-executable.js';
export { settleWithin } from '../sandbox/settle-within.js';
