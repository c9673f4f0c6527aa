import { AUTH_METHODS, MAX_TIMER_MS, SCOPE_VARIABLE } from '@bots/auth';
import type { BotError, BotResult } from '@bots/core';
import {
  builtInProviders,
  findProvider,
  type MissingCredentialsError,
  type ProviderRegistry,
  takesTokens,
} from '@bots/providers';

/**
 * The CLI's own wording of the errors whose library message names what a CLI user cannot set
 * (`timeoutMs`, `requestTimeoutMs`, "or pass tokenProvider"): the flags and variables instead.
 */

/** What a run was given, for the messages. */
export interface RunLimits {
  /** `--timeout`, in milliseconds. */
  timeoutMs: number;
  /** Whether the user passed `--timeout` (else it is the default). */
  timeoutGiven: boolean;
  /** `--request-timeout`, in milliseconds (bot commands). */
  requestTimeoutMs?: number;
  /** The model string and where it is reached, when known. */
  model?: string;
  endpoint?: string;
  /** What a timeout stops (default: the model call or command in flight). */
  inFlight?: string;
}

function seconds(milliseconds: number): string {
  const value = milliseconds / 1000;
  return Number.isInteger(value) ? String(value) : value.toFixed(3).replace(/\.?0+$/, '');
}

function humanDuration(milliseconds: number): string {
  const minutes = milliseconds / 60_000;
  if (minutes >= 120) return `${Math.round(minutes / 60)} hours`;
  if (minutes >= 1 && Number.isInteger(minutes))
    return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  return `${seconds(milliseconds)} s`;
}

const MAX_SECONDS = Math.floor(MAX_TIMER_MS / 1000);

/** The message of a run that hit `--timeout`. */
export function runTimeoutMessage(limits: RunLimits, iterations: number): string {
  const limit = limits.timeoutGiven
    ? `--timeout ${seconds(limits.timeoutMs)} (${humanDuration(limits.timeoutMs)})`
    : `the default --timeout of ${seconds(limits.timeoutMs)} s (${humanDuration(limits.timeoutMs)})`;
  return `The run did not finish within ${limit}: ${limits.inFlight ?? 'the model call or command in flight'} was stopped after ${iterations} model call${iterations === 1 ? '' : 's'}. Pass a larger --timeout in seconds (at most ${MAX_SECONDS}), or split the task.`;
}

/** The message of a model call that hit `--request-timeout`. */
export function modelTimeoutMessage(
  limits: RunLimits,
  error?: { endpoint?: unknown; timeoutMs?: unknown },
): string {
  const endpoint =
    typeof error?.endpoint === 'string' && error.endpoint ? error.endpoint : limits.endpoint;
  const timeoutMs =
    typeof error?.timeoutMs === 'number' ? error.timeoutMs : (limits.requestTimeoutMs ?? 0);
  const doctor = limits.model ? ` (bots doctor --model ${limits.model} checks them)` : '';
  return `The model${endpoint ? ` at ${endpoint}` : ''} did not answer within ${seconds(timeoutMs)} s (--request-timeout ${seconds(timeoutMs)}). Check the endpoint and the deployment name${doctor}, or pass a larger --request-timeout in seconds.`;
}

/** A run's error in the CLI's words (others unchanged). */
export function cliRunError(
  error: BotError | undefined,
  limits: RunLimits,
  iterations: number,
): BotError | undefined {
  if (error?.name === 'RunTimeoutError')
    return { ...error, message: runTimeoutMessage(limits, iterations) };
  if (error?.name === 'ModelTimeoutError')
    return { ...error, message: modelTimeoutMessage(limits) };
  return error;
}

/** A run's result with its error in the CLI's words. */
export function cliResult<T extends BotResult>(result: T, limits: RunLimits): T {
  const error = cliRunError(result.error, limits, result.iterations);
  return error === result.error ? result : { ...result, error };
}

/**
 * No key and no token for a provider, in a CLI user's terms: the variables that give a key, and
 * `AZURE_AUTH_METHOD` for a token (never "pass tokenProvider", which a CLI user cannot do).
 */
export function missingCredentialsMessage(
  error: MissingCredentialsError,
  model?: string,
  providers: ProviderRegistry = builtInProviders,
): string {
  const keys = error.keyVariables.length > 0 ? error.keyVariables.join(' or ') : undefined;
  const key = keys ? `Set ${keys} to use an API key` : undefined;
  const methods = AUTH_METHODS.filter((method) => method !== 'api_key' && method !== 'azure_ad');
  const definition = findProvider(error.provider, providers);
  const scope = definition?.scopeSuggestion
    ? ` and ${SCOPE_VARIABLE}=${definition.scopeSuggestion.scope}`
    : '';
  const tokens =
    definition && takesTokens(definition)
      ? `set AZURE_AUTH_METHOD=azure_ad${scope} to use an Entra ID token (managed identity, workload identity, az login, ...; or one credential: ${methods.join(', ')})`
      : undefined;
  const ways = [key, tokens].filter(Boolean).join(', or ');
  const doctor = model ? ` \`bots doctor --model ${model}\` shows what is found.` : '';
  return `No credentials for ${error.provider}. ${ways ? `${ways.charAt(0).toUpperCase()}${ways.slice(1)}.` : ''}${doctor}`;
}
