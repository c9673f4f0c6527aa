import type { CommandResult, Environment, ExecuteOptions } from '@bots/core/loop';
import type { Browser, Page } from 'playwright-core';
import { BrowserError } from '../browser-error.js';
import { parseHostRule } from '../host-rule.js';
import {
  type NetworkGuard,
  type RefusedRequest,
  refusedLine,
  startNetworkGuard,
} from '../network-guard.js';
import { parseBrowserCommand, performAction } from './browser-actions.js';
import { launchChromium } from './chromium-launch.js';
import { describeSnapshot, snapshotPage } from './page-snapshot.js';

/** Options of {@link BrowserEnvironment}. */
export interface BrowserEnvironmentOptions {
  /** Chromium binary (default `/usr/bin/chromium`). */
  executablePath?: string;
  /**
   * The host rule's entries (see `HostRule`): what pages may reach. Enforced by a network guard
   * this environment starts for its browser, unless `proxyServer` names one that runs elsewhere.
   */
  allowHosts?: readonly string[];
  /**
   * A network guard that already enforces the host rule (the docker runner's, on the host,
   * reached through the container's relay): `http://127.0.0.1:<port>`. `allowHosts` is then
   * not used here.
   */
  proxyServer?: string;
  /** Each request the environment's own network guard refused (not called with `proxyServer`). */
  onRefused?: (refused: RefusedRequest) => void;
  /** Timeout of one browser action, in milliseconds (default 15 000). */
  actionTimeoutMs?: number;
  /** Page text described after an action, in characters (default 4000; `read` gets four times as much). */
  maxPageChars?: number;
  /** Keep Chromium's own sandbox (see `BrowserAgentOptions.chromiumSandbox`). */
  chromiumSandbox?: boolean;
  /** Receives one-line notes: the browser started, a refused request, the sandbox fallback. */
  onNote?: (line: string) => void;
}

/** Default timeout of one browser action, in milliseconds. */
export const DEFAULT_ACTION_TIMEOUT_MS = 15_000;
/** Default page text described after an action, in characters. */
export const DEFAULT_MAX_PAGE_CHARS = 4_000;

/**
 * Headless Chromium as an `Environment` of `@bots/core`, so that core's agent loop drives it:
 * `execute(command)` parses a browser command (`open <url>`, `click <n>`, ... see
 * `BROWSER_COMMANDS`), performs it and answers with exit code 0 and a description of the page
 * (exit code 1 and the error, then the page, when the command is wrong or the action fails).
 * Every request of the browser goes through a network guard that enforces the host rule.
 * `start()` launches the browser (call it early: it may run while the model thinks); `dispose()`
 * closes the browser and the guard.
 */
export class BrowserEnvironment implements Environment {
  readonly kind = 'browser';
  readonly #options: BrowserEnvironmentOptions;
  readonly #actionTimeoutMs: number;
  readonly #maxPageChars: number;
  #starting: Promise<Page> | undefined;
  #launched = false;
  #disposed = false;
  #browser: Browser | undefined;
  #page: Page | undefined;
  #guard: NetworkGuard | undefined;

  constructor(options: BrowserEnvironmentOptions = {}) {
    this.#options = options;
    this.#actionTimeoutMs = options.actionTimeoutMs ?? DEFAULT_ACTION_TIMEOUT_MS;
    this.#maxPageChars = options.maxPageChars ?? DEFAULT_MAX_PAGE_CHARS;
  }

  /** The URL of the page (`about:blank` before the first page). */
  get url(): string {
    return this.#page?.url() ?? 'about:blank';
  }

  /** Starts the network guard (when this environment runs its own) and launches Chromium. Idempotent. */
  async start(): Promise<void> {
    if (this.#disposed)
      throw new BrowserError(
        'The browser environment was disposed: create a new BrowserEnvironment for another task.',
      );
    if (!this.#starting) {
      this.#starting = this.#launch().finally(() => {
        this.#launched = true;
      });
      this.#starting.catch(() => undefined); // awaited by execute; never unhandled
    }
    await this.#starting;
  }

  /** Parses and performs one browser command; answers with the page's description. */
  async execute(command: string, options: ExecuteOptions = {}): Promise<CommandResult> {
    const started = Date.now();
    const action = parseBrowserCommand(command);
    let exitCode = 0;
    let output: string;
    if (typeof action === 'string') {
      exitCode = 1;
      output = `Error: ${action}.`;
    } else {
      await this.start();
      const page = this.#page as Page;
      try {
        await performAction(page, action, this.#actionTimeoutMs);
        const maxChars = action.kind === 'read' ? this.#maxPageChars * 4 : this.#maxPageChars;
        output = describeSnapshot(await snapshotPage(page, maxChars));
      } catch (error) {
        if (options.signal?.aborted) throw options.signal.reason;
        exitCode = 1;
        const message =
          (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
        output = `Error: ${message}`;
        try {
          output += `\n${describeSnapshot(await snapshotPage(page, this.#maxPageChars))}`;
        } catch {
          // The page is gone; the error says enough.
        }
      }
    }
    return {
      exitCode,
      output,
      timedOut: false,
      truncated: false,
      durationMs: Date.now() - started,
    };
  }

  /** Refuses: a browser has no file system to copy into. */
  async copyIn(hostPath: string, sandboxPath: string): Promise<void> {
    throw new BrowserError(
      `The browser environment cannot copy ${hostPath} to ${sandboxPath}: it runs browser commands, not a shell, and has no file system. Serve the file on an allowed host and open its URL, or use a DockerEnvironment or LocalEnvironment for file work.`,
    );
  }

  /**
   * Closes the browser, then the network guard. A browser still starting (the model answered, or
   * failed, first) is closed once it is up, without waiting for it. Idempotent, never throws.
   */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    const close = async () => {
      await this.#browser?.close().catch(() => undefined);
      await this.#guard?.close().catch(() => undefined);
    };
    if (this.#starting && !this.#launched) void this.#starting.then(close, close);
    else await close();
  }

  async #launch(): Promise<Page> {
    const options = this.#options;
    const onNote = (line: string) => options.onNote?.(line);
    let proxyServer = options.proxyServer;
    if (!proxyServer) {
      this.#guard = await startNetworkGuard({
        rule: parseHostRule(options.allowHosts ?? []),
        listen: { port: 0 },
        onRefused: (refused) => {
          onNote(refusedLine(refused));
          options.onRefused?.(refused);
        },
      });
      proxyServer = this.#guard.proxyUrl ?? '';
    }
    const { browser, page } = await launchChromium({
      executablePath: options.executablePath ?? '/usr/bin/chromium',
      proxyServer,
      chromiumSandbox: options.chromiumSandbox,
      onNote,
    });
    this.#browser = browser;
    this.#page = page;
    return page;
  }
}
