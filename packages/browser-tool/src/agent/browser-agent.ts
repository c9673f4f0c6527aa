import { redact, redactForModel } from '@bots/auth';
import { correctiveMessage, parseReply, REPLY_SHAPE } from '@bots/core';
import type { ChatMessage, ChatModel } from '@bots/providers';
import type { Browser, Page } from 'playwright-core';
import { type AgentStepLine, FINAL_RESULT_MARKER, formatStepLine } from '../agent-output.js';
import { parseHostRule } from '../host-rule.js';
import { chromiumEnvironment, chromiumFlags } from '../launch-flags.js';
import {
  type NetworkGuard,
  type RefusedRequest,
  refusedLine,
  startNetworkGuard,
} from '../network-guard.js';
import { BROWSER_COMMANDS, parseBrowserCommand, performAction } from './browser-actions.js';
import { describeSnapshot, snapshotPage } from './page-snapshot.js';

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
  status: 'success' | 'failed';
  answer?: string;
  error?: { name: string; message: string };
  steps: number;
}

const MAX_CORRECTIONS = 3;

/** The system prompt of the browser agent. */
export function browserSystemPrompt(): string {
  return [
    "You are a browser agent. You control a headless Chromium browser, one command per reply, to complete the user's task.",
    `Every reply is exactly one JSON object of the shape ${REPLY_SHAPE} and nothing else.`,
    'To act: {"task_done": false, "thoughts": "<why>", "command": "<browser command>"}.',
    'When the task is done: {"task_done": true, "thoughts": "<the answer, complete and self-contained>", "command": ""}.',
    'Browser commands:',
    ...BROWSER_COMMANDS.map((line) => `  ${line}`),
    'After each command you get "Exit code: 0" (or 1 with the error) and a description of the page: its URL, title, visible text and numbered elements [n].',
    'Element numbers change with every description: use the numbers of the latest one.',
  ].join('\n');
}

function abortError(signal: AbortSignal): Error {
  const reason = signal.reason;
  return reason instanceof Error ? reason : new Error('The browser task was aborted.');
}

/**
 * Drives Chromium step by step with model-chosen actions and emits `Final Result: <answer>` as
 * its last line on success. The same code runs in the container (`main.ts`) and in the local
 * runner. It never throws for model or browser failures: they are in the outcome.
 */
export async function runBrowserAgent(options: BrowserAgentOptions): Promise<BrowserAgentOutcome> {
  const maxSteps = options.maxSteps ?? 20;
  const actionTimeoutMs = options.actionTimeoutMs ?? 15_000;
  const maxPageChars = options.maxPageChars ?? 4_000;
  const emit = (line: string) => options.emit(redactForModel(line));
  const signal = options.signal;
  let browser: Browser | undefined;
  let guard: NetworkGuard | undefined;
  const onAbort = () => void browser?.close().catch(() => undefined);
  signal?.addEventListener('abort', onAbort, { once: true });
  let index = 0;
  // The browser starts while the model thinks about its first action: the two are independent,
  // so the first page is reached after max(browser start, first model call), not their sum.
  let launching: Promise<Page> | undefined;
  let launched = false;
  try {
    if (signal?.aborted) throw abortError(signal);
    let proxyServer = options.proxyServer;
    if (!proxyServer) {
      guard = await startNetworkGuard({
        rule: parseHostRule(options.allowHosts ?? []),
        listen: { port: 0 },
        onRefused: (refused) => {
          emit(refusedLine(refused));
          options.onRefused?.(refused);
        },
      });
      proxyServer = guard.proxyUrl ?? '';
    }
    const proxy = proxyServer;
    launching = (async () => {
      const { chromium } = await import('playwright-core');
      const launchStarted = Date.now();
      // playwright gives the browser a fresh temporary profile of its own.
      const launch = (chromiumSandbox: boolean) =>
        chromium.launch({
          executablePath: options.executablePath ?? '/usr/bin/chromium',
          headless: true,
          args: chromiumFlags({ proxyServer: proxy, chromiumSandbox }),
          // Not this process's environment (keys, IDENTITY_HEADER, ...): what Chromium needs.
          env: chromiumEnvironment(process.env),
          // playwright adds --no-sandbox itself unless told otherwise.
          chromiumSandbox,
          timeout: 60_000,
        });
      let sandboxed = options.chromiumSandbox === true;
      try {
        browser = await launch(sandboxed);
      } catch (error) {
        if (!sandboxed || signal?.aborted) throw error;
        const why = sandboxFailureReason(error);
        emit(
          `Chromium's own sandbox does not start here${why ? ` (${why.slice(0, 200)})` : ''}; running Chromium with --no-sandbox`,
        );
        sandboxed = false;
        browser = await launch(false);
      }
      if (signal?.aborted) throw abortError(signal);
      const context = await browser.newContext({ serviceWorkers: 'block' });
      const page = await context.newPage();
      const sandboxNote =
        options.chromiumSandbox === undefined
          ? ''
          : `; Chromium's own sandbox ${sandboxed ? 'on' : 'off'}`;
      emit(`Browser started (${Date.now() - launchStarted} ms${sandboxNote})`);
      return page;
    })().finally(() => {
      launched = true;
    });
    launching.catch(() => undefined); // awaited before the first action; never unhandled
    let page: Page | undefined;
    const messages: ChatMessage[] = [
      { role: 'system', content: browserSystemPrompt() },
      {
        role: 'user',
        content: `Task: ${redactForModel(options.task)}\n\nThe browser shows an empty page (about:blank).`,
      },
    ];
    let corrections = 0;
    for (let calls = 0; calls < maxSteps; calls++) {
      if (signal?.aborted) throw abortError(signal);
      const modelStarted = Date.now();
      const response = await options.model.complete({
        messages,
        json: true,
        signal,
        ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
      });
      const modelDurationMs = Date.now() - modelStarted;
      messages.push({ role: 'assistant', content: response.text });
      const parsed = parseReply(response.text);
      const usage = response.usage;
      if (!parsed.ok) {
        corrections++;
        const step: AgentStepLine = {
          index: index++,
          kind: 'format-error',
          thoughts: '',
          command: '',
          problem: parsed.problem,
          modelDurationMs,
          ...(usage ? { usage } : {}),
        };
        emit(formatStepLine(step));
        if (corrections > MAX_CORRECTIONS) {
          return fail(
            emit,
            index,
            'ModelFormatError',
            `The model broke the reply format ${corrections} times in a row; last problem: ${parsed.problem}.`,
          );
        }
        messages.push({
          role: 'user',
          content: correctiveMessage(parsed.problem, corrections, MAX_CORRECTIONS),
        });
        continue;
      }
      corrections = 0;
      const reply = parsed.reply;
      if (reply.taskDone) {
        emit(
          formatStepLine({
            index: index++,
            kind: 'answer',
            thoughts: reply.thoughts,
            command: '',
            modelDurationMs,
            ...(usage ? { usage } : {}),
          }),
        );
        emit(`${FINAL_RESULT_MARKER} ${reply.thoughts}`);
        return { status: 'success', answer: reply.thoughts, steps: index };
      }
      const commandStarted = Date.now();
      const action = parseBrowserCommand(reply.command);
      let exitCode = 0;
      let output: string;
      if (typeof action === 'string') {
        exitCode = 1;
        output = `Error: ${action}.`;
      } else {
        page ??= await launching;
        try {
          await performAction(page, action, actionTimeoutMs);
          const snapshot = await snapshotPage(
            page,
            action.kind === 'read' ? maxPageChars * 4 : maxPageChars,
          );
          output = describeSnapshot(snapshot);
        } catch (error) {
          if (signal?.aborted) throw abortError(signal);
          exitCode = 1;
          const message =
            (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
          output = `Error: ${message}`;
          try {
            if (page) output += `\n${describeSnapshot(await snapshotPage(page, maxPageChars))}`;
          } catch {
            // The page is gone; the error says enough.
          }
        }
      }
      const step: AgentStepLine = {
        index: index++,
        kind: 'command',
        thoughts: reply.thoughts,
        command: reply.command,
        exitCode,
        output: output.length > 2_000 ? `${output.slice(0, 2_000)}…` : output,
        url: page?.url() ?? 'about:blank',
        modelDurationMs,
        commandDurationMs: Date.now() - commandStarted,
        ...(usage ? { usage } : {}),
      };
      emit(formatStepLine(step));
      messages.push({
        role: 'user',
        content: `Exit code: ${exitCode}\nOutput:\n${redactForModel(output)}`,
      });
    }
    return fail(
      emit,
      index,
      'MaxIterationsError',
      `The browser agent made ${maxSteps} model calls without finishing the task.`,
    );
  } catch (error) {
    if (signal?.aborted) {
      return fail(emit, index, 'RunAbortedError', 'The browser task was aborted.');
    }
    const name = error instanceof Error ? error.name : 'Error';
    const message = error instanceof Error ? error.message : String(error);
    return fail(
      emit,
      index,
      name === 'Error' ? 'BrowserAgentError' : name,
      message.split('\n').slice(0, 3).join(' '),
    );
  } finally {
    signal?.removeEventListener('abort', onAbort);
    const close = () => browser?.close().catch(() => undefined);
    // A browser still starting (the model answered, or failed, first) is closed once it is up.
    const closeGuard = () => guard?.close();
    if (launching && !launched) void launching.then(close, close).then(closeGuard, closeGuard);
    else {
      await close();
      await closeGuard();
    }
  }
}

function fail(
  emit: (line: string) => void,
  steps: number,
  name: string,
  message: string,
): BrowserAgentOutcome {
  emit(`Final Error: ${name}: ${message}`);
  return { status: 'failed', error: { name, message: redact(message) }, steps };
}

/**
 * Why Chromium's sandbox did not start, in one line: Chromium's own words from its stderr as
 * playwright quotes it (`[pid=..][err] [..:ERROR:..] Running as root without --no-sandbox is not
 * supported. See https://...`), else playwright's summary line.
 */
function sandboxFailureReason(error: unknown): string | undefined {
  const lines = (error instanceof Error ? error.message : String(error))
    .split('\n')
    .map((line) => line.replace(/\u001b\[\d+m/g, '').trim());
  const chromiumSays = lines
    .filter((line) => line.includes('[err]') && /sandbox|namespace/i.test(line))
    .map((line) => line.replace(/^.*\]\s*/, '').replace(/\s*See https?:\S+$/, ''))
    .find((line) => line !== '');
  return chromiumSays ?? lines.find((line) => /sandbox/i.test(line));
}
