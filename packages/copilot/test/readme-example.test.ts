// The README's example, as written, against the emulator: the block after its marker is written
// next to this file with `@bots/copilot` pointing at the source, imported, and must print the reply.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MODEL_ENDPOINT_KINDS } from '@bots/emulator';
import { useEmulator } from '@bots/emulator/testing';
import { afterEach, expect, it, vi } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const generated = join(here, 'readme-example.generated.ts');
const emulator = useEmulator({ script: () => 'Hello from the emulator.' });

function readmeExample(): string {
  const readme = readFileSync(join(here, '..', 'README.md'), 'utf8');
  const block = /## Example[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error('README.md has no ts block under "## Example"');
  return block;
}

let home: string | undefined;

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  rmSync(generated, { force: true });
  if (home) rmSync(home, { recursive: true, force: true });
});

it('the README example runs as written: a keyless session answers, every model request with an accepted token', async () => {
  // What the README says to set, pointed at the emulator (managed identity, dated API).
  for (const [name, value] of Object.entries({ ...emulator.env, AZURE_AUTH_METHOD: 'azure_ad' })) {
    vi.stubEnv(name, value);
  }
  // The CLI inherits this process's env (as the example lets it): a HOME of the test's own, the
  // CLI's unpacked JavaScript in the shared cache, no proxies.
  home = mkdtempSync(join(tmpdir(), 'bots-copilot-readme-'));
  vi.stubEnv('HOME', home);
  vi.stubEnv('COPILOT_CACHE_HOME', join(here, '..', 'node_modules', '.cache', 'copilot-cli'));
  for (const name of [
    'HTTP_PROXY',
    'HTTPS_PROXY',
    'ALL_PROXY',
    'http_proxy',
    'https_proxy',
    'all_proxy',
  ]) {
    vi.stubEnv(name, undefined);
  }
  const code = readmeExample();
  expect(code).toContain("from '@bots/copilot'");
  writeFileSync(generated, code.replace("from '@bots/copilot'", "from '../src/index.js'"));
  const printed: unknown[] = [];
  vi.spyOn(console, 'log').mockImplementation((...values: unknown[]) => {
    printed.push(...values);
  });
  await import(/* @vite-ignore */ `${generated}?run=${Date.now()}`);
  expect(printed).toEqual(['Hello from the emulator.']);
  const models = emulator.requests.ofKind(...MODEL_ENDPOINT_KINDS);
  expect(models.map((request) => [request.path, request.status, request.auth.accepted])).toEqual([
    ['/openai/deployments/gpt-4.1/chat/completions', 200, true],
  ]);
  expect(models[0]?.auth).toMatchObject({ scheme: 'bearer', jsonWebToken: true, expired: false });
});
