// Helpers of the end-to-end tests: @bots/core driven through @bots/providers and @bots/auth
// (real DefaultAzureCredential) against @bots/emulator, in real sandboxes.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { clearSharedTokenProviders } from '@bots/auth';
import type { Emulator, EmulatorOptions, ModelRequest, RecordedRequest } from '@bots/emulator';
import { useEmulator as useEmulatorHooks } from '@bots/emulator/testing';
import {
  type Availability,
  bubblewrapAvailability,
  dockerAvailability as engineAvailability,
} from '@bots/test-kit';
import Docker from 'dockerode';
import { afterAll, beforeAll, beforeEach, expect, vi } from 'vitest';
import { hasImage } from '../src/sandbox/docker-images.js';
import { SANDBOX_IMAGE } from '../src/sandbox/sandbox-image.js';

export { describeWhen } from '@bots/test-kit';
export { hashTree } from './folder-fixture.js';

/** The audience of tokens for the dated Azure OpenAI API. */
export const COGNITIVE_SERVICES_AUDIENCE = 'https://cognitiveservices.azure.com';

export const docker = new Docker();

/** A Docker engine answers and the sandbox image is there (it cannot be built offline). */
export const dockerAvailability: Availability = await (async () => {
  const engine = await engineAvailability(docker);
  if (!engine.available) return engine;
  if (!(await hasImage(docker, SANDBOX_IMAGE))) {
    return {
      available: false,
      reason: `the sandbox image ${SANDBOX_IMAGE} is missing (build it with ensureSandboxImage or .ci/make-base-image.sh)`,
    };
  }
  return { available: true, reason: '' };
})();

/** bubblewrap can make a sandbox here. */
export const localAvailability: Availability = bubblewrapAvailability();

export type SandboxName = 'docker' | 'local';

export const sandboxes: readonly { name: SandboxName; availability: Availability }[] = [
  { name: 'docker', availability: dockerAvailability },
  { name: 'local', availability: localAvailability },
];

/** Ids of the containers labelled `bots.sandbox=1` (and `bots.pid=<pid>` when given). */
export async function sandboxContainers(pid?: number): Promise<string[]> {
  if (!dockerAvailability.available) return [];
  const label = ['bots.sandbox=1', ...(pid === undefined ? [] : [`bots.pid=${pid}`])];
  const list = await docker.listContainers({ all: true, filters: { label } });
  return list.map((entry) => entry.Id);
}

/** This test process and the child processes it started (the SIGINT test's). */
const ownPids = new Set<number>([process.pid]);

/** Counts containers of `pid` (a child process of this file) as this file's. */
export function ownChildProcess(pid: number): void {
  ownPids.add(pid);
}

/** Ids of the containers labelled `bots.sandbox=1` whose `bots.pid` is this file's process or child. */
async function ownSandboxContainers(): Promise<string[]> {
  if (!dockerAvailability.available) return [];
  const list = await docker.listContainers({ all: true, filters: { label: ['bots.sandbox=1'] } });
  return list
    .filter((entry) => ownPids.has(Number(entry.Labels['bots.pid'])))
    .map((entry) => entry.Id)
    .sort();
}

/**
 * File-level guard: the containers labelled `bots.sandbox=1` are counted before and after the
 * file, and the counts must be equal. The count is kept to containers whose `bots.pid` label is
 * this process or a child it started: the engine may be shared with other processes (other
 * checkouts, benches) whose containers come and go meanwhile. Within this package the e2e files
 * run one at a time, after the unit files (see vitest.config.ts), so src/sandbox's own global
 * count does not see theirs either.
 */
export function assertNoContainerLeftByThisFile(): void {
  let before: string[] = [];
  beforeAll(async () => {
    before = await ownSandboxContainers();
  });
  afterAll(async () => {
    const after = await ownSandboxContainers();
    expect(after.length).toBe(before.length);
    expect(after).toEqual(before);
  });
}

/**
 * One emulator per file (`useEmulator` of `@bots/emulator/testing`): started in beforeAll, closed
 * in afterAll. The managed-identity endpoint is put into process.env with vi.stubEnv before any
 * token request (msal-node keeps the first endpoint it sees for the life of the process). The
 * process's shared token providers are cleared before each test.
 */
export function useEmulator(options: EmulatorOptions = {}): () => Emulator {
  const emulator = useEmulatorHooks(options);
  beforeAll(() => {
    vi.stubEnv('IDENTITY_ENDPOINT', emulator.env['IDENTITY_ENDPOINT']);
    vi.stubEnv('IDENTITY_HEADER', emulator.env['IDENTITY_HEADER']);
  });
  // Bots of one process share one token provider per credential and scope (@bots/auth): each
  // test starts without one, so that its first bot gets its token from the identity endpoint.
  beforeEach(() => {
    clearSharedTokenProviders();
  });
  afterAll(() => {
    vi.unstubAllEnvs();
    clearSharedTokenProviders();
  });
  return () => emulator.emulator;
}

/** The env a bot reads its model settings from: the emulator's endpoints, keyless, azure_ad. */
export function botEnv(emulator: Emulator): Record<string, string> {
  return { ...emulator.env, AZURE_AUTH_METHOD: 'azure_ad' };
}

/** A reply of the loop's protocol that runs `command`. */
export function command(command: string, thoughts = `Running: ${command}`): string {
  return JSON.stringify({ task_done: false, thoughts, command });
}

/** A reply of the loop's protocol that answers. */
export function answer(text: string): string {
  return JSON.stringify({ task_done: true, thoughts: text, command: '' });
}

/** How many replies the model already gave in this conversation. */
export function turn(request: ModelRequest): number {
  return request.messages.filter((message) => message.role === 'assistant').length;
}

/** The system prompt of the conversation. */
export function systemPrompt(request: ModelRequest): string {
  return request.messages.find((message) => message.role === 'system')?.content ?? '';
}

/** The task: the first user message of the conversation. */
export function taskOf(request: ModelRequest): string {
  return request.messages.find((message) => message.role === 'user')?.content ?? '';
}

/** The exit code and output the loop sent back for the last command (or undefined). */
export function lastFeedback(
  request: ModelRequest,
): { exitCode: number; output: string } | undefined {
  const last = request.messages.at(-1);
  if (last?.role !== 'user') return undefined;
  const match = /Exit code: (-?\d+)\nOutput:(?: \(none\)$|\n([\s\S]*)$)/.exec(last.content);
  if (!match) return undefined;
  return { exitCode: Number(match[1]), output: match[2] ?? '' };
}

/** Requests recorded after `sequence` (the log's length when a test began). */
export function requestsSince(emulator: Emulator, sequence: number): RecordedRequest[] {
  return emulator.requests.all().filter((request) => request.sequence > sequence);
}

/** The highest sequence number recorded so far (0 when none). */
export function lastSequence(emulator: Emulator): number {
  return emulator.requests.all().at(-1)?.sequence ?? 0;
}

/** Model requests (Azure OpenAI, dated API) of a list. */
export function modelRequests(requests: readonly RecordedRequest[]): RecordedRequest[] {
  return requests.filter((request) => request.kind === 'azure-openai');
}

/**
 * Every model request since `sequence` carried a Bearer JWT with the Cognitive Services audience
 * that was accepted and not expired, issued by the emulator's identity endpoint (its token id is
 * one the identity endpoint handed out); the identity endpoint was called in that time.
 */
export function expectKeylessAuth(emulator: Emulator, sequence: number): void {
  const requests = requestsSince(emulator, sequence);
  const identity = requests.filter((request) => request.kind === 'identity');
  expect(identity.length, 'the identity endpoint was called').toBeGreaterThan(0);
  for (const request of identity) expect(request.status).toBe(200);
  const issued = new Set(
    emulator.requests
      .ofKind('identity')
      .map((request) => request.issuedToken?.tokenId)
      .filter(Boolean),
  );
  const model = modelRequests(requests);
  expect(model.length).toBeGreaterThan(0);
  for (const request of model) {
    expect(request.auth, `model request #${request.sequence}`).toMatchObject({
      scheme: 'bearer',
      jsonWebToken: true,
      audience: COGNITIVE_SERVICES_AUDIENCE,
      accepted: true,
      expired: false,
    });
    expect(issued.has(request.auth.tokenId)).toBe(true);
    expect(request.status).toBe(200);
  }
}

/** Temporary folders, removed by `removeFolders()`. */
const folders: string[] = [];

/** A temporary folder `<name>` holding `files` (paths may contain `/`). */
export function folderWith(name: string, files: Record<string, string>): string {
  const parent = mkdtempSync(join(tmpdir(), 'bots-e2e-'));
  folders.push(parent);
  const root = join(parent, name);
  mkdirSync(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

export function removeFolders(): void {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
}

/** A random integer in [low, high]. */
export function randomInt(low: number, high: number): number {
  return low + Math.floor(Math.random() * (high - low + 1));
}

/** Waits until `check` returns a value (not undefined), polling; rejects after `timeoutMs`. */
export async function waitFor<T>(
  check: () => Promise<T | undefined> | T | undefined,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits until a container of process `pid` runs `sleep 100`; returns its id. */
export function waitForSleepingContainer(pid: number, timeoutMs = 30_000): Promise<string> {
  return waitFor(
    async () => {
      for (const id of await sandboxContainers(pid)) {
        const top = await docker
          .getContainer(id)
          .top({ ps_args: '-eo pid,args' })
          .catch(() => undefined);
        if (top?.Processes?.some((row: string[]) => row.at(-1)?.trim() === 'sleep 100')) return id;
      }
      return undefined;
    },
    `a container of pid ${pid} running sleep 100`,
    timeoutMs,
  );
}
