import { chmodSync, lstatSync, readdirSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';

function openUp(directory: string): void {
  // lstat, never stat: a link the sandbox made is not followed (chmod would follow it).
  const info = lstatSync(directory, { throwIfNoEntry: false });
  if (!info?.isDirectory()) return;
  if ((info.mode & 0o700) !== 0o700) chmodSync(directory, info.mode | 0o700);
  for (const name of readdirSync(directory)) openUp(join(directory, name));
}

/**
 * Removes a sandbox's folder of the host (its temporary root) with everything in it. The sandbox
 * may have left folders without write or search permission (`chmod 000`): an owner that is not
 * root cannot delete their content, so on failure every folder is given back `u+rwx` and the
 * removal tried again. Call it only once no process of the sandbox runs. Resolves to whether the
 * folder is gone; never rejects.
 */
export async function removeTree(path: string): Promise<boolean> {
  try {
    await rm(path, { recursive: true, force: true });
    return true;
  } catch {
    return removeTreeSync(path);
  }
}

/** {@link removeTree}, synchronously (process exit). */
export function removeTreeSync(path: string): boolean {
  try {
    rmSync(path, { recursive: true, force: true });
    return true;
  } catch {
    try {
      openUp(path);
      rmSync(path, { recursive: true, force: true });
      return true;
    } catch {
      return false;
    }
  }
}
