import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: ['src/index.ts', 'src/testing/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    clean: false,
    sourcemap: true,
    target: 'node20',
    shims: true,
  },
  {
    // The agent that runs inside the image (and nowhere else): one ESM file with every
    // dependency bundled except playwright-core (copied into the image beside it). Anthropic
    // SDKs, @azure/identity and dockerode are never loaded by the agent (lazy imports).
    entry: { 'agent/browser-agent': 'src/agent/main.ts' },
    format: ['esm'],
    outExtension: () => ({ js: '.mjs' }),
    dts: false,
    clean: false,
    sourcemap: false,
    target: 'node20',
    platform: 'node',
    splitting: false,
    noExternal: [/^@bots\//],
    external: ['playwright-core', 'dockerode', '@azure/identity', /^@anthropic-ai\//],
    banner: {
      js: "import { createRequire as __botsCreateRequire } from 'node:module'; const require = __botsCreateRequire(import.meta.url);",
    },
  },
]);
