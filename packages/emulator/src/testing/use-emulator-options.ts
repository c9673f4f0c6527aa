import type { Emulator } from '../emulator.js';
import type { EmulatorOptions } from '../emulator-options.js';

/** The emulator's options, or a function that gives them when the emulator starts (in the hook). */
export type EmulatorOptionsInput =
  | EmulatorOptions
  | (() => EmulatorOptions | Promise<EmulatorOptions>);

/** When {@link useEmulator} starts and closes its emulator. */
export interface EmulatorLifecycle {
  /**
   * `'suite'` (the default): one emulator for the enclosing `describe` block, or for the file when
   * called at its top level, started in `beforeAll` and closed in `afterAll`. `'test'`: a fresh
   * emulator for every test, started in `beforeEach` and closed in `afterEach`.
   */
  scope?: 'suite' | 'test';
}

/**
 * The emulator of a {@link useEmulator} call, readable inside tests and hooks that run after the
 * one that started it. It is an {@link Emulator} itself: every member reads the emulator that is
 * running now (with `scope: 'test'`, the current test's).
 */
export interface EmulatorHandle extends Emulator {
  /** The running emulator itself (to pass on, or to compare). */
  readonly emulator: Emulator;
  /** The main listener's origin, `urls.base` (e.g. `http://127.0.0.1:50123`). */
  readonly url: string;
}

/** Signature of {@link useEmulator}. */
export type UseEmulator = (
  options?: EmulatorOptionsInput,
  lifecycle?: EmulatorLifecycle,
) => EmulatorHandle;
