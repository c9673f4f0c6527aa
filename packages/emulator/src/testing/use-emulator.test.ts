import { afterAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../emulator.js';
import { LiveEmulatorHandle } from './emulator-handle.js';
import { useEmulator } from './use-emulator.js';

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(`${url}/`);
    return true;
  } catch {
    return false;
  }
}

describe('useEmulator() for a suite', () => {
  const emulator = useEmulator({ apiKeys: { openai: 'suite-key' } });
  const seen: Emulator[] = [];
  afterAll(async () => {
    // afterAll hooks run in reverse order: this one runs before useEmulator's closes it.
    expect(await answers(seen[0]!.urls.base)).toBe(true);
  });

  it('starts one emulator, with the options given, before the first test', async () => {
    seen.push(emulator.emulator);
    expect(emulator.apiKeys.openai).toBe('suite-key');
    expect(emulator.url).toBe(emulator.urls.base);
    expect(emulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emulator.env['AZURE_OPENAI_ENDPOINT']).toBe(emulator.url);
    const response = await fetch(`${emulator.url}/`);
    expect(response.status).toBe(200);
    expect(emulator.requests.last('metadata')?.path).toBe('/');
  });

  it('keeps the same emulator for the next test', () => {
    seen.push(emulator.emulator);
    expect(seen[1]).toBe(seen[0]);
    expect(emulator.requests.length).toBeGreaterThan(0);
  });
});

describe('useEmulator() for each test, with options from a function', () => {
  let calls = 0;
  const emulator = useEmulator(
    async () => {
      calls += 1;
      return { apiKeys: { openai: `key-${calls}` } };
    },
    { scope: 'test' },
  );
  const seen: Emulator[] = [];

  it('starts a fresh emulator for the first test', () => {
    seen.push(emulator.emulator);
    expect(emulator.apiKeys.openai).toBe('key-1');
  });

  it('and another for the second, after closing the first', async () => {
    seen.push(emulator.emulator);
    expect(emulator.apiKeys.openai).toBe('key-2');
    expect(seen[1]).not.toBe(seen[0]);
    expect(await answers(seen[0]!.urls.base)).toBe(false);
    expect(await answers(emulator.url)).toBe(true);
  });
});

describe('an emulator handle', () => {
  it('says where to read it when no emulator runs', () => {
    const handle = new LiveEmulatorHandle();
    expect(() => handle.url).toThrow(/no emulator is running.*inside a test/);
    expect(() => handle.requests).toThrow(/no emulator is running/);
  });
});
