/**
 * The agent loop and its types: `@bots/core/loop`, the light entry of `@bots/core` (no sandbox
 * code, no dockerode), and part of the package's main entry.
 */

export type { CommandResult, Environment, ExecuteOptions, Mount } from '../environment.js';
export {
  type AgentLoopOptions,
  type BotRunOptions,
  DEFAULT_COMMAND_TIMEOUT_MS,
  DEFAULT_MAX_FORMAT_CORRECTIONS,
  DEFAULT_MAX_ITERATIONS,
  runAgentLoop,
} from './agent-loop.js';
export type { BotError, BotResult, RunStatus, Step, StepKind } from './bot-result.js';
export { DEFAULT_MAX_OUTPUT_CHARS } from './cap-for-model.js';
export {
  MaxIterationsError,
  ModelCallError,
  ModelFormatError,
  RunAbortedError,
  RunTimeoutError,
} from './errors.js';
export { IterationBudget } from './iteration-budget.js';
export {
  correctiveMessage,
  type ModelReply,
  type ParsedReply,
  parseReply,
  REPLY_SHAPE,
} from './protocol.js';
export { buildSystemPrompt, type SystemPromptOptions } from './system-prompt.js';
export { CORE_ATTRIBUTES, CORE_SPAN_NAMES } from './telemetry.js';
export { type BotTool, type ToolContext, type ToolResult, unquote } from './tool.js';
