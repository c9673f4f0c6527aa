import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `apps/demo/sample`, found from the running file (`dist/cli.js`, or `src/` under tests). */
export function sampleFolder(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 4; depth++) {
    const candidate = join(directory, 'sample');
    if (existsSync(join(candidate, 'config', 'service.toml'))) return candidate;
    directory = dirname(directory);
  }
  throw new Error('The demo sample folder (apps/demo/sample) is missing.');
}
