import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelRequest, ScriptStep } from '@bots/emulator';
import { useEmulator } from '@bots/emulator/testing';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { CopilotBot, HOST_WARNING } from '../src/index.js';
import { sampleFolder, shellScript } from './copilot-bot-scripts.js';

let script: (request: ModelRequest) => ScriptStep = () => 'no script';
const emulator = useEmulator({ script: (request) => script(request) });
let folder: ReturnType<typeof sampleFolder>;
let home: string;

beforeEach(() => {
  folder = sampleFolder();
  home = mkdtempSync(join(tmpdir(), 'copilot-bot-home-'));
  vi.stubEnv('HOME', home);
  for (const [name, value] of Object.entries(emulator.credentialEnv('app-service'))) {
    vi.stubEnv(name, value);
  }
});
afterEach(() => {
  vi.unstubAllEnvs();
  folder.remove();
  rmSync(home, { recursive: true, force: true });
});

test('sandbox "host" is an explicit opt-in: it warns, and the commands run on the host, in the folder', async () => {
  const scripted = shellScript(['pwd'], (results) => `It ran in ${results[0]?.trim()}`);
  script = scripted.script;
  const warnings: string[] = [];
  const bot = new CopilotBot({
    model: 'azure-openai/gpt-4o-mini',
    folder: folder.path,
    sandbox: 'host',
    env: { AZURE_AUTH_METHOD: 'azure_ad', ...emulator.env },
    onWarning: (message) => warnings.push(message),
  });
  const result = await bot.run('Where do you run?');
  expect(result.error).toBeUndefined();
  expect(result.sandbox).toBe('host');
  expect(warnings).toEqual([HOST_WARNING]);
  expect(result.steps[0]).toMatchObject({ kind: 'command', command: 'pwd', exitCode: 0 });
  expect(scripted.seen.at(-1)?.[0]).toContain(folder.path);
  // Even on the host the CLI held only the placeholder: the relay made every model call.
  expect(result.relay.forwarded).toBe(result.iterations);
  for (const request of emulator.requests.ofKind('azure-openai')) {
    expect(request.auth.accepted).toBe(true);
  }
});
