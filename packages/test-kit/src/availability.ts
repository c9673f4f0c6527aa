/** Whether something a test needs (a Docker engine, Chromium, bubblewrap) is here, and why not. */
export interface Availability {
  /** True when the tests that need it can run. */
  available: boolean;
  /** Why it is not available (a whole sentence part that says how to get it); empty when it is. */
  reason: string;
}

/** What is there. */
export const AVAILABLE: Availability = Object.freeze({ available: true, reason: '' });

/** What is not there, and why. */
export function unavailable(reason: string): Availability {
  return { available: false, reason };
}

/** Available when every one is; else the first missing one. */
export function allOf(availabilities: readonly Availability[]): Availability {
  return availabilities.find((availability) => !availability.available) ?? AVAILABLE;
}

/** Available when any one is; else every reason, joined. */
export function anyOf(availabilities: readonly Availability[]): Availability {
  if (availabilities.some((availability) => availability.available)) return AVAILABLE;
  return unavailable(availabilities.map((availability) => availability.reason).join('; '));
}
