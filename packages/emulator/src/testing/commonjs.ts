// The CommonJS face of `@bots/emulator/testing`. Vitest loads only as an ES module (its CommonJS
// entry throws), and it runs every test file as one, so `useEmulator` works from ES modules only:
// this file keeps `require('@bots/emulator/testing')` loadable and typed, and says so when called.
import type { UseEmulator } from './use-emulator-options.js';

export type {
  EmulatorHandle,
  EmulatorLifecycle,
  EmulatorOptionsInput,
  UseEmulator,
} from './use-emulator-options.js';

/** Throws: see the ES module build, which registers the Vitest hooks. */
export const useEmulator: UseEmulator = () => {
  throw new Error(
    "useEmulator() registers Vitest hooks, and Vitest loads only as an ES module: import '@bots/emulator/testing' from an ES module test file (Vitest runs every test file as one), not with require().",
  );
};
