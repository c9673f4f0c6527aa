import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CommandResult, Environment, ExecuteOptions, Mount } from '../environment.js';
import { capForModel } from '../loop/cap-for-model.js';

/** Options of `FakeEnvironment`. */
export interface FakeEnvironmentOptions {
  /** Recorded only (the fake does not mount anything). */
  mounts?: readonly Mount[];
  /** Cap output like a real sandbox does. Default: no cap, so the loop's own cap is exercised. */
  maxOutputChars?: number;
  /** Variables visible to commands besides PATH, HOME and LANG (the host's are not passed). */
  env?: Readonly<Record<string, string>>;
}

/**
 * An `Environment` for tests that runs each command with `bash -c` in a temporary folder on the
 * host. It is NOT a sandbox: commands can read and write anything the test process can. `cd` and
 * `export` persist between commands, as in the real sandboxes; the per-command timeout kills the
 * command (exit code 124) and the signal kills it and rejects with the signal's reason.
 * Sandbox paths are not mapped: `copyIn` copies under `root` and records the call.
 */
export class FakeEnvironment implements Environment {
  readonly kind = 'fake';
  /** Every command executed, in order. */
  readonly commands: string[] = [];
  /** The options of every `execute` call, in order. */
  readonly executeOptions: (ExecuteOptions | undefined)[] = [];
  /** Every `copyIn` call, in order. */
  readonly copies: { hostPath: string; sandboxPath: string }[] = [];
  /** Mounts given at construction (recorded, not mounted). */
  readonly mounts: readonly Mount[];
  /** Number of `start` and `dispose` calls. */
  readonly calls = { start: 0, dispose: 0 };
  #root: string | undefined;
  #starting: Promise<void> | undefined;
  #disposed = false;
  readonly #options: FakeEnvironmentOptions;

  constructor(options: FakeEnvironmentOptions = {}) {
    this.#options = options;
    this.mounts = options.mounts ?? [];
  }

  /** The temporary folder commands start in (set once started). */
  get root(): string {
    if (!this.#root) throw new Error('FakeEnvironment is not started.');
    return this.#root;
  }

  /** True once `dispose` was called. */
  get disposed(): boolean {
    return this.#disposed;
  }

  start(): Promise<void> {
    this.calls.start++;
    if (this.#disposed) return Promise.reject(new Error('FakeEnvironment was disposed.'));
    this.#starting ??= (async () => {
      const root = await mkdtemp(join(tmpdir(), 'bots-fake-env-'));
      await mkdir(join(root, '.state'));
      await mkdir(join(root, 'work'));
      await writeFile(join(root, '.state', 'cwd'), join(root, 'work'));
      this.#root = root;
    })();
    return this.#starting;
  }

  async execute(command: string, options?: ExecuteOptions): Promise<CommandResult> {
    this.commands.push(command);
    this.executeOptions.push(options);
    options?.signal?.throwIfAborted();
    await this.start();
    const root = this.root;
    const state = join(root, '.state');
    const script = [
      'cd "$(cat "$BOTS_FAKE_STATE/cwd")" 2>/dev/null',
      '[ -f "$BOTS_FAKE_STATE/env" ] && . "$BOTS_FAKE_STATE/env"',
      `trap 'pwd > "$BOTS_FAKE_STATE/cwd"; export -p | grep -v -e " PWD=" -e " OLDPWD=" -e " SHLVL=" > "$BOTS_FAKE_STATE/env"' EXIT`,
      command,
    ].join('\n');
    const startedAt = performance.now();
    return new Promise<CommandResult>((resolve, reject) => {
      const child = spawn('bash', ['-c', script], {
        cwd: root,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: root,
          LANG: 'C.UTF-8',
          ...this.#options.env,
          BOTS_FAKE_STATE: state,
        },
      });
      let output = '';
      let timedOut = false;
      let aborted = false;
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        output += chunk;
      });
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        output += chunk;
      });
      const kill = () => {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
      };
      const timer =
        options?.timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              timedOut = true;
              kill();
            }, options.timeoutMs);
      const signal = options?.signal;
      const onAbort = () => {
        aborted = true;
        kill();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      child.on('error', (error) => {
        if (timer) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        reject(error);
      });
      child.on('close', (code, killSignal) => {
        if (timer) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (aborted) {
          reject(signal?.reason);
          return;
        }
        const capped =
          this.#options.maxOutputChars === undefined
            ? { text: output, truncated: false }
            : capForModel(output, this.#options.maxOutputChars);
        resolve({
          exitCode: timedOut ? 124 : (code ?? (killSignal ? 137 : 1)),
          output: capped.text,
          timedOut,
          truncated: capped.truncated,
          durationMs: Math.round(performance.now() - startedAt),
        });
      });
    });
  }

  async copyIn(hostPath: string, sandboxPath: string): Promise<void> {
    this.copies.push({ hostPath, sandboxPath });
    await this.start();
    const target = join(this.root, 'copied', sandboxPath);
    await mkdir(dirname(target), { recursive: true });
    await cp(hostPath, target, { recursive: true });
  }

  async dispose(): Promise<void> {
    this.calls.dispose++;
    if (this.#disposed) return;
    this.#disposed = true;
    await this.#starting?.catch(() => {});
    if (this.#root) await rm(this.#root, { recursive: true, force: true });
  }
}
