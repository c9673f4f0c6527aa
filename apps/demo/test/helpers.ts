import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dockerContainersWithLabel, probeDocker } from '../src/docker-probe.js';

/** The built CLI, as users run it. */
export const BIN = fileURLToPath(new URL('../bin/bots.mjs', import.meta.url));
/** Loaded into every spawned CLI: refuses (and reports) any connection beyond loopback. */
export const LOOPBACK_GUARD = fileURLToPath(new URL('./loopback-guard.cjs', import.meta.url));
/** What the guard prints when it refused a connection. */
const GUARD_MARK = 'LOOPBACK GUARD:';
export const SAMPLE = fileURLToPath(new URL('../sample', import.meta.url));

/** Variables that configure a provider or a credential: never inherited by the child. */
const CONFIG_VARIABLE = /^(AZURE_|OPEN_AI_|OPENAI_|ANTHROPIC_|LOCAL_MODEL_|IDENTITY_|MSI_|BOTS_)/;

/**
 * The test process's env without any provider or credential configuration, with the loopback
 * guard loaded into the child (a connection beyond loopback fails the test).
 */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!CONFIG_VARIABLE.test(name)) env[name] = value;
  }
  env.NO_COLOR = '1';
  env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --require ${LOOPBACK_GUARD}`.trim();
  delete env.FORCE_COLOR;
  return { ...env, ...extra };
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  pid: number;
}

/** Runs `node bin/bots.mjs ...args`; `onSpawn` gets the child (to send it signals). */
export function runCli(
  args: readonly string[],
  options: {
    env?: NodeJS.ProcessEnv;
    cwd?: string;
    timeoutMs?: number;
    onSpawn?: (child: import('node:child_process').ChildProcess) => void;
  } = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: options.env ?? cleanEnv(),
      cwd: options.cwd ?? process.cwd(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 50_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (stderr.includes(GUARD_MARK)) {
        reject(new Error(`The CLI tried to connect beyond loopback:\n${stderr}`));
        return;
      }
      resolve({ code, signal, stdout, stderr, pid: child.pid ?? -1 });
    });
    options.onSpawn?.(child);
  });
}

/** Whether a Docker engine answers (DOCKER_HOST honoured). */
export async function dockerAnswers(): Promise<boolean> {
  return (await probeDocker(process.env)).answers;
}

/** Sandbox containers (label `bots.sandbox=1`) that a process with this pid created. */
export async function containersOf(pid: number): Promise<string[]> {
  const ofPid = await dockerContainersWithLabel(process.env, `bots.pid=${pid}`);
  const sandboxes = new Set(await dockerContainersWithLabel(process.env, 'bots.sandbox=1'));
  return ofPid.filter((id) => sandboxes.has(id));
}

/** Number of sandbox containers on the engine (all owners). */
export async function sandboxContainerCount(): Promise<number> {
  return (await dockerContainersWithLabel(process.env, 'bots.sandbox=1')).length;
}
