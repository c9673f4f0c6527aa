import { DEFAULT_COMMAND_TIMEOUT_MS, DEFAULT_MAX_ITERATIONS } from '@bots/core';
import { DEFAULT_PROVIDER, modelForm, modelForms, providerNamed } from '@bots/providers';
import { modelString, oneOf, seconds, wholeNumber } from './flag-values.js';
import { flag, value } from './option-table.js';

/** The time limit of a run when `--timeout` is not given: 10 minutes. */
export const DEFAULT_TIMEOUT_SECONDS = 600;
/** The time limit of one model call when `--request-timeout` is not given: 3 minutes. */
export const DEFAULT_REQUEST_TIMEOUT_SECONDS = 180;

/** The valid model forms of the providers' registry, as one phrase: `a, b, c or d`. */
export const MODEL_FORMS_PHRASE = modelForms()
  .join(', ')
  .replace(/, (?=[^,]*$)/, ' or ');

const defaultProvider = providerNamed(DEFAULT_PROVIDER);

/** `-m, --model <provider/name>`. */
export const MODEL_OPTION = value({
  argument: '<provider/name>',
  short: 'm',
  description: `the model: ${MODEL_FORMS_PHRASE}`,
  defaultLabel: `BOTS_MODEL, else ${modelForm(defaultProvider)} from ${defaultProvider.defaultNameVariables.join(' or ')}`,
  parse: modelString,
});

/** `--sandbox docker|local`. */
export const SANDBOX_OPTION = value({
  argument: 'docker|local',
  description:
    'force a sandbox: docker (a container of the sandbox image) or local (bubblewrap on this host)',
  defaultLabel:
    'docker when an engine answers and its image builds, else local; the CLI says which and why',
  parse: oneOf(
    ['docker', 'local'],
    'Leave it out to use Docker when an engine answers, else bubblewrap.',
  ),
});

/** `--max-iterations <N>`. */
export const MAX_ITERATIONS_OPTION = value({
  argument: '<N>',
  description: 'most model calls of the run',
  defaultLabel: String(DEFAULT_MAX_ITERATIONS),
  parse: wholeNumber(1, 'Pass a whole number such as --max-iterations 30.'),
});

/** `--timeout <seconds>`, in milliseconds. */
export const TIMEOUT_OPTION = value({
  argument: '<seconds>',
  description:
    'time limit of the whole run: when it passes, the model call and the command in flight are stopped',
  default: DEFAULT_TIMEOUT_SECONDS * 1000,
  defaultLabel: `${DEFAULT_TIMEOUT_SECONDS} s, 10 minutes`,
  parse: seconds(`Pass a number of seconds such as --timeout 1800 (30 minutes).`),
});

/** `--request-timeout <seconds>`, in milliseconds. */
export const REQUEST_TIMEOUT_OPTION = value({
  argument: '<seconds>',
  description: 'time limit of one model call: a model that does not answer within it ends the run',
  default: DEFAULT_REQUEST_TIMEOUT_SECONDS * 1000,
  defaultLabel: `${DEFAULT_REQUEST_TIMEOUT_SECONDS} s, 3 minutes`,
  parse: seconds('Pass a number of seconds such as --request-timeout 300.'),
});

/** `--command-timeout <seconds>`, in milliseconds; undefined leaves the default of `@bots/core`. */
export const COMMAND_TIMEOUT_OPTION = value({
  argument: '<seconds>',
  description:
    'time limit of one command in the sandbox: it is killed and reported as exit code 124, and the run goes on',
  defaultLabel: `${DEFAULT_COMMAND_TIMEOUT_MS / 1000} s`,
  parse: seconds('Pass a number of seconds such as --command-timeout 300 for a long build.'),
});

/** `--json`. */
export const JSON_OPTION = flag(
  'print the result object (status, result, error, steps, usage) as JSON on stdout',
);

/** `-h, --help`. */
export const HELP_OPTION = flag('show this help', { short: 'h' });

/** The options of the bot commands (run, read, write, logs, demo). */
export const BOT_OPTIONS = {
  model: MODEL_OPTION,
  sandbox: SANDBOX_OPTION,
  'max-iterations': MAX_ITERATIONS_OPTION,
  timeout: TIMEOUT_OPTION,
  'request-timeout': REQUEST_TIMEOUT_OPTION,
  'command-timeout': COMMAND_TIMEOUT_OPTION,
  json: JSON_OPTION,
  help: HELP_OPTION,
} as const;
