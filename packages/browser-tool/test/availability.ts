// Whether the engine and Chromium the tests need are here. In CI (CI set) a missing one is a
// failure; locally the tests are skipped with the reason in their name.
import { existsSync } from 'node:fs';
import Docker from 'dockerode';
import { describe, test } from 'vitest';

export interface Availability {
  available: boolean;
  reason: string;
}

export async function dockerAvailability(): Promise<Availability> {
  try {
    await new Docker().ping();
    return { available: true, reason: '' };
  } catch (error) {
    return {
      available: false,
      reason: `no Docker engine answers (DOCKER_HOST=${process.env['DOCKER_HOST'] ?? 'unset'}): ${(error as Error).message}`,
    };
  }
}

export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export function chromiumAvailability(): Availability {
  return existsSync(CHROMIUM)
    ? { available: true, reason: '' }
    : { available: false, reason: `no Chromium at ${CHROMIUM} (apt-get install -y chromium)` };
}

/** `describe` when available; a visible skip otherwise, or a failing test in CI. */
export function describeWhen(name: string, availability: Availability, body: () => void): void {
  if (availability.available) describe(name, body);
  else if (process.env['CI']) {
    describe(name, () => {
      test('has what it needs (required in CI)', () => {
        throw new Error(`CI is set but ${availability.reason}`);
      });
    });
  } else describe.skip(`${name} — skipped: ${availability.reason}`, body);
}
