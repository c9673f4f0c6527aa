import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BotsError, type ErrorKind } from '@bots/auth';
import { type DockerClient, defaultDocker, followImageBuild, hasImage } from '@bots/core/docker';
import type Docker from 'dockerode';

/** Repository of the browser image; the tag is derived from its build context. */
export const BROWSER_IMAGE_REPOSITORY = 'bots-browser';

/** A failure to find or build the browser image, or to reach the engine. */
export class BrowserImageError extends BotsError {
  static override readonly kind: ErrorKind = 'sandbox';
  override readonly name = 'BrowserImageError';
}

/** Options of {@link ensureBrowserImage} and {@link buildBrowserImage}. */
export interface BrowserImageOptions {
  /** Docker client (default `new Docker()`, which honours `DOCKER_HOST`). */
  docker?: DockerClient;
  /** Image tag (default `bots-browser:<first 12 hex of sha256 over the build context>`). */
  tag?: string;
  /** Receives progress lines of the build (`Step 2/6 : RUN apt-get ...`, apt output). */
  onProgress?: (line: string) => void;
  /**
   * Network of the build's `RUN` steps (apt). Default: `host` when the engine has no `bridge`
   * network (an engine started with `--bridge=none`, as in this project's CI), else the engine's
   * default.
   */
  networkMode?: string;
  /** Stops the build wait (the engine may finish the build in the background). */
  signal?: AbortSignal;
  /**
   * After a build, remove older `bots-browser` images (label `bots.browser.image=1`) that no
   * container uses (default true), so that agent updates do not pile up images.
   */
  pruneOld?: boolean;
}

async function pruneOldImages(
  docker: Docker,
  keep: string,
  progress: (line: string) => void,
): Promise<void> {
  try {
    const images = await docker.listImages({ filters: { label: ['bots.browser.image=1'] } });
    for (const image of images) {
      if ((image.RepoTags ?? []).includes(keep)) continue;
      try {
        await docker.getImage(image.Id).remove();
        progress(`Removed the older browser image ${(image.RepoTags ?? [image.Id]).join(', ')}`);
      } catch {
        // In use by a container, or shared layers: keep it.
      }
    }
  } catch {
    // Pruning is housekeeping; never fail a build for it.
  }
}

/** The package's root folder (holds `Dockerfile` and `dist/agent/browser-agent.mjs`). */
export function packageRoot(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const manifest = join(folder, 'package.json');
    if (existsSync(manifest)) {
      try {
        if (
          (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name ===
          '@bots/browser-tool'
        )
          return folder;
      } catch {
        // keep looking
      }
    }
    folder = dirname(folder);
  }
  throw new BrowserImageError(
    'Cannot find the @bots/browser-tool package folder (its Dockerfile and agent bundle).',
  );
}

/** Paths of what goes into the image. */
export function browserImageSources(): {
  dockerfile: string;
  agentBundle: string;
  playwrightCore: string;
} {
  const root = packageRoot();
  const dockerfile = join(root, 'Dockerfile');
  const agentBundle = join(root, 'dist', 'agent', 'browser-agent.mjs');
  if (!existsSync(agentBundle))
    throw new BrowserImageError(
      `The browser agent bundle ${agentBundle} is missing: build the package first (pnpm --filter @bots/browser-tool build).`,
    );
  const require = createRequire(join(root, 'package.json'));
  const playwrightCore = dirname(require.resolve('playwright-core/package.json'));
  return { dockerfile, agentBundle, playwrightCore };
}

/**
 * The image tag: `bots-browser:<first 12 hex of sha256(Dockerfile, agent bundle, playwright-core
 * version)>`, so that a changed agent or Dockerfile gets a new image and an old one is never
 * used by mistake.
 */
export function browserImageTag(): string {
  const sources = browserImageSources();
  const version = (
    JSON.parse(readFileSync(join(sources.playwrightCore, 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;
  const hash = createHash('sha256')
    .update(readFileSync(sources.dockerfile))
    .update('\0')
    .update(readFileSync(sources.agentBundle))
    .update(`\0playwright-core@${version}`)
    .digest('hex');
  return `${BROWSER_IMAGE_REPOSITORY}:${hash.slice(0, 12)}`;
}

async function hasBrowserImage(docker: DockerClient, tag: string): Promise<boolean> {
  try {
    return await hasImage(docker, tag);
  } catch (error) {
    throw new BrowserImageError(
      `No Docker engine answers (DOCKER_HOST=${process.env['DOCKER_HOST'] ?? 'unset'}): ${(error as Error).message}. Start one, or use runner: 'local' (Chromium on this host).`,
    );
  }
}

async function defaultNetworkMode(docker: Docker): Promise<string | undefined> {
  try {
    const networks = await docker.listNetworks();
    return networks.some((network) => network.Name === 'bridge') ? undefined : 'host';
  } catch {
    return undefined;
  }
}

/** Builds the browser image (Chromium from Debian, Node, the agent bundle, playwright-core). */
export async function buildBrowserImage(options: BrowserImageOptions = {}): Promise<string> {
  const docker = (options.docker ?? (await defaultDocker())) as Docker;
  const tag = options.tag ?? browserImageTag();
  const progress = options.onProgress ?? (() => undefined);
  const sources = browserImageSources();
  const networkMode = options.networkMode ?? (await defaultNetworkMode(docker));
  const context = await mkdtemp(join(tmpdir(), 'bots-browser-image-'));
  const started = Date.now();
  try {
    progress(`Building the browser image ${tag} (once; later runs reuse it)`);
    await cp(sources.dockerfile, join(context, 'Dockerfile'));
    await cp(sources.agentBundle, join(context, 'agent', 'browser-agent.mjs'));
    await cp(sources.playwrightCore, join(context, 'agent', 'node_modules', 'playwright-core'), {
      recursive: true,
      dereference: true,
    });
    await writeFile(
      join(context, 'agent', 'package.json'),
      '{ "private": true, "type": "module" }\n',
    );
    const stream = await docker.buildImage(
      { context, src: ['Dockerfile', 'agent'] },
      {
        t: tag,
        labels: { 'bots.browser.image': '1' },
        ...(networkMode ? { networkmode: networkMode } : {}),
      },
    );
    try {
      await followImageBuild(docker, stream, progress, options.signal);
    } catch (error) {
      throw new BrowserImageError(
        options.signal?.aborted
          ? `Stopped waiting for the build of ${tag}.`
          : `Building the browser image ${tag} failed: ${(error as Error).message}`,
      );
    }
    progress(`Built the browser image ${tag} (${Math.round((Date.now() - started) / 1000)} s)`);
    if (options.pruneOld !== false) await pruneOldImages(docker, tag, progress);
    return tag;
  } finally {
    await rm(context, { recursive: true, force: true });
  }
}

/**
 * Makes sure the engine has the browser image, building it when missing (with progress lines).
 * Returns its tag. For a CLI: `await ensureBrowserImage({ onProgress: (l) => console.error(l) })`.
 */
export async function ensureBrowserImage(options: BrowserImageOptions = {}): Promise<string> {
  const docker = options.docker ?? (await defaultDocker());
  const tag = options.tag ?? browserImageTag();
  if (await hasBrowserImage(docker, tag)) return tag;
  return buildBrowserImage({ ...options, docker, tag });
}
