import { redact } from '@bots/auth';
import type { Step } from '@bots/core';
import type { ChatUsage } from '@bots/providers';

/** The most characters of a step's command or output kept in the result (head and tail). */
export const MAX_STEP_TEXT = 16_000;

/** The part of a session event the collector reads (the SDK's `SessionEvent`, loosely typed). */
export interface SessionEventLike {
  type: string;
  data?: unknown;
}

function cap(text: string, limit = MAX_STEP_TEXT): { text: string; truncated: boolean } {
  if (text.length <= limit) return { text, truncated: false };
  const half = Math.floor((limit - 40) / 2);
  const cut = text.length - 2 * half;
  return {
    text: `${text.slice(0, half)}\n[... ${cut} characters cut ...]\n${text.slice(-half)}`,
    truncated: true,
  };
}

const SHELL_TOOLS = new Set(['bash', 'shell', 'powershell', 'run_command', 'execute']);

function commandOf(name: string, args: unknown): string {
  if (args && typeof args === 'object') {
    const command = (args as Record<string, unknown>)['command'];
    if (typeof command === 'string') return command;
  }
  if (args === undefined) return name;
  return typeof args === 'string' ? args : JSON.stringify(args);
}

interface StartedTool {
  name: string;
  command: string;
  startedAt: number;
  modelDurationMs: number;
}

/**
 * Turns a Copilot session's events into the run's steps and usage: one step per tool execution
 * (`tool.execution_start` + `tool.execution_complete`: the command, its exit code or outcome, its
 * output, capped and redacted), token counts summed over `assistant.usage`, the last
 * `assistant.message`, and the session's errors.
 */
export class SessionEventCollector {
  readonly steps: Step[] = [];
  readonly usage: ChatUsage = { inputTokens: 0, outputTokens: 0 };
  /** Model calls the session reported (`assistant.usage` events). */
  modelCalls = 0;
  /** The last assistant message's content. */
  lastMessage: string | undefined;
  /** The last `session.error`'s message, redacted. */
  lastError: { type: string; message: string; statusCode?: number } | undefined;
  readonly #started = new Map<string, StartedTool>();
  #pendingModelMs = 0;
  readonly #now: () => number;
  readonly #onStep: ((step: Step) => void) | undefined;

  /** `onStep` is told of each step as it ends (a throw there is ignored: it is the caller's). */
  constructor(now: () => number = Date.now, onStep?: (step: Step) => void) {
    this.#now = now;
    this.#onStep = onStep;
  }

  /** Takes one event of `session.on(...)`. */
  take(event: SessionEventLike): void {
    const data = (event.data ?? {}) as Record<string, unknown>;
    switch (event.type) {
      case 'assistant.usage': {
        this.modelCalls += 1;
        this.usage.inputTokens += numberOr(data['inputTokens']);
        this.usage.outputTokens += numberOr(data['outputTokens']);
        this.#pendingModelMs += numberOr(data['duration']);
        break;
      }
      case 'assistant.message': {
        if (typeof data['content'] === 'string' && data['content'] !== '') {
          this.lastMessage = data['content'];
        }
        break;
      }
      case 'tool.execution_start': {
        const id = String(data['toolCallId'] ?? '');
        const name = String(data['toolName'] ?? 'tool');
        this.#started.set(id, {
          name,
          command: commandOf(name, data['arguments']),
          startedAt: this.#now(),
          modelDurationMs: this.#pendingModelMs,
        });
        this.#pendingModelMs = 0;
        break;
      }
      case 'tool.execution_complete': {
        const id = String(data['toolCallId'] ?? '');
        const started = this.#started.get(id);
        this.#started.delete(id);
        this.#addStep(started, data);
        break;
      }
      case 'session.error': {
        this.lastError = {
          type: String(data['errorType'] ?? 'error'),
          message: redact(String(data['message'] ?? 'The Copilot session failed.')),
          ...(typeof data['statusCode'] === 'number' ? { statusCode: data['statusCode'] } : {}),
        };
        break;
      }
      default:
        break;
    }
  }

  #addStep(started: StartedTool | undefined, data: Record<string, unknown>): void {
    const name = started?.name ?? String(data['toolName'] ?? 'tool');
    const success = data['success'] === true;
    const shell = data['shellExecution'] as { exitCode?: unknown } | undefined;
    const result = data['result'] as { content?: unknown } | undefined;
    const error = data['error'] as { message?: unknown } | undefined;
    const rawOutput =
      typeof result?.content === 'string'
        ? result.content
        : typeof error?.message === 'string'
          ? error.message
          : '';
    const output = cap(redact(rawOutput));
    const command = cap(redact(started?.command ?? name));
    const exitCode = typeof shell?.exitCode === 'number' ? shell.exitCode : success ? 0 : 1;
    const isCommand = SHELL_TOOLS.has(name) || shell !== undefined;
    const step: Step = {
      index: this.steps.length,
      depth: 0,
      kind: isCommand ? 'command' : 'tool',
      thoughts: '',
      command: command.text,
      exitCode,
      output: output.text,
      truncated: output.truncated || command.truncated,
      ...(isCommand ? {} : { tool: name }),
      modelDurationMs: started?.modelDurationMs ?? 0,
      ...(started ? { commandDurationMs: this.#now() - started.startedAt } : {}),
    };
    this.steps.push(step);
    try {
      this.#onStep?.(step);
    } catch {
      // The listener's failure is not the run's.
    }
  }
}

function numberOr(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
