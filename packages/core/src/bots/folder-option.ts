import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigurationError, checkString, describeValue } from '@bots/auth';

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

/** Checks a `sandboxPath` option: an absolute path in the sandbox, or `undefined`. */
export function sandboxPathOption(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const path = checkString(value, 'sandboxPath', {
    nonEmpty: true,
    hint: 'It is where the folder appears in the sandbox, e.g. /workdir/project.',
  });
  if (!path.startsWith('/')) {
    throw new ConfigurationError(
      `sandboxPath must be an absolute path in the sandbox, such as /workdir/project, but got ${describeValue(path)}.`,
    );
  }
  return path;
}
