import { defineConfig } from 'tsup';

export default defineConfig({
  // src/loop/index.ts is the light entry `@bots/core/loop`: the agent loop and its types, no
  // sandbox code and no dockerode (the browser agent's bundle in its image uses it);
  // src/docker/index.ts is `@bots/core/docker`, the Docker plumbing other packages build on.
  entry: ['src/index.ts', 'src/docker/index.ts', 'src/loop/index.ts', 'src/testing/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
});
