import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The first executable file named `name` in this process's `PATH`, or undefined. */
export function findExecutable(name: string): string | undefined {
  for (const directory of (process.env['PATH'] ?? '').split(delimiter)) {
    if (!directory) continue;
    const candidate = join(directory, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  return undefined;
}
