export * from './bots/index.js';
export type { CommandResult, Environment, ExecuteOptions, Mount } from './environment.js';
export * from './loop/index.js';
export * from './sandbox/index.js';
