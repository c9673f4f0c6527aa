import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The child-process side of the loopback guard, for `node --import`. */
export const LOOPBACK_GUARD_IMPORT = fileURLToPath(
  new URL('./loopback-guard-child.js', import.meta.url),
);

/** Options of {@link runNode}. */
export interface RunNodeOptions {
  /**
   * The child's whole environment on top of `PATH`, `HOME`, `TMPDIR` and `LANG` (nothing else of
   * this process's, so that no emulator or credential variable leaks in by accident).
   */
  env?: Record<string, string | undefined>;
  /** Working directory; bare imports in the code resolve from here. Default: this process's. */
  cwd?: string;
  /** Killed after this long (default 60 s). */
  timeoutMs?: number;
}

/** What a child run gave. */
export interface NodeRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** `host:port` of each non-loopback connection the child's guard refused. */
  refused: string[];
}

/**
 * Runs ES module `code` in a fresh Node process under the loopback guard, with an environment of
 * its own: what `@azure/identity` reads only at start (`NODE_EXTRA_CA_CERTS`) or pins for the
 * process (`@azure/msal-node`'s managed-identity source) gets a clean process per case.
 */
export function runNode(code: string, options: RunNodeOptions = {}): Promise<NodeRun> {
  const base: Record<string, string | undefined> = {
    PATH: process.env['PATH'],
    HOME: process.env['HOME'],
    TMPDIR: process.env['TMPDIR'],
    LANG: process.env['LANG'],
  };
  const env = Object.fromEntries(
    Object.entries({ ...base, ...options.env }).filter(
      (entry): entry is [string, string] => entry[1] !== undefined,
    ),
  );
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', LOOPBACK_GUARD_IMPORT, '--input-type=module', '--eval', code],
      { env, cwd: options.cwd ?? process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      const refused = [...stderr.matchAll(/\[loopback-guard\] refused a connection to (\S+)/g)].map(
        (match) => match[1]!,
      );
      resolve({ code, stdout, stderr, refused });
    });
  });
}
