import { defineConfig } from 'tsup';

const shared = { dts: true, clean: false, sourcemap: true, target: 'node20' } as const;

export default defineConfig([
  // ES modules: both entries in one build, so that they share one copy of the emulator's module
  // state (the process-wide signing key and identity header) through a common chunk.
  {
    ...shared,
    entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts' },
    format: ['esm'],
  },
  // CommonJS: the main entry, and a testing entry that does not load Vitest (which is ES only).
  {
    ...shared,
    entry: { index: 'src/index.ts', 'testing/index': 'src/testing/commonjs.ts' },
    format: ['cjs'],
  },
  // The `bots-emulator` executable (package.json "bin"): ES module, keeps main.ts's #! line.
  {
    ...shared,
    dts: false,
    entry: { 'cli/main': 'src/cli/main.ts' },
    format: ['esm'],
  },
]);
