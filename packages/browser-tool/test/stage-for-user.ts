// The child scripts of the browser-tool tests, staged for an unprivileged user by the test kit's
// stageForUser: playwright-core, which the child loads at run time, is copied in beside it.
import { fileURLToPath } from 'node:url';
import { type Staged, stageForUser as stage, type UnixUser } from '@bots/test-kit';

/** Bundles `entry` (a path relative to this package, e.g. `test/local-runner-child.mjs`) for `user`. */
export function stageForUser(entry: string, user: UnixUser): Promise<Staged> {
  return stage(fileURLToPath(new URL(`../${entry}`, import.meta.url)), user, {
    external: ['playwright-core'],
    copyPackages: ['playwright-core'],
  });
}
