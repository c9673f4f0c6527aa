import { describe, type TestFunction, test } from 'vitest';
import { type Availability, allOf } from './availability.js';
import { noteSkipReason } from './skip-notice.js';

type Needs = Availability | readonly Availability[];

/** Whether CI is running: there, a missing requirement fails the tests instead of skipping them. */
export function inCI(): boolean {
  return Boolean(process.env['CI']);
}

function combined(needs: Needs): Availability {
  return Array.isArray(needs) ? allOf(needs) : (needs as Availability);
}

/**
 * `describe(name, body)` when what the tests need is available. Otherwise the block is skipped
 * with the reason in its name (`<name> — skipped: <reason>`, which the skip-reason reporter prints
 * once per reason at the end of the run) — except in CI (`CI` set), where a missing requirement
 * is a failure: the block holds one failing test that says what is missing.
 */
export function describeWhen(name: string, needs: Needs, body: () => void): void {
  const availability = combined(needs);
  if (availability.available) describe(name, body);
  else if (inCI()) {
    describe(name, () => {
      test('has what it needs (required in CI)', () => {
        throw new Error(`CI is set but ${availability.reason}`);
      });
    });
  } else {
    noteSkipReason(availability.reason);
    describe.skip(`${name} — skipped: ${availability.reason}`, body);
  }
}

/**
 * `test` when what the test needs is available; otherwise the test is skipped with the reason in
 * its name, or, in CI, fails saying what is missing (as {@link describeWhen} does for a block).
 */
export function testWhen(
  needs: Needs,
): (name: string, body: TestFunction, timeout?: number) => void {
  const availability = combined(needs);
  return (name, body, timeout) => {
    if (availability.available) test(name, body, timeout);
    else if (inCI()) {
      test(name, () => {
        throw new Error(`CI is set but ${availability.reason}`);
      });
    } else {
      noteSkipReason(availability.reason);
      test.skip(`${name} — skipped: ${availability.reason}`, body, timeout);
    }
  };
}
