import { defineConfig } from 'vitest/config';
import { SkipReasonsReporter } from '../../scripts/vitest-skip-reasons.js';

export default defineConfig({
  test: {
    reporters: ['default', new SkipReasonsReporter()],
    setupFiles: ['./src/loopback-guard-setup.ts'],
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
