import { defineConfig } from 'vitest/config';
import { SkipReasonsReporter } from '../../scripts/vitest-skip-reasons.js';

export default defineConfig({
  test: {
    reporters: ['default', new SkipReasonsReporter()],
    setupFiles: ['@bots/test-kit/loopback-guard-setup'],
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
