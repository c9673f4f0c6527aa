// A vitest setup file (every package's `setupFiles`): any connection to a non-loopback address
// fails the test that made it, even when the code under test swallowed the error (as
// `@azure/identity` does with its probe of 169.254.169.254).
import { afterEach } from 'vitest';
import {
  clearRefusedConnections,
  installLoopbackGuard,
  refusedConnections,
} from './loopback-guard.js';

installLoopbackGuard();

afterEach(() => {
  const refused = refusedConnections();
  if (refused.length === 0) return;
  clearRefusedConnections();
  const lines = refused.map((attempt) => `  ${attempt.host}:${attempt.port}\n${attempt.stack}`);
  throw new Error(
    `This test tried to connect to a non-loopback address (tests reach loopback only):\n${lines.join('\n')}`,
  );
});
