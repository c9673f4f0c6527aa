import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { Emulator } from '../emulator.js';
import { startEmulator } from '../start-emulator.js';
import { LiveEmulatorHandle } from './emulator-handle.js';
import type { UseEmulator } from './use-emulator-options.js';

/**
 * Starts an emulator for the tests of the enclosing `describe` block (or file) and closes it after
 * them, through Vitest's hooks: `beforeAll`/`afterAll`, or `beforeEach`/`afterEach` with
 * `{ scope: 'test' }`. Returns a handle to read inside tests: `url`, `env`, `requests` and every
 * other member of the running emulator, or `emulator` itself.
 *
 * @example
 * const emulator = useEmulator({ script: ['hello'] });
 * test('answers', async () => {
 *   const client = new OpenAI({ baseURL: emulator.urls.openai, apiKey: emulator.apiKeys.openai });
 *   ...
 *   expect(emulator.requests.last('openai')?.status).toBe(200);
 * });
 */
export const useEmulator: UseEmulator = (options = {}, lifecycle = {}) => {
  const handle = new LiveEmulatorHandle();
  let running: Emulator | undefined;
  const start = async () => {
    running = await startEmulator(typeof options === 'function' ? await options() : options);
    handle.attach(running);
  };
  const close = async () => {
    const emulator = running;
    running = undefined;
    handle.attach(undefined);
    await emulator?.close();
  };
  if (lifecycle.scope === 'test') {
    beforeEach(start);
    afterEach(close);
  } else {
    beforeAll(start);
    afterAll(close);
  }
  return handle;
};
