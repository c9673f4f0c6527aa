// The sandboxes as users meet them, re-exported by the package's main entry. The bots load this
// module lazily (src/bots/default-environment.ts), so that importing them does not load dockerode.
// What other packages need to run containers of their own is in src/docker/index.ts.
export { DEFAULT_OUTPUT_LIMIT } from './cap-output.js';
export { DockerEnvironment, type DockerEnvironmentOptions } from './docker-environment.js';
export { SandboxError } from './errors.js';
export { LocalEnvironment, type LocalEnvironmentOptions } from './local-environment.js';
export {
  buildSandboxImage,
  ensureSandboxImage,
  SANDBOX_DOCKERFILE,
  SANDBOX_IMAGE,
  SANDBOX_IMAGE_REPOSITORY,
  type SandboxImageOptions,
} from './sandbox-image.js';
export {
  type PooledSandbox,
  SandboxPool,
  type SandboxPoolOptions,
  type SandboxPoolStats,
} from './sandbox-pool.js';
