export { capOutput, cutMarker, DEFAULT_OUTPUT_LIMIT, OutputCapper } from './cap-output.js';
export { type CgroupLimits, createSandboxCgroup, type SandboxCgroup } from './cgroup.js';
export { type CleanupEntry, cleanupRegistryState, registerCleanup } from './cleanup-registry.js';
export type { DockerClient } from './docker-client.js';
export {
  type ContainerRemovalOptions,
  type RemovableContainer,
  removeContainer,
  removeContainerNow,
} from './docker-container-removal.js';
export { DockerEnvironment, type DockerEnvironmentOptions } from './docker-environment.js';
export {
  type BuildImageOptions,
  buildImage,
  buildNetworkMode,
  defaultDocker,
  followImageBuild,
  hasImage,
  plainText,
} from './docker-images.js';
export { SandboxError } from './errors.js';
export { LocalEnvironment, type LocalEnvironmentOptions } from './local-environment.js';
export { type ResolvedMount, resolveMounts, SANDBOX_WORKDIR } from './mounts.js';
export {
  buildSandboxImage,
  ensureSandboxImage,
  SANDBOX_DOCKERFILE,
  SANDBOX_IMAGE,
  SANDBOX_IMAGE_REPOSITORY,
  type SandboxImageOptions,
} from './sandbox-image.js';
export {
  type RunOptions,
  type ShellProcess,
  ShellSession,
  type ShellSessionOptions,
} from './shell-session.js';
