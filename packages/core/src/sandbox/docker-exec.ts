import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { SandboxError } from './errors.js';

/** What a command run once in a sandbox container did. */
export interface ExecResult {
  readonly exitCode: number;
  /** Its standard output and standard error, merged. */
  readonly output: string;
}

/** Runs commands in a container of a sandbox, outside its shell (`docker exec`). */
export class ContainerExec {
  readonly #docker: Docker;
  readonly #container: Docker.Container;

  constructor(docker: Docker, container: Docker.Container) {
    this.#docker = docker;
    this.#container = container;
  }

  /** Runs a command (as `user`, default the container's); its exit code and merged output. */
  async run(command: string[], user?: string): Promise<ExecResult> {
    const exec = await this.#container.exec({
      Cmd: command,
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
      ...(user ? { User: user } : {}),
    });
    const stream = await exec.start({ hijack: true, stdin: false });
    const output = new PassThrough();
    let text = '';
    output.on('data', (chunk) => {
      text += chunk;
    });
    this.#docker.modem.demuxStream(stream, output, output);
    await new Promise<void>((resolve) => {
      stream.once('end', resolve);
      stream.once('close', resolve);
      stream.once('error', () => resolve());
    });
    const info = await exec.inspect();
    return { exitCode: info.ExitCode ?? 1, output: text };
  }

  /** Runs a command and fails with a `SandboxError` unless it exits 0. */
  async runOrFail(command: string[], user?: string): Promise<ExecResult> {
    const result = await this.run(command, user);
    if (result.exitCode !== 0) throw execFailure(command, result);
    return result;
  }
}

/** The error of a command that did not exit 0 in the sandbox. */
export function execFailure(command: string[], result: ExecResult): SandboxError {
  return new SandboxError(
    `${command.join(' ')} failed in the sandbox (exit ${result.exitCode}): ${result.output.trim()}`,
  );
}
