import { redactForModel } from '@bots/auth';
import type { BotError, Step } from '@bots/core';
import { type AgentStepLine, parseStepLine } from './agent-output.js';
import { BrowserError } from './browser-error.js';
import { type BrowserTaskOptions, errorOf } from './browser-task-options.js';
import { type RefusedRequest, refusedLine } from './network-guard.js';

/** Collects the agent's lines into steps, progress and the final answer. */
export class OutputCollector {
  readonly steps: Step[] = [];
  readonly lines: string[] = [];
  readonly usage = { inputTokens: 0, outputTokens: 0 };
  iterations = 0;
  firstPageMs: number | undefined;
  finalError: BotError | undefined;
  readonly refused: RefusedRequest[] = [];
  constructor(
    private readonly started: number,
    private readonly options: BrowserTaskOptions,
  ) {}

  line(raw: string): void {
    const line = redactForModel(raw);
    this.lines.push(line);
    const parsed = parseStepLine(line);
    if (parsed) {
      this.step(parsed);
      return;
    }
    const finalError = /^final error:\s*([\w.]+):\s*([\s\S]*)$/i.exec(line);
    if (finalError)
      this.finalError = errorOf(finalError[1] ?? BrowserError.name, finalError[2] ?? '');
    try {
      this.options.onProgress?.(line);
    } catch {
      // A listener's error does not stop the task.
    }
  }

  /** A request the host rule refused: kept for the result, and a progress line. */
  refusal(refused: RefusedRequest): void {
    this.record(refused);
    this.line(refusedLine(refused));
  }

  /** Keeps a refused request for the result (its line was printed already). */
  record(refused: RefusedRequest): void {
    if (this.refused.length < 200) this.refused.push(refused);
  }

  private step(line: AgentStepLine): void {
    this.iterations++;
    if (line.usage) {
      this.usage.inputTokens += line.usage.inputTokens;
      this.usage.outputTokens += line.usage.outputTokens;
    }
    if (
      this.firstPageMs === undefined &&
      line.kind === 'command' &&
      line.exitCode === 0 &&
      /^\s*(open|goto)\b/i.test(line.command)
    )
      this.firstPageMs = Date.now() - this.started;
    const step: Step = {
      index: line.index,
      depth: 0,
      kind: line.kind,
      thoughts: line.thoughts,
      command: line.command,
      modelDurationMs: line.modelDurationMs,
      ...(line.exitCode === undefined ? {} : { exitCode: line.exitCode }),
      ...(line.output === undefined ? {} : { output: line.output }),
      ...(line.problem === undefined ? {} : { problem: line.problem }),
      ...(line.commandDurationMs === undefined
        ? {}
        : { commandDurationMs: line.commandDurationMs }),
      ...(line.usage ? { usage: line.usage } : {}),
    };
    this.steps.push(step);
    try {
      this.options.onStep?.(step);
    } catch {
      // ignored, as in @bots/core
    }
  }
}
