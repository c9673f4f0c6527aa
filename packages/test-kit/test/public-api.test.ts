import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import * as root from '../src/index.js';
import { entrySource, exportedSubpaths, typeOnlyExports } from '../src/public-api.js';

// The public names of each entry point of @bots/test-kit, runtime and type-only. A change to these
// lists is a deliberate API decision: review it, then update the snapshots (vitest -u).
const packageDirectory = fileURLToPath(new URL('..', import.meta.url));

test('every entry point of the exports map has its snapshots here', () => {
  expect(exportedSubpaths(packageDirectory)).toEqual(['.', './loopback-guard-setup']);
});

test('@bots/test-kit: runtime names', () => {
  expect(Object.keys(root).sort()).toMatchInlineSnapshot(`
    [
      "AVAILABLE",
      "CHROMIUM",
      "LOOPBACK_GUARD_IMPORT",
      "NOBODY",
      "RUNNING_AS_ROOT",
      "allOf",
      "anyOf",
      "bubblewrapAvailability",
      "chromiumAvailability",
      "clearRefusedConnections",
      "describeWhen",
      "dockerAvailability",
      "entrySource",
      "exportedSubpaths",
      "inCI",
      "installLoopbackGuard",
      "isLoopbackTarget",
      "noteSkipReason",
      "refusedConnections",
      "runNode",
      "stageForUser",
      "testWhen",
      "typeOnlyExports",
      "unavailable",
      "userCanRead",
    ]
  `);
});

test('@bots/test-kit: type-only names', () => {
  expect(typeOnlyExports(entrySource(packageDirectory, '.'), root)).toMatchInlineSnapshot(`
    [
      "Availability",
      "NodeRun",
      "RefusedConnection",
      "RunNodeOptions",
      "StageOptions",
      "Staged",
      "UnixUser",
    ]
  `);
});
