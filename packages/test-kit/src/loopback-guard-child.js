// For child processes: `node --import <this file> script.mjs`. A refused connection is reported on
// stderr (a line that `runNode` looks for) and makes the process exit with code 97.
import { installLoopbackGuard } from './loopback-guard.js';

installLoopbackGuard((attempt) => {
  process.stderr.write(
    `[loopback-guard] refused a connection to ${attempt.host}:${attempt.port}\n`,
  );
  process.exitCode = 97;
  process.on('exit', () => {
    process.exitCode = 97;
  });
});
