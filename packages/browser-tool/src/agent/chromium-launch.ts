import type { Browser, Page } from 'playwright-core';
import { BrowserError } from '../browser-error.js';
import { chromiumEnvironment, chromiumFlags } from '../launch-flags.js';

/** How to launch Chromium for the browser agent. */
export interface ChromiumLaunchOptions {
  /** Chromium binary. */
  executablePath: string;
  /** The network guard every request goes through: `http://127.0.0.1:<port>`. */
  proxyServer: string;
  /**
   * Try Chromium's own sandbox first (when undefined: no, and the started line does not mention
   * it). When it cannot start, the launch says so through `onNote` and runs with `--no-sandbox`.
   */
  chromiumSandbox: boolean | undefined;
  /** Receives one-line notes: the sandbox fallback, and `Browser started (<n> ms...)`. */
  onNote: (line: string) => void;
}

/** A launched Chromium with one page, in a fresh temporary profile. */
export interface LaunchedChromium {
  browser: Browser;
  page: Page;
}

/**
 * Launches headless Chromium behind the network guard, with no service workers and only the
 * environment variables Chromium needs (none of this process's keys). Rejects with a
 * `BrowserError` that says how to fix a browser that does not start.
 */
export async function launchChromium(options: ChromiumLaunchOptions): Promise<LaunchedChromium> {
  const { chromium } = await import('playwright-core');
  const launchStarted = Date.now();
  // playwright gives the browser a fresh temporary profile of its own.
  const launch = (chromiumSandbox: boolean) =>
    chromium.launch({
      executablePath: options.executablePath,
      headless: true,
      args: chromiumFlags({ proxyServer: options.proxyServer, chromiumSandbox }),
      // Not this process's environment (keys, IDENTITY_HEADER, ...): what Chromium needs.
      env: chromiumEnvironment(process.env),
      // playwright adds --no-sandbox itself unless told otherwise.
      chromiumSandbox,
      timeout: 60_000,
    });
  let sandboxed = options.chromiumSandbox === true;
  let browser: Browser;
  try {
    try {
      browser = await launch(sandboxed);
    } catch (error) {
      if (!sandboxed) throw error;
      const why = sandboxFailureReason(error);
      options.onNote(
        `Chromium's own sandbox does not start here${why ? ` (${why.slice(0, 200)})` : ''}; running Chromium with --no-sandbox`,
      );
      sandboxed = false;
      browser = await launch(false);
    }
  } catch (error) {
    const detail = (error instanceof Error ? error.message : String(error))
      .split('\n')
      .slice(0, 3)
      .join(' ');
    throw new BrowserError(
      `Chromium at ${options.executablePath} could not be started: ${detail.replace(/\.+$/, '')}. Install Chromium there or point CHROMIUM_PATH (executablePath) at it, or run the task with the browser image in Docker.`,
    );
  }
  let page: Page;
  try {
    const context = await browser.newContext({ serviceWorkers: 'block' });
    page = await context.newPage();
  } catch (error) {
    await browser.close().catch(() => undefined);
    throw error;
  }
  const sandboxNote =
    options.chromiumSandbox === undefined
      ? ''
      : `; Chromium's own sandbox ${sandboxed ? 'on' : 'off'}`;
  options.onNote(`Browser started (${Date.now() - launchStarted} ms${sandboxNote})`);
  return { browser, page };
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
