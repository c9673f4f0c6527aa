import { BotsError, redact, redactForModel } from '@bots/auth';
import {
  DEFAULT_COMMAND_TIMEOUT_MS,
  type RunStatus,
  runAgentLoop,
  type Step,
} from '@bots/core/loop';
import type { ChatModel } from '@bots/providers';
import { type AgentStepLine, FINAL_RESULT_MARKER, formatStepLine } from '../agent-output.js';
import { BrowserError } from '../browser-error.js';
import type { RefusedRequest } from '../network-guard.js';
import {
  BrowserEnvironment,
  DEFAULT_ACTION_TIMEOUT_MS,
  DEFAULT_MAX_PAGE_CHARS,
} from './browser-environment.js';
import { browserSystemPrompt } from './browser-system-prompt.js';
import { browserAgentModel } from './forwarded-model-error.js';

/** Options of {@link runBrowserAgent}. */
export interface BrowserAgentOptions {
  /** The task in plain words. */
  task: string;
  /** The chat model that picks the actions. */
  model: ChatModel;
  /** Receives every output line (step lines, notes, and `Final Result: ...` last). */
  emit: (line: string) => void;
  /** Chromium binary (default `/usr/bin/chromium`). */
  executablePath?: string;
  /**
   * The host rule's entries (see `HostRule`): what pages may reach. Enforced by a network guard
   * this agent starts for its browser, unless `proxyServer` names one that runs elsewhere.
   */
  allowHosts?: readonly string[];
  /**
   * A network guard that already enforces the host rule (the docker runner's, on the host,
   * reached through the container's relay): `http://127.0.0.1:<port>`. `allowHosts` is then
   * not used here.
   */
  proxyServer?: string;
  /** Each request the agent's own network guard refused (not called with `proxyServer`). */
  onRefused?: (refused: RefusedRequest) => void;
  /** Most model calls (default 20). */
  maxSteps?: number;
  /** Sampling temperature (provider default when omitted). */
  temperature?: number;
  /** Timeout of one browser action, in milliseconds (default 15 000). */
  actionTimeoutMs?: number;
  /** Page text sent to the model after an action, in characters (default 4000). */
  maxPageChars?: number;
  /** Stops the agent (the browser is closed). */
  signal?: AbortSignal;
  /**
   * Keep Chromium's own sandbox (default false: in the image the container is the sandbox). When
   * it cannot start (no user namespaces, or running as root), the agent says so in one line and
   * runs Chromium with `--no-sandbox`.
   */
  chromiumSandbox?: boolean;
}

/** How the agent ended. */
export interface BrowserAgentOutcome {
  /** `success` when the model answered; otherwise why it stopped (as a run of `@bots/core`). */
  status: RunStatus;
  /** The answer, on success. */
  answer?: string;
  /** Why it did not succeed: the error class's name and a redacted sentence. */
  error?: { name: string; message: string };
  /** Number of step lines emitted (model calls). */
  steps: number;
}

/** Most characters of a step's output on its step line (the model gets the whole description). */
const STEP_LINE_OUTPUT_CHARS = 2_000;

/**
 * Drives Chromium with the agent loop of `@bots/core`: a {@link BrowserEnvironment} runs the
 * model's browser commands and describes the page. Emits one step line per model call and
 * `Final Result: <answer>` as its last line on success (`Final Error: <name>: <message>`
 * otherwise). The same code runs in the container (`main.ts`) and in the local runner. It never
 * throws for model or browser failures: they are in the outcome.
 */
export async function runBrowserAgent(options: BrowserAgentOptions): Promise<BrowserAgentOutcome> {
  const emit = (line: string) => options.emit(redactForModel(line));
  const actionTimeoutMs = options.actionTimeoutMs ?? DEFAULT_ACTION_TIMEOUT_MS;
  const maxPageChars = options.maxPageChars ?? DEFAULT_MAX_PAGE_CHARS;
  const environment = new BrowserEnvironment({
    ...(options.executablePath ? { executablePath: options.executablePath } : {}),
    ...(options.allowHosts ? { allowHosts: options.allowHosts } : {}),
    ...(options.proxyServer ? { proxyServer: options.proxyServer } : {}),
    ...(options.onRefused ? { onRefused: options.onRefused } : {}),
    ...(options.chromiumSandbox === undefined ? {} : { chromiumSandbox: options.chromiumSandbox }),
    actionTimeoutMs,
    maxPageChars,
    onNote: emit,
  });
  // The browser starts while the model thinks about its first action: the two are independent,
  // so the first page is reached after max(browser start, first model call), not their sum.
  if (!options.signal?.aborted) environment.start().catch(() => undefined);
  try {
    const result = await runAgentLoop({
      task: `Task: ${options.task}\n\nThe browser shows an empty page (about:blank).`,
      systemPrompt: browserSystemPrompt(),
      model: browserAgentModel(options.model, options.temperature),
      environment,
      maxIterations: options.maxSteps ?? 20,
      // An action, the wait for its page and the page's description each have actionTimeoutMs.
      commandTimeoutMs: Math.max(DEFAULT_COMMAND_TIMEOUT_MS, 4 * actionTimeoutMs),
      // Room for the whole text of `read` (four times maxPageChars) and the numbered elements.
      maxOutputChars: 8 * maxPageChars,
      ...(options.signal ? { signal: options.signal } : {}),
      onStep: (step) => emit(formatStepLine(stepLineOf(step, environment.url))),
    });
    if (result.status === 'success') {
      const answer = result.result ?? '';
      emit(`${FINAL_RESULT_MARKER} ${answer}`);
      return { status: 'success', answer, steps: result.steps.length };
    }
    const error = result.error ?? {
      name: BrowserError.name,
      message: `The browser task ended with status ${result.status} and no error; report this as a bug.`,
    };
    return fail(emit, result.status, error, result.steps.length);
  } catch (error) {
    // runAgentLoop rejects for invalid options only (a ConfigurationError, e.g. maxSteps 0).
    const name = error instanceof BotsError ? error.name : BrowserError.name;
    const message = error instanceof Error ? error.message : String(error);
    return fail(emit, 'failed', { name, message: redact(message) }, 0);
  } finally {
    await environment.dispose();
  }
}

function fail(
  emit: (line: string) => void,
  status: RunStatus,
  error: { name: string; message: string },
  steps: number,
): BrowserAgentOutcome {
  // One line: the host reads `Final Error: <name>: <message>` line by line.
  emit(`Final Error: ${error.name}: ${error.message.replace(/\s*\n\s*/g, ' ')}`);
  return { status, error, steps };
}

/** A step of core's loop as the agent prints it (what the host's `OutputCollector` reads). */
function stepLineOf(step: Step, url: string): AgentStepLine {
  const line: AgentStepLine = {
    index: step.index,
    kind: step.kind === 'tool' ? 'command' : step.kind,
    thoughts: step.thoughts,
    command: step.command,
    modelDurationMs: step.modelDurationMs,
  };
  if (step.problem !== undefined) line.problem = step.problem;
  if (step.kind === 'command' || step.kind === 'tool') {
    const output = step.output ?? '';
    line.exitCode = step.exitCode ?? 0;
    line.output =
      output.length > STEP_LINE_OUTPUT_CHARS
        ? `${output.slice(0, STEP_LINE_OUTPUT_CHARS)}…`
        : output;
    line.url = url;
    if (step.commandDurationMs !== undefined) line.commandDurationMs = step.commandDurationMs;
  }
  if (step.usage) line.usage = step.usage;
  return line;
}
