export { AVAILABLE, type Availability, allOf, anyOf, unavailable } from './availability.js';
export { bubblewrapAvailability } from './bubblewrap-availability.js';
export { CHROMIUM, chromiumAvailability } from './chromium-availability.js';
export { describeWhen, inCI, testWhen } from './describe-when.js';
export { dockerAvailability } from './docker-availability.js';
export {
  clearRefusedConnections,
  installLoopbackGuard,
  isLoopbackTarget,
  type RefusedConnection,
  refusedConnections,
} from './loopback-guard.js';
export { entrySource, exportedSubpaths, typeOnlyExports } from './public-api.js';
export { LOOPBACK_GUARD_IMPORT, type NodeRun, type RunNodeOptions, runNode } from './run-node.js';
export { noteSkipReason } from './skip-notice.js';
export {
  NOBODY,
  RUNNING_AS_ROOT,
  type Staged,
  type StageOptions,
  stageForUser,
  type UnixUser,
  userCanRead,
} from './stage-for-user.js';
