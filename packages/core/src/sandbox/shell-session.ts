import type { Readable, Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { CommandResult } from '../environment.js';
import { DEFAULT_OUTPUT_LIMIT, OutputCapper } from './cap-output.js';
import { SandboxError } from './errors.js';
import {
  protocolMessage,
  protocolToken,
  SENTINEL_MAX_LENGTH,
  SHELL_PRELUDE,
  sentinelPattern,
} from './shell-prelude.js';

/** A running bash process the session talks to; made by a sandbox (docker exec, bwrap child). */
export interface ShellProcess {
  /** The shell's stdin. */
  readonly input: Writable;
  /** The shell's stdout and stderr, merged. */
  readonly output: Readable;
  /** Settles once the shell has ended and its output is drained, with its exit code if known. */
  readonly exited: Promise<number | undefined>;
  /** Kills the shell and every process it started. */
  kill(): Promise<void>;
}

/** Options of a {@link ShellSession}. */
export interface ShellSessionOptions {
  /** Starts a new shell (first command, and after the shell died). */
  start: () => Promise<ShellProcess>;
  /** Directory the shell starts in. */
  initialDirectory?: string;
  /** Cap on the characters of output returned per command (head and tail kept). */
  outputLimit?: number;
  /** Timeout of commands that do not set their own; 0 for none. */
  defaultTimeoutMs?: number;
  /**
   * How long after a command's timeout the host waits for the in-shell watchdog before it kills
   * the whole shell (a builtin loop has no process the watchdog can kill).
   */
  graceMs?: number;
}

/** Options of one {@link ShellSession.run}. */
export interface RunOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

// Output held back until the next chunk, so that an end line split across chunks is still seen.
const HOLD_BACK = SENTINEL_MAX_LENGTH;
const RESET_NOTE =
  '[note: a new shell was started: the working directory and environment were reset]';
const START_TIMEOUT_MS = 30_000;

interface PendingCommand {
  pattern: RegExp;
  capper: OutputCapper;
  carry: string;
  finish: (exitCode: number, timedOut: boolean) => void;
  shellEnded: (exitCode: number | undefined) => void;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}

/**
 * Drives one persistent bash through the sentinel protocol of {@link SHELL_PRELUDE}: one command
 * at a time, `cd` and `export` persist, exit code per command, output capped, per-command
 * timeout (exit 124, the shell stays), and a transparent restart when the shell dies.
 */
export class ShellSession {
  readonly #options: ShellSessionOptions;
  #shell: ShellProcess | undefined;
  #starting: Promise<ShellProcess> | undefined;
  #decoder = new StringDecoder('utf8');
  #pending: PendingCommand | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #note: string | undefined;
  #closed = false;
  #everStarted = false;

  constructor(options: ShellSessionOptions) {
    this.#options = options;
  }

  /** Starts the shell now (otherwise the first command does). */
  async ensureStarted(signal?: AbortSignal): Promise<void> {
    await this.#ensureShell(signal);
  }

  /** Runs one command; commands are queued and run one at a time. */
  run(command: string, options: RunOptions = {}): Promise<CommandResult> {
    const next = this.#queue.then(() => this.#run(command, options));
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /** Kills the shell; the session cannot be used afterwards. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#killShell();
  }

  async #ensureShell(signal?: AbortSignal): Promise<ShellProcess> {
    if (this.#closed) throw new SandboxError('This sandbox was disposed; create a new one.');
    if (this.#shell) return this.#shell;
    if (!this.#starting) {
      this.#starting = this.#startShell().finally(() => {
        this.#starting = undefined;
      });
    }
    if (!signal) return this.#starting;
    signal.throwIfAborted();
    return await new Promise<ShellProcess>((resolve, reject) => {
      const onAbort = () => reject(abortReason(signal));
      signal.addEventListener('abort', onAbort, { once: true });
      this.#starting!.then(resolve, reject).finally(() =>
        signal.removeEventListener('abort', onAbort),
      );
    });
  }

  async #startShell(): Promise<ShellProcess> {
    const shell = await this.#options.start();
    this.#decoder = new StringDecoder('utf8');
    shell.output.on('data', (chunk: Buffer | string) => {
      if (this.#shell !== shell) return;
      this.#onText(typeof chunk === 'string' ? chunk : this.#decoder.write(chunk));
    });
    shell.output.on('error', () => undefined);
    shell.input.on('error', () => undefined);
    void shell.exited.then((code) => {
      if (this.#shell !== shell) return;
      this.#shell = undefined;
      const pending = this.#pending;
      this.#pending = undefined;
      pending?.shellEnded(code);
    });
    this.#shell = shell;
    const directory = this.#options.initialDirectory;
    const cd = directory ? `cd -- '${directory.replaceAll("'", `'\\''`)}' 2>/dev/null\n` : '';
    shell.input.write(SHELL_PRELUDE + cd);
    const ready = await this.#exchange(shell, ':', START_TIMEOUT_MS, undefined);
    if (ready.exitCode !== 0 || this.#shell !== shell) {
      await shell.kill().catch(() => undefined);
      this.#shell = undefined;
      throw new SandboxError(
        `The sandbox shell did not start (exit code ${ready.exitCode}): ${ready.output.slice(0, 500)}`,
      );
    }
    if (this.#everStarted && !this.#note) {
      this.#note = RESET_NOTE;
    }
    this.#everStarted = true;
    return shell;
  }

  #onText(text: string): void {
    const pending = this.#pending;
    if (!pending) return;
    const window = pending.carry + text;
    const match = pending.pattern.exec(window);
    if (match) {
      pending.capper.push(window.slice(0, match.index));
      pending.carry = '';
      this.#pending = undefined;
      pending.finish(Number(match[1]), match[2] === '1');
      return;
    }
    const keep = Math.min(HOLD_BACK, window.length);
    pending.capper.push(window.slice(0, window.length - keep));
    pending.carry = window.slice(window.length - keep);
  }

  async #killShell(): Promise<void> {
    const shell = this.#shell;
    this.#shell = undefined;
    const pending = this.#pending;
    this.#pending = undefined;
    pending?.shellEnded(undefined);
    if (shell) await shell.kill().catch(() => undefined);
  }

  async #run(command: string, options: RunOptions): Promise<CommandResult> {
    const { signal } = options;
    signal?.throwIfAborted();
    const timeoutMs = options.timeoutMs ?? this.#options.defaultTimeoutMs ?? 0;
    const shell = await this.#ensureShell(signal);
    const note = this.#note;
    this.#note = undefined;
    const result = await this.#exchange(shell, command, timeoutMs, signal);
    if (note) result.output = `${note}\n${result.output}`;
    return result;
  }

  #exchange(
    shell: ShellProcess,
    command: string,
    timeoutMs: number,
    signal: AbortSignal | undefined,
  ): Promise<CommandResult> {
    const nonce = protocolToken();
    const capper = new OutputCapper(this.#options.outputLimit ?? DEFAULT_OUTPUT_LIMIT);
    const started = performance.now();
    const graceMs = this.#options.graceMs ?? 3_000;

    return new Promise<CommandResult>((resolve, reject) => {
      let hardTimer: NodeJS.Timeout | undefined;
      const cleanup = () => {
        if (hardTimer) clearTimeout(hardTimer);
        signal?.removeEventListener('abort', onAbort);
      };
      const settle = (exitCode: number, timedOut: boolean, note?: string) => {
        cleanup();
        const { output, truncated } = capper.result();
        resolve({
          exitCode,
          output: note ? `${output}${output && !output.endsWith('\n') ? '\n' : ''}${note}` : output,
          timedOut,
          truncated,
          durationMs: Math.round(performance.now() - started),
        });
      };
      const pending: PendingCommand = {
        pattern: sentinelPattern(nonce),
        capper,
        carry: '',
        finish: (exitCode, timedOut) =>
          settle(
            exitCode,
            timedOut,
            timedOut ? `[timed out after ${timeoutMs} ms; the command was killed]` : undefined,
          ),
        shellEnded: (code) => {
          capper.push(pending.carry);
          pending.carry = '';
          if (this.#everStarted) this.#note = RESET_NOTE;
          settle(
            code ?? 1,
            false,
            `[the shell ended${code === undefined ? '' : ` with exit code ${code}`}; a new shell will run the next command]`,
          );
        },
      };
      const onAbort = () => {
        cleanup();
        if (this.#pending === pending) this.#pending = undefined;
        void this.#killShell();
        reject(abortReason(signal!));
      };
      if (timeoutMs > 0) {
        hardTimer = setTimeout(() => {
          if (this.#pending !== pending) return;
          this.#pending = undefined;
          capper.push(pending.carry);
          void this.#killShell();
          this.#note = RESET_NOTE;
          settle(
            124,
            true,
            `[timed out after ${timeoutMs} ms; the command could not be stopped on its own, so the shell was killed]`,
          );
        }, timeoutMs + graceMs);
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#pending = pending;
      shell.input.write(protocolMessage(nonce, protocolToken(), command, timeoutMs));
    });
  }
}
