// `@bots/core`: the bots, the sandboxes and their options, the results and steps, the errors, the
// tool contract and the sandbox image helpers. The agent loop alone is `@bots/core/loop`, the
// Docker plumbing for other packages `@bots/core/docker`, test doubles `@bots/core/testing`.
export * from './bots/index.js';
export * from './loop/index.js';
export * from './sandbox/index.js';
