import { defineConfig } from 'vitest/config';
import { SkipReasonsReporter } from '../../scripts/vitest-skip-reasons.js';

export default defineConfig({
  test: {
    reporters: ['default', new SkipReasonsReporter()],
    setupFiles: ['@bots/test-kit/loopback-guard-setup'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['src/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          // End to end (test/): bots in real sandboxes against the emulator. They run after the
          // unit group and one file at a time, so that every file that creates containers
          // (src/sandbox's Docker tests too) can count the containers labelled bots.sandbox=1
          // before and after itself without seeing another file's.
          name: 'e2e',
          include: ['test/**/*.test.ts'],
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
