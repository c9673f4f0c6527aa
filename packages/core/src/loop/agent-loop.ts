import { errorKindOf, redact, redactForModel } from '@bots/auth';
import type { ChatMessage, ChatModel, ChatUsage } from '@bots/providers';
import type { BotError, BotResult, Step } from './bot-result.js';
import { capForModel } from './cap-for-model.js';
import { runCommand } from './command-execution.js';
import { MaxIterationsError, ModelFormatError } from './errors.js';
import { feedbackMessage } from './feedback-message.js';
import { IterationBudget } from './iteration-budget.js';
import { createModel, lazyEnvironment } from './lazy-resources.js';
import { type AgentLoopOptions, validateLoopOptions } from './loop-options.js';
import { callModel } from './model-call.js';
import { correctiveMessage, parseReply } from './protocol.js';
import { messageOf, RunFailure } from './run-failure.js';
import { RunScope } from './run-scope.js';
import {
  endRunSpan,
  endStepSpan,
  type SpanScope,
  setRunModel,
  startRunSpan,
  startStepSpan,
} from './telemetry.js';
import { findTool, runTool } from './tool-execution.js';

// The loop's options and their checks live in loop-options.ts and validate-tools.ts; the bots
// import them from here, as they did when this file held everything.
export {
  type AgentLoopOptions,
  BOT_RUN_OPTION_NAMES,
  type BotRunOptions,
  checkRunOptions,
  DEFAULT_COMMAND_TIMEOUT_MS,
  DEFAULT_MAX_FORMAT_CORRECTIONS,
  DEFAULT_MAX_ITERATIONS,
  validateLoopOptions,
} from './loop-options.js';
export { validateTools } from './validate-tools.js';

/**
 * Runs the protocol until the model answers or a limit is hit. Never rejects for model or
 * sandbox failures: they end the run with status `failed` and a redacted error. Rejects with a
 * `ConfigurationError` for invalid options only.
 *
 * What the model reads and what the steps record of it (the task, command output, tool output,
 * the model's own thoughts, commands and answer) is the user's data: it goes through
 * `redactForModel` (only the secrets the library holds, and token-shaped strings), never the
 * name-based masking of `redact`, so `if (password === stored)` reaches the model as written.
 * Error messages are the library's own and go through `redact`.
 */
export async function runAgentLoop(options: AgentLoopOptions): Promise<BotResult> {
  const settings = validateLoopOptions(options);
  const startedAt = performance.now();
  const depth = options.depth ?? 0;
  const budget = options.budget ?? new IterationBudget(settings.maxIterations);
  const steps: Step[] = [];
  const usage: ChatUsage = { inputTokens: 0, outputTokens: 0 };
  let iterations = 0;

  const scope = new RunScope(options, () => iterations);
  const runSignal = scope.signal;
  const traceContent = options.traceContent === true;
  const runSpan = startRunSpan(
    options.botName ?? (depth > 0 ? 'sub-bot' : 'agent-loop'),
    depth,
    traceContent ? redactForModel(options.task) : undefined,
  );
  let stepSpan: SpanScope | undefined;
  let stepIndex = 0;

  const notify = (step: Step) => {
    try {
      options.onStep?.(step);
    } catch {
      // A failing progress callback must not break the run.
    }
  };
  const record = (step: Step) => {
    steps.push(step);
    notify(step);
  };
  const finish = (status: BotResult['status'], result?: string, error?: BotError): BotResult => {
    const outcome: BotResult = {
      status,
      result,
      error,
      steps,
      iterations,
      usage,
      durationMs: Math.round(performance.now() - startedAt),
    };
    if (stepSpan) endStepSpan(stepSpan, steps[stepIndex]?.kind, error);
    stepSpan = undefined;
    endRunSpan(runSpan, outcome, traceContent);
    return outcome;
  };

  const getEnvironment = lazyEnvironment(options.environment, runSignal);

  try {
    const chatModel: ChatModel = await createModel(options.model, runSignal);
    setRunModel(runSpan, chatModel);
    const messages: ChatMessage[] = [
      { role: 'system', content: options.systemPrompt },
      { role: 'user', content: redactForModel(options.task) },
    ];
    let corrections = 0;

    for (;;) {
      if (runSignal.aborted) throw runSignal.reason;
      if (!budget.take()) {
        throw new RunFailure({
          name: MaxIterationsError.name,
          kind: MaxIterationsError.kind,
          message:
            budget === options.budget
              ? `The shared budget of ${budget.limit} iterations (maxIterations of the parent run) is used up; this run made ${iterations} model call(s) without an answer.`
              : `The run reached its limit of ${budget.limit} iterations (maxIterations) without an answer. Raise maxIterations or split the task.`,
        });
      }
      iterations++;
      if (stepSpan) endStepSpan(stepSpan, steps[stepIndex]?.kind);
      stepIndex = steps.length;
      stepSpan = startStepSpan(runSpan, stepIndex);
      const trace = { parent: stepSpan.context, content: traceContent };
      const turn = await callModel(chatModel, messages, runSignal, trace);
      const { text, usage: stepUsage, durationMs: modelDurationMs } = turn;
      if (stepUsage) addUsage(usage, stepUsage);
      messages.push({ role: 'assistant', content: redactForModel(text) });

      const parsed = parseReply(text);
      const index = steps.length;
      if (!parsed.ok) {
        record({
          index,
          depth,
          kind: 'format-error',
          thoughts: '',
          command: '',
          problem: redactForModel(parsed.problem),
          reply: capForModel(redactForModel(text), 2_000).text,
          modelDurationMs,
          usage: stepUsage,
        });
        if (corrections >= settings.maxFormatCorrections) {
          throw new RunFailure({
            name: ModelFormatError.name,
            kind: ModelFormatError.kind,
            message: redact(
              `The model broke the reply format ${corrections + 1} times in a row, after ${corrections} corrective message(s); the last problem: ${parsed.problem}. Use a model that follows JSON instructions, or check its deployment.`,
            ),
          });
        }
        corrections++;
        messages.push({
          role: 'user',
          content: correctiveMessage(parsed.problem, corrections, settings.maxFormatCorrections),
        });
        continue;
      }
      corrections = 0;
      const { reply } = parsed;
      if (reply.taskDone) {
        const answer = redactForModel(reply.thoughts);
        record({
          index,
          depth,
          kind: 'answer',
          thoughts: answer,
          command: '',
          modelDurationMs,
          usage: stepUsage,
        });
        return finish('success', answer);
      }

      const tool = findTool(settings.tools, reply.command);
      const outcome = tool
        ? await runTool(tool, reply.command.slice(tool.name.length).trim(), {
            runSignal,
            getEnvironment,
            model: chatModel,
            budget,
            commandTimeoutMs: settings.commandTimeoutMs,
            tokenProvider: options.tokenProvider,
            depth,
            onStep: notify,
            traceParent: trace.parent,
            traceContent,
          })
        : await runCommand(
            reply.command,
            await getEnvironment(),
            runSignal,
            settings.commandTimeoutMs,
            trace,
          );
      const capped = capForModel(
        redactForModel(preCap(outcome.output, settings.maxOutputChars)),
        settings.maxOutputChars,
      );
      for (const subStep of outcome.subSteps ?? [])
        if (subStep.usage) addUsage(usage, subStep.usage);
      const step: Step = {
        index,
        depth,
        kind: tool ? 'tool' : 'command',
        thoughts: redactForModel(reply.thoughts),
        command: redactForModel(reply.command),
        exitCode: outcome.exitCode,
        output: capped.text,
        timedOut: outcome.timedOut,
        truncated: outcome.truncated || capped.truncated,
        modelDurationMs,
        commandDurationMs: outcome.durationMs,
        usage: stepUsage,
      };
      if (tool) step.tool = tool.name;
      if (outcome.subSteps) step.subSteps = outcome.subSteps;
      record(step);
      messages.push({
        role: 'user',
        content: feedbackMessage(step, tool, settings.commandTimeoutMs),
      });
    }
  } catch (error) {
    if (error instanceof RunFailure) return finish('failed', undefined, error.failure);
    const interruption = scope.interruption();
    if (interruption) return finish(interruption.status, undefined, interruption.error);
    return finish('failed', undefined, {
      name: error instanceof Error ? error.name : 'Error',
      kind: errorKindOf(error),
      message: redact(`The run failed unexpectedly: ${messageOf(error)}`),
    });
  } finally {
    scope.close();
  }
}

/** Keeps redaction cheap on huge output: cut to a generous size first (head and tail kept). */
function preCap(output: string, maxChars: number): string {
  return output.length > maxChars * 4 ? capForModel(output, maxChars * 4).text : output;
}

function addUsage(total: ChatUsage, add: ChatUsage): void {
  total.inputTokens += Number(add.inputTokens) || 0;
  total.outputTokens += Number(add.outputTokens) || 0;
}
