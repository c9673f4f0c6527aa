import { ConfigurationError } from '@bots/auth';
import { describe, expect, test } from 'vitest';
import { BOT_OPTIONS } from './bot-options.js';
import { nearestName } from './nearest-name.js';
import { flag, list, parseOptions, value } from './option-table.js';
import { UsageError } from './usage.js';

describe('parseOptions', () => {
  test('fills in the defaults of the table: --timeout 600 s, --request-timeout 180 s', () => {
    const { values, given } = parseOptions('read', BOT_OPTIONS, ['dir', 'question']);
    expect(values.timeout).toBe(600_000);
    expect(values['request-timeout']).toBe(180_000);
    expect(values['max-iterations']).toBeUndefined();
    expect(values.json).toBe(false);
    expect(given.has('timeout')).toBe(false);
  });

  test('parses each value with its parser; seconds become milliseconds', () => {
    const { values, positionals, given } = parseOptions('read', BOT_OPTIONS, [
      'dir',
      '--timeout',
      '1.5',
      '-m',
      'openai/gpt-4o',
      'question',
      '--json',
    ]);
    expect(values.timeout).toBe(1500);
    expect(values.model).toBe('openai/gpt-4o');
    expect(values.json).toBe(true);
    expect(positionals).toEqual(['dir', 'question']);
    expect(given.has('timeout')).toBe(true);
  });

  test('a negative number after a value option is its value (and then refused by its check)', () => {
    expect(() => parseOptions('run', BOT_OPTIONS, ['--timeout', '-5'])).toThrow(
      /run: --timeout must be a positive number of seconds.*but got -5\./,
    );
  });

  test("a parser's ConfigurationError becomes the command's UsageError", () => {
    const table = {
      size: value({
        argument: '<n>',
        description: 'a size',
        parse: (raw, name) => {
          throw new ConfigurationError(`${name} is wrong: ${raw}`);
        },
      }),
      tag: list({ argument: '<t>', description: 'tags', parse: (raw) => raw.toUpperCase() }),
      quiet: flag('be quiet'),
    };
    expect(parseOptions('x', table, ['--tag', 'a', '--tag', 'b']).values.tag).toEqual(['A', 'B']);
    try {
      parseOptions('x', table, ['--size', '3']);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      expect((error as UsageError).command).toBe('x');
      expect((error as Error).message).toBe('x: --size is wrong: 3');
    }
  });
});

describe('nearestName', () => {
  test('finds the option a typo meant, and nothing for a word far from all', () => {
    const names = Object.keys(BOT_OPTIONS);
    expect(nearestName('timout', names)).toBe('timeout');
    expect(nearestName('sandbx', names)).toBe('sandbox');
    expect(nearestName('iterations', names)).toBe('max-iterations');
    expect(nearestName('jsno', names)).toBe('json');
    expect(nearestName('frobnicate', names)).toBeUndefined();
  });
});
