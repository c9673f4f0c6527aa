import { spawnSync } from 'node:child_process';
import { AVAILABLE, type Availability, unavailable } from './availability.js';

const PROBE = [
  '--unshare-all',
  '--unshare-user',
  '--ro-bind',
  '/usr',
  '/usr',
  '--symlink',
  'usr/bin',
  '/bin',
  '--symlink',
  'usr/lib',
  '/lib',
  '--symlink',
  'usr/lib64',
  '/lib64',
  '/usr/bin/true',
];

/** Whether bubblewrap (`bwrap` on `PATH`) can make a sandbox here: it is run once to find out. */
export function bubblewrapAvailability(): Availability {
  if (process.platform !== 'linux')
    return unavailable(`bwrap needs Linux (this is ${process.platform})`);
  const probe = spawnSync('bwrap', PROBE, { encoding: 'utf8' });
  if (probe.error) return unavailable('bwrap is not installed (apt-get install bubblewrap)');
  if (probe.status !== 0) {
    return unavailable(`bwrap cannot make a sandbox here: ${probe.stderr.trim()}`);
  }
  return AVAILABLE;
}
