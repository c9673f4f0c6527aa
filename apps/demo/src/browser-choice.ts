import { existsSync } from 'node:fs';
import { ConfigurationError, type Env } from '@bots/auth';
import type { BrowserRunner } from '@bots/browser-tool';
import { probeDocker } from './docker-probe.js';
import { DOCKER_INSTALL_HINT } from './sandbox-choice.js';

/** Where Chromium is for the local runner (`CHROMIUM_PATH`, else Debian's). */
export function chromiumPath(env: Env): string {
  return env.CHROMIUM_PATH || '/usr/bin/chromium';
}

const CHROMIUM_HINT = 'install Chromium (apt-get install -y chromium) or set CHROMIUM_PATH';

/** The browser `bots browse` would use, and why. */
export interface BrowserChoice {
  runner: BrowserRunner;
  /** One line, e.g. `this host's Chromium at /usr/bin/chromium, no container (docker: ...)`. */
  reason: string;
}

/**
 * Docker (the browser image) when an engine answers, else this host's Chromium; `--sandbox`
 * forces one. A `ConfigurationError` says what to install when there is neither.
 */
export async function chooseBrowserRunner(
  flag: BrowserRunner | undefined,
  env: Env,
): Promise<BrowserChoice> {
  const chromium = chromiumPath(env);
  if (flag === 'local') {
    if (!existsSync(chromium))
      throw new ConfigurationError(
        `--sandbox local: no Chromium at ${chromium}. To fix it, ${CHROMIUM_HINT}; or use --sandbox docker with a running Docker engine.`,
      );
    return { runner: 'local', reason: `this host's Chromium at ${chromium} (--sandbox local)` };
  }
  const docker = await probeDocker(env);
  if (docker.answers) {
    const version = docker.version ? `engine ${docker.version}` : 'engine';
    return {
      runner: 'docker',
      reason: `the browser image in Docker (${flag ? '--sandbox docker; ' : ''}${version} answers at ${docker.endpoint.label})`,
    };
  }
  if (flag === 'docker')
    throw new ConfigurationError(
      `--sandbox docker: ${docker.reason}. Start Docker (or set DOCKER_HOST to a running engine), or use --sandbox local (this host's Chromium).`,
    );
  if (existsSync(chromium))
    return {
      runner: 'local',
      reason: `this host's Chromium at ${chromium}, no container (docker: ${docker.reason})`,
    };
  throw new ConfigurationError(
    `No browser to run: docker: ${docker.reason}; no Chromium at ${chromium}. To fix it, ${DOCKER_INSTALL_HINT}, or ${CHROMIUM_HINT}.`,
  );
}
