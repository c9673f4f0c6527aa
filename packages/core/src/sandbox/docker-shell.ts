import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import type { ContainerExec } from './docker-exec.js';
import type { ShellProcess } from './shell-session.js';

/** Where the sandbox image has its execute-only bash (see its Dockerfile). */
export const SHELL_DIRECTORY = '/usr/local/libexec/bots';
/** The execute-only bash of the sandbox image. */
export const IMAGE_SHELL = `${SHELL_DIRECTORY}/bash`;
// For another image: put an execute-only copy of its bash there, as root (no capability needed).
const INSTALL_SHELL = `[ -x ${IMAGE_SHELL} ] || { b=$(command -v bash) && mkdir -p ${SHELL_DIRECTORY} && cp "$b" ${IMAGE_SHELL} && chmod 0111 ${IMAGE_SHELL}; }`;

/**
 * Another image: gives it an execute-only bash; else its plain bash runs, with a note that says
 * what that costs and how to add the shell to the image.
 */
export async function installShell(exec: ContainerExec): Promise<{ shell: string; note?: string }> {
  try {
    await exec.runOrFail(['sh', '-c', INSTALL_SHELL], '0:0');
    return { shell: IMAGE_SHELL };
  } catch (error) {
    return {
      shell: 'bash',
      note: `The image has no execute-only shell at ${IMAGE_SHELL} and none could be made (${(error as Error).message.slice(0, 200)}): programs in the sandbox can read the shell's memory, so they could forge the end of a command's output. Add it to the image: RUN mkdir -p ${SHELL_DIRECTORY} && cp /bin/bash ${IMAGE_SHELL} && chmod 0111 ${IMAGE_SHELL}`,
    };
  }
}

/** What a shell in a sandbox container is started with. */
export interface ContainerShellOptions {
  readonly docker: Docker;
  readonly container: Docker.Container;
  readonly exec: ContainerExec;
  /** The bash to run. */
  readonly shell: string;
  /** The shell's environment (`KEY=value`), the marker's `BOTS_SHELL` included. */
  readonly env: string[];
  /** Random text that marks the shell and what it starts, so that they can be killed. */
  readonly marker: string;
}

/** Starts a persistent shell in the container, attached once (`docker exec` with stdin). */
export async function spawnContainerShell(options: ContainerShellOptions): Promise<ShellProcess> {
  const { docker, container, marker } = options;
  // `-s MARKER`: commands from stdin, and the marker in the shell's arguments, which stay
  // readable in /proc when the shell is not dumpable (its environment does not).
  const exec = await container.exec({
    Cmd: [options.shell, '--noprofile', '--norc', '-s', marker],
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    Env: options.env,
  });
  const stream = await exec.start({ hijack: true, stdin: true });
  const output = new PassThrough();
  docker.modem.demuxStream(stream, output, output);
  const exited = new Promise<number | undefined>((resolve) => {
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      output.end();
      exec
        .inspect()
        .then((info) => resolve(info.ExitCode ?? undefined))
        .catch(() => resolve(undefined));
    };
    stream.once('end', finish);
    stream.once('close', finish);
    stream.once('error', finish);
  });
  return {
    input: stream,
    output,
    exited,
    kill: async () => {
      // The shell (its arguments hold the marker) and every process that carries the marker
      // in its environment: what the shell started.
      const script = `for p in /proc/[0-9]*; do if grep -qzx -- '${marker}' "$p/cmdline" 2>/dev/null || grep -qzx -- 'BOTS_SHELL=${marker}' "$p/environ" 2>/dev/null; then kill -KILL "\${p#/proc/}" 2>/dev/null; fi; done; exit 0`;
      await options.exec.runOrFail(['bash', '-c', script]).catch(() => undefined);
      stream.destroy();
    },
  };
}
