import type { Mount } from '../environment.js';
import { runAgentLoop } from '../loop/agent-loop.js';
import { buildSystemPrompt } from '../loop/system-prompt.js';
import { type BotTool, type ToolResult, unquote } from '../loop/tool.js';

/** Options of `delegateTool`. */
export interface DelegateToolOptions {
  /** Instructions of every sub-bot (appended to the protocol and sandbox description). */
  subBotPrompt?: string;
  /** Mounts to describe to sub-bots (the sandbox itself is the caller's). */
  mounts?: readonly Mount[];
  /** Tools the sub-bots may call (never `delegate`: sub-bots do not delegate further). */
  tools?: readonly BotTool[];
  /** Most characters of one command's output sent to a sub-bot's model. */
  maxOutputChars: number;
}

/** The instructions every sub-bot gets by default. */
export const DEFAULT_SUB_BOT_PROMPT =
  'You are a sub-bot: you were given one sub-task of a larger task. Do exactly that sub-task and answer with what the caller needs to continue (facts found, files written, with their paths).';

/**
 * The `delegate "<sub-task>"` tool of `AgentBoss`: runs the sub-task as a sub-bot, i.e. a fresh
 * conversation (its own system prompt and history) on the caller's model instance, sandbox,
 * token provider, iteration budget and deadline, and returns the sub-bot's answer as output
 * (exit code 0), or why it did not finish (exit code 1).
 */
export function delegateTool(options: DelegateToolOptions): BotTool {
  return {
    name: 'delegate',
    usage: 'delegate "<sub-task>"',
    description:
      'Hands a self-contained sub-task to a sub-bot that works in this same sandbox (files it writes are visible to you) and returns its answer as the output. Describe the sub-task completely: the sub-bot does not see this conversation. Sub-bots share your iteration budget.',
    async invoke(input, context): Promise<ToolResult> {
      const subTask = unquote(input);
      if (subTask === '') {
        throw new Error('delegate needs a sub-task: delegate "<sub-task>"');
      }
      const result = await runAgentLoop({
        task: subTask,
        systemPrompt: buildSystemPrompt({
          instructions: options.subBotPrompt ?? DEFAULT_SUB_BOT_PROMPT,
          mounts: options.mounts,
          commandTimeoutMs: context.commandTimeoutMs,
          maxOutputChars: options.maxOutputChars,
          tools: options.tools,
        }),
        model: context.model,
        environment: context.environment,
        tools: options.tools,
        budget: context.budget,
        signal: context.signal,
        onStep: context.onStep,
        commandTimeoutMs: context.commandTimeoutMs,
        maxOutputChars: options.maxOutputChars,
        tokenProvider: context.tokenProvider,
        depth: context.depth + 1,
        botName: 'sub-bot',
        ...(context.traceContent ? { traceContent: true } : {}),
      });
      if (result.status === 'success') {
        return { output: result.result ?? '', exitCode: 0, steps: result.steps };
      }
      if (context.signal.aborted) throw context.signal.reason;
      return {
        output: `The sub-bot did not finish (${result.status}): ${result.error?.name}: ${result.error?.message}`,
        exitCode: 1,
        steps: result.steps,
      };
    },
  };
}
