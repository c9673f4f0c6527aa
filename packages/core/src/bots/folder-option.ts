import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigurationError } from '@bots/auth';

/** Resolves `path` to an absolute path and checks that it is a folder (or a file). */
export function existingPath(
  path: unknown,
  option: string,
  bot: string,
  expected: 'folder' | 'file',
): string {
  if (typeof path !== 'string' || path.trim() === '') {
    throw new ConfigurationError(
      `${bot} needs ${option}: the path of the ${expected} on the host, e.g. new ${bot}({ ${option}: './${expected === 'folder' ? 'project' : 'app.log'}', model }).`,
    );
  }
  const absolute = resolve(path);
  let isFolder: boolean;
  try {
    isFolder = statSync(absolute).isDirectory();
  } catch {
    throw new ConfigurationError(
      `${bot}: ${option} ${absolute} does not exist. Pass an existing ${expected}.`,
    );
  }
  if (isFolder !== (expected === 'folder')) {
    throw new ConfigurationError(`${bot}: ${option} ${absolute} is not a ${expected}.`);
  }
  return absolute;
}
