import type { Context } from '@opentelemetry/api';
import type { Environment } from '../environment.js';
import { childController, raceSignal } from './abort.js';
import type { ExecutionOutcome } from './execution-outcome.js';
import { messageOf } from './run-failure.js';
import { endExecutionSpan, startExecutionSpan, withSpan } from './telemetry.js';
import type { BotTool, ToolContext, ToolResult } from './tool.js';

/**
 * What a tool call gets from the run, besides its input: the {@link ToolContext} a tool sees, with
 * the run's signal (the tool's own is made from it) and the sandbox created on demand.
 */
export interface ToolRunContext extends Omit<ToolContext, 'signal' | 'environment'> {
  /** The run's signal. */
  runSignal: AbortSignal;
  /** The run's sandbox, created and started on demand. */
  getEnvironment: () => Promise<Environment>;
  /** The context of the step's span. */
  traceParent: Context;
}

/** The tool a command calls: the one named by the command's first word, if any. */
export function findTool(tools: readonly BotTool[], command: string): BotTool | undefined {
  const firstWord = command.split(/\s/, 1)[0];
  return tools.find((tool) => tool.name === firstWord);
}

/**
 * Calls one tool, in a `bots.tool` span (a sub-bot's run nests under it; the input only with
 * `traceContent`). A tool past its `timeoutMs` is reported as exit code 124, a tool that rejects
 * as exit code 1 with its error's message (the run goes on); the run's abort propagates.
 */
export async function runTool(
  tool: BotTool,
  input: string,
  context: ToolRunContext,
): Promise<ExecutionOutcome> {
  const scope = startExecutionSpan(
    context.traceParent,
    { tool: tool.name, input },
    context.traceContent === true,
  );
  let outcome: ExecutionOutcome | undefined;
  let failure: unknown;
  try {
    outcome = await withSpan(scope, () => invokeTool(tool, input, context));
    return outcome;
  } catch (error) {
    failure = error;
    throw error;
  } finally {
    endExecutionSpan(scope, outcome, failure);
  }
}

async function invokeTool(
  tool: BotTool,
  input: string,
  context: ToolRunContext,
): Promise<ExecutionOutcome> {
  const { runSignal } = context;
  const environment = await context.getEnvironment();
  const { controller, release } = childController(runSignal);
  const timer =
    tool.timeoutMs === undefined
      ? undefined
      : setTimeout(() => controller.abort(new Error('tool timeout')), tool.timeoutMs);
  const startedAt = performance.now();
  const toolContext: ToolContext = {
    signal: controller.signal,
    environment,
    model: context.model,
    budget: context.budget,
    commandTimeoutMs: context.commandTimeoutMs,
    tokenProvider: context.tokenProvider,
    depth: context.depth,
    onStep: context.onStep,
    traceContent: context.traceContent === true,
  };
  const elapsed = () => Math.round(performance.now() - startedAt);
  try {
    const value = await raceSignal(() => tool.invoke(input, toolContext), controller.signal);
    const result: ToolResult = typeof value === 'string' ? { output: value } : value;
    const outcome: ExecutionOutcome = {
      exitCode: result.exitCode ?? 0,
      output: typeof result.output === 'string' ? result.output : String(result.output),
      timedOut: false,
      truncated: false,
      durationMs: elapsed(),
    };
    if (result.steps) outcome.subSteps = result.steps;
    return outcome;
  } catch (error) {
    if (runSignal.aborted) throw runSignal.reason;
    if (controller.signal.aborted) {
      return { exitCode: 124, output: '', timedOut: true, truncated: false, durationMs: elapsed() };
    }
    return {
      exitCode: 1,
      output: `The tool "${tool.name}" failed: ${messageOf(error)}`,
      timedOut: false,
      truncated: false,
      durationMs: elapsed(),
    };
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    release();
  }
}
