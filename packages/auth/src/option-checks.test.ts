import { describe, expect, it } from 'vitest';
import { ConfigurationError } from './errors.js';
import {
  checkBoolean,
  checkDuration,
  checkEnvRecord,
  checkInteger,
  checkKnownKeys,
  checkNumber,
  checkObject,
  checkOneOf,
  checkString,
  describeValue,
  MAX_TIMER_MS,
} from './option-checks.js';
import { registerSecret } from './redact.js';

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigurationError');
}

describe('option checks', () => {
  it('numbers: NaN, infinities, strings and out-of-range values are refused with the name', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, '5', -1, null]) {
      expect(messageOf(() => checkNumber(bad, 'cpus', { min: 0.01 }))).toMatch(
        /^cpus must be a number of at least 0.01, but got /,
      );
    }
    expect(checkNumber(1.5, 'cpus', { min: 0.01 })).toBe(1.5);
    expect(messageOf(() => checkNumber(Number.NaN, 'x'))).toContain('but got NaN');
  });

  it('integers: fractions and unsafe integers are refused; the range is stated', () => {
    expect(messageOf(() => checkInteger(2.5, 'pids', { min: 1 }))).toBe(
      'pids must be an integer of at least 1, but got 2.5.',
    );
    expect(messageOf(() => checkInteger(2 ** 60, 'pids', { min: 1 }))).toContain(
      'pids must be an integer',
    );
    expect(
      messageOf(() => checkInteger(-1, 'maxRetries', { min: 0, max: 10, hint: 'Pass e.g. 2.' })),
    ).toBe('maxRetries must be an integer from 0 to 10, but got -1. Pass e.g. 2.');
  });

  it('integers: a value in range passes', () => {
    expect(checkInteger(0, 'maxRetries', { min: 0, max: 10 })).toBe(0);
    expect(checkInteger(10, 'maxRetries', { min: 0, max: 10 })).toBe(10);
  });

  it('durations: beyond what a timer can wait is refused, not fired at once', () => {
    expect(messageOf(() => checkDuration(1e20, 'timeoutMs'))).toBe(
      `timeoutMs must be a positive number of milliseconds, at most ${MAX_TIMER_MS}, but got 100000000000000000000.`,
    );
    expect(checkDuration(MAX_TIMER_MS, 'timeoutMs')).toBe(MAX_TIMER_MS);
    expect(messageOf(() => checkDuration(0, 'timeoutMs'))).toContain('a positive number');
    expect(checkDuration(0, 'defaultTimeoutMs', { allowZero: true })).toBe(0);
    expect(messageOf(() => checkDuration(-1, 'defaultTimeoutMs', { allowZero: true }))).toContain(
      '(0: no limit)',
    );
  });

  it('durations in seconds: the limit is given in seconds and the result is milliseconds', () => {
    expect(checkDuration(90, '--timeout', { unit: 's' })).toBe(90_000);
    expect(messageOf(() => checkDuration(3_000_000, '--timeout', { unit: 's' }))).toBe(
      '--timeout must be a positive number of seconds, at most 2147483.647, but got 3000000.',
    );
  });

  it('one of: a near miss is an error that lists the valid values', () => {
    expect(
      messageOf(() => checkOneOf('readonly', 'mounts[0].mode', ['read-only', 'read-write'])),
    ).toBe('mounts[0].mode must be one of "read-only", "read-write", but got "readonly".');
    expect(checkOneOf('read-write', 'mode', ['read-only', 'read-write'])).toBe('read-write');
  });

  it('strings, booleans and objects', () => {
    expect(messageOf(() => checkString(5, 'systemPrompt'))).toBe(
      'systemPrompt must be a string, but got 5.',
    );
    expect(messageOf(() => checkString('  ', 'scope', { nonEmpty: true }))).toBe(
      'scope must be a non-empty string, but got "  ".',
    );
    expect(messageOf(() => checkBoolean('yes', 'network'))).toBe(
      'network must be true or false, but got "yes".',
    );
    expect(messageOf(() => checkObject('x', 'sandboxOptions'))).toBe(
      'sandboxOptions must be an object, but got "x".',
    );
    expect(messageOf(() => checkObject([], 'env'))).toBe(
      'env must be an object, but got an array of 0.',
    );
    expect(messageOf(() => checkObject(null, 'env'))).toBe('env must be an object, but got null.');
  });

  it('unknown keys are named, with the near match when only the case differs', () => {
    expect(
      messageOf(() => checkKnownKeys({ timeoutMS: 5 }, 'run options', ['timeoutMs', 'signal'])),
    ).toBe(
      'run options has no option "timeoutMS". Did you mean timeoutMs? Valid options: timeoutMs, signal.',
    );
    expect(() =>
      checkKnownKeys({ timeoutMs: 5, signal: undefined }, 'run options', ['timeoutMs']),
    ).not.toThrow();
  });

  it('env records: a name with "=" or a non-string value is refused, and no value is shown', () => {
    expect(messageOf(() => checkEnvRecord({ 'A=B': 'c' }, 'env'))).toContain('"A=B"');
    const message = messageOf(() => checkEnvRecord({ TOKEN: 5 }, 'env'));
    expect(message).toBe('env.TOKEN must be a string without NUL characters, but got 5.');
    expect(messageOf(() => checkEnvRecord({ X: 'secret-value\0' }, 'env'))).not.toContain(
      'secret-value',
    );
    expect(checkEnvRecord({ A_1: 'x' }, 'env')).toEqual({ A_1: 'x' });
  });

  it('a bad value that is a secret the library holds is masked in the message', () => {
    registerSecret('super-secret-key-0123456789');
    expect(describeValue('super-secret-key-0123456789')).toBe('"[REDACTED]"');
    expect(describeValue('x'.repeat(100))).toHaveLength(60);
  });
});

describe('checkAbortSignal', () => {
  it('takes a real signal and refuses anything else with the name', async () => {
    const { checkAbortSignal } = await import('./option-checks.js');
    const signal = new AbortController().signal;
    expect(checkAbortSignal(signal, 'signal')).toBe(signal);
    for (const bad of ['x', {}, null, 5, { aborted: false }]) {
      expect(messageOf(() => checkAbortSignal(bad, 'signal'))).toMatch(
        /^signal must be an AbortSignal, but got .*\. Pass the signal of an AbortController\.$/,
      );
    }
  });
});
