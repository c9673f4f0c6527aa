import {
  ConfigurationError,
  checkDuration,
  checkInteger,
  checkOneOf,
  checkString,
} from '@bots/auth';
import { parseModel } from '@bots/providers';
import type { ValueParser } from './option-table.js';

/**
 * What the user typed, as a number when it reads as a decimal number (`60`, `1.5`, `1e3`, `-5`),
 * else the text itself, so that a message quotes what was typed (`"abc"`, `"0x10"`, `"Infinity"`).
 */
function numeric(raw: string): number | string {
  return /^\s*[-+]?(\d+(\.\d*)?|\.\d+)(e[-+]?\d+)?\s*$/i.test(raw) ? Number(raw) : raw;
}

/** A number of seconds a timer can wait for (above 0, at most Node's timer limit), in milliseconds. */
export function seconds(hint: string): ValueParser<number> {
  return (raw, flag) => checkDuration(numeric(raw), flag, { unit: 's', hint });
}

/** A whole number of at least `min`. */
export function wholeNumber(min: number, hint: string): ValueParser<number> {
  return (raw, flag) => checkInteger(numeric(raw), flag, { min, hint });
}

/** One of a few words. */
export function oneOf<const T extends string>(allowed: readonly T[], hint: string): ValueParser<T> {
  return (raw, flag) => checkOneOf(raw, flag, allowed, hint);
}

/** A model string (`provider/name`), checked by `parseModel` of `@bots/providers`. */
export const modelString: ValueParser<string> = (raw, flag) => {
  checkString(raw, flag, {
    nonEmpty: true,
    hint: 'Pass a model such as --model azure-openai/<deployment>.',
  });
  try {
    parseModel(raw);
  } catch (error) {
    if (error instanceof ConfigurationError)
      throw new ConfigurationError(`${flag}: ${error.message}`);
    throw error;
  }
  return raw;
};
