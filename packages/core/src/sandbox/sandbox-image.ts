import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type Docker from 'dockerode';
import type { DockerClient } from './docker-client.js';
import { buildImage, defaultDocker, hasImage } from './docker-images.js';
import { SandboxError } from './errors.js';

/**
 * The sandbox image's Dockerfile, the same bytes as `packages/core/sandbox-image/Dockerfile`
 * (embedded so that the published package, which ships only `dist`, can build it; a test checks
 * the two are equal).
 */
export const SANDBOX_DOCKERFILE = String.raw`
# The sandbox image of @bots/core (DockerEnvironment). Keep in sync with the copy embedded in
# src/sandbox/sandbox-image.ts (a test checks they are equal); the tag is bots-sandbox:<first 12
# hex digits of this file's sha256>, so a change here makes a new tag.
FROM debian:bookworm-slim
RUN apt-get update \
  && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    bash ca-certificates coreutils findutils git grep less procps python3 ripgrep sed \
  && rm -rf /var/lib/apt/lists/* \
  && useradd --create-home --uid 1000 --shell /bin/bash bot \
  && mkdir -p /workdir && chmod 1777 /workdir /home/bot
# The shell the sandbox runs: an execute-only copy of bash. A process that executes a file it
# cannot read is not dumpable, so the shell's memory, file descriptors and environment
# (/proc/<pid>/{mem,fd,environ}, ptrace) are closed to the programs it starts; they cannot read
# the end-of-command nonce of the shell protocol.
RUN mkdir -p /usr/local/libexec/bots \
  && cp /bin/bash /usr/local/libexec/bots/bash \
  && chmod 0111 /usr/local/libexec/bots/bash
ENV LANG=C.UTF-8 HOME=/home/bot PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
WORKDIR /workdir
CMD ["sleep", "infinity"]
`.slice(1);

/** Repository of the sandbox image; the tag is derived from the Dockerfile's content. */
export const SANDBOX_IMAGE_REPOSITORY = 'bots-sandbox';

/**
 * The sandbox image tag: `bots-sandbox:<first 12 hex digits of sha256(Dockerfile)>`, so that a
 * changed Dockerfile gets a new tag and an old image is never used by mistake. `.ci/make-base-image.sh`
 * computes the same tag with `sha256sum`.
 */
export const SANDBOX_IMAGE = `${SANDBOX_IMAGE_REPOSITORY}:${createHash('sha256')
  .update(SANDBOX_DOCKERFILE)
  .digest('hex')
  .slice(0, 12)}`;

/** Options of {@link ensureSandboxImage} and {@link buildSandboxImage}. */
export interface SandboxImageOptions {
  /** Docker client (default: `new Docker()`, which honours `DOCKER_HOST`). */
  docker?: DockerClient;
  /** Image tag to build (default {@link SANDBOX_IMAGE}). */
  tag?: string;
  /** Receives progress lines of the build (`Step 2/6 : RUN apt-get …`, layer output). */
  onProgress?: (line: string) => void;
  /**
   * Network of the build's `RUN` steps (default: the engine's default, or `host` when the engine
   * has no `bridge` network, as one started with `--bridge=none` in this project's CI).
   */
  networkMode?: string;
  /** Stops waiting for the build (the engine may finish it in the background). */
  signal?: AbortSignal;
}

function tarHeader(name: string, size: number, mode: number, uid: number, gid: number): Buffer {
  const header = Buffer.alloc(512, 0);
  const field = (offset: number, length: number, value: string) =>
    header.write(value, offset, length, 'ascii');
  const octal = (value: number, length: number) => value.toString(8).padStart(length - 1, '0');
  field(0, 100, name);
  field(100, 8, octal(mode & 0o7777, 8));
  field(108, 8, octal(uid, 8));
  field(116, 8, octal(gid, 8));
  field(124, 12, octal(size, 12));
  field(136, 12, octal(Math.floor(Date.now() / 1000), 12));
  field(148, 8, '        ');
  field(156, 1, '0');
  field(257, 6, 'ustar');
  field(263, 2, '00');
  let sum = 0;
  for (const byte of header) sum += byte;
  field(148, 8, `${octal(sum, 7)}\0`);
  return header;
}

/**
 * A file of {@link tarOfFiles}: its content and, optionally, its mode (default 0644) and owner
 * (default 0:0; at most 2097151, the 7 octal digits of the header).
 */
export type TarFile =
  | string
  | Buffer
  | { content: string | Buffer; mode?: number; uid?: number; gid?: number };

/**
 * A tar archive holding regular files with short names (under 100 bytes), made in memory: for
 * small build contexts and single files, without a tar dependency.
 */
export function tarOfFiles(files: Record<string, TarFile>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, file] of Object.entries(files)) {
    if (Buffer.byteLength(name) >= 100)
      throw new SandboxError(`File name too long for tar: ${name}`);
    const entry = typeof file === 'string' || Buffer.isBuffer(file) ? { content: file } : file;
    const data = typeof entry.content === 'string' ? Buffer.from(entry.content) : entry.content;
    const padding = Buffer.alloc((512 - (data.length % 512)) % 512);
    const uid = 'uid' in entry ? (entry.uid ?? 0) : 0;
    const gid = 'gid' in entry ? (entry.gid ?? 0) : 0;
    if (uid > 0o7777777 || gid > 0o7777777) {
      throw new SandboxError(`An owner above 2097151 does not fit a tar header: ${uid}:${gid}.`);
    }
    parts.push(tarHeader(name, data.length, entry.mode ?? 0o644, uid, gid), data, padding);
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/**
 * Builds the sandbox image from {@link SANDBOX_DOCKERFILE}, reporting progress lines (plain
 * text). A failed build leaves no container behind and throws a `SandboxError` with the reason
 * and the last lines of the build log.
 */
export async function buildSandboxImage(options: SandboxImageOptions = {}): Promise<string> {
  const docker = (options.docker ?? (await defaultDocker())) as Docker;
  const tag = options.tag ?? SANDBOX_IMAGE;
  const progress = options.onProgress ?? (() => undefined);
  progress(`Building the sandbox image ${tag} (once; later runs reuse it)`);
  await buildImage({
    docker,
    context: Readable.from([tarOfFiles({ Dockerfile: SANDBOX_DOCKERFILE })]),
    tag,
    description: 'the sandbox image',
    labels: { 'bots.sandbox.image': '1' },
    onProgress: progress,
    ...(options.networkMode ? { networkMode: options.networkMode } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  progress(`Built the sandbox image ${tag}`);
  return tag;
}

/**
 * Makes sure the engine has the sandbox image, building it when missing. Returns its tag.
 * For a CLI: `await ensureSandboxImage({ onProgress: (line) => console.error(line) })`.
 */
export async function ensureSandboxImage(options: SandboxImageOptions = {}): Promise<string> {
  const docker = options.docker ?? (await defaultDocker());
  const tag = options.tag ?? SANDBOX_IMAGE;
  if (await hasImage(docker, tag)) return tag;
  return buildSandboxImage({ ...options, docker, tag });
}
