import { checkKnownKeys, checkObject, checkString } from '@bots/auth';

/** The names of `MicroBotOptions`. */
export const MICRO_BOT_OPTION_NAMES = [
  'model',
  'systemPrompt',
  'mounts',
  'environment',
  'tokenProvider',
  'env',
  'tools',
  'sandboxOptions',
  'maxOutputChars',
] as const;

/**
 * Checks that a bot's options are an object with only the options it knows (a typo such as
 * `mount` would otherwise be ignored). `bot` is the class name, `known` its option names.
 */
export function checkBotOptions(
  options: unknown,
  bot: string,
  known: readonly string[],
  example: string,
): Record<string, unknown> {
  const record = checkObject(
    options,
    `${bot} options`,
    `Pass an object, e.g. new ${bot}(${example}).`,
  );
  checkKnownKeys(record, `${bot} options`, known);
  return record;
}

/** The option names of a bot made from a MicroBot: its own, and MicroBot's but `mounts`. */
export function optionNamesWithout(
  removed: readonly string[],
  added: readonly string[],
): readonly string[] {
  return [...MICRO_BOT_OPTION_NAMES.filter((name) => !removed.includes(name)), ...added];
}

/** Checks a prompt option (`systemPrompt`, `subBotPrompt`): a string, or '' when not given. */
export function promptOption(value: unknown, name: string): string {
  if (value === undefined) return '';
  return checkString(value, name, {
    hint: "It is the bot's role and instructions, e.g. 'Answer in one paragraph.'",
  });
}
