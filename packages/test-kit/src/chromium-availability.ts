import { existsSync } from 'node:fs';
import { AVAILABLE, type Availability, unavailable } from './availability.js';

/** The Chromium the tests launch: `CHROMIUM_PATH`, else Debian's `/usr/bin/chromium`. */
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** Whether {@link CHROMIUM} is there. */
export function chromiumAvailability(): Availability {
  return existsSync(CHROMIUM)
    ? AVAILABLE
    : unavailable(`no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
}
