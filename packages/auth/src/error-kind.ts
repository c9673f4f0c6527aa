import { BotsError } from './errors.js';

/**
 * What failed, in the few categories a caller acts on (an exit code, a retry, a log field):
 * - `configuration`: the input is wrong or missing (an option, an environment variable, a model
 *   string, a package to install); fix it and run again.
 * - `authentication`: a credential or token provider failed, or an endpoint refused the credential.
 * - `model`: the model's side failed (an error status, no connection, replies that break the
 *   protocol). Also the kind of an error nothing more specific is known of (see
 *   {@link errorKindOf}).
 * - `sandbox`: the sandbox or the browser container could not be created, started or used.
 * - `limit`: a limit was reached (a run's or a request's timeout, the iteration budget).
 * - `aborted`: the caller cancelled the work through its signal.
 */
export type ErrorKind =
  | 'configuration'
  | 'authentication'
  | 'model'
  | 'sandbox'
  | 'limit'
  | 'aborted';

/** Every {@link ErrorKind}, in the order of its documentation. */
export const ERROR_KINDS: readonly ErrorKind[] = Object.freeze([
  'configuration',
  'authentication',
  'model',
  'sandbox',
  'limit',
  'aborted',
]);

/**
 * The kind of each error class of the `@bots/*` packages by its name, and of the platform's
 * abort and timeout errors: for an error that crossed a process boundary as text (the browser
 * container's `Final Error: <name>: <message>` line) or as data (a `BotError` without `kind`).
 * Each class's own `kind` is the truth; a test checks this table against the classes.
 */
const KIND_BY_NAME: Readonly<Record<string, ErrorKind>> = Object.freeze({
  // @bots/auth
  ConfigurationError: 'configuration',
  MissingDependencyError: 'configuration',
  AuthenticationError: 'authentication',
  // @bots/providers
  InvalidModelError: 'configuration',
  MissingCredentialsError: 'configuration',
  ModelAuthenticationError: 'authentication',
  ModelRequestError: 'model',
  ModelTimeoutError: 'limit',
  // @bots/core
  ModelCallError: 'model',
  ModelFormatError: 'model',
  MaxIterationsError: 'limit',
  RunTimeoutError: 'limit',
  RunAbortedError: 'aborted',
  SandboxError: 'sandbox',
  // @bots/browser-tool
  BrowserError: 'sandbox',
  BrowserImageError: 'sandbox',
  // the bots CLI
  UsageError: 'configuration',
  // the platform's (DOMException names of AbortSignal.abort() and AbortSignal.timeout())
  AbortError: 'aborted',
  TimeoutError: 'limit',
});

/** True when `value` is one of the {@link ERROR_KINDS}. */
export function isErrorKind(value: unknown): value is ErrorKind {
  return typeof value === 'string' && (ERROR_KINDS as readonly string[]).includes(value);
}

/**
 * The kind of any error, or of an error as plain data (`{ name, kind? }`, such as a run's
 * `BotError`):
 * 1. an error of the `@bots/*` packages (from any copy of them, ESM or CJS): its `kind`;
 * 2. data that carries a valid `kind`: that kind;
 * 3. a known name (the classes of the `@bots/*` packages; `AbortError` is `aborted`,
 *    `TimeoutError` is `limit`): the kind of that name;
 * 4. anything else: `fallback`, by default `model`. In a bot run what is neither the library's
 *    own error nor an abort or a timeout came from the model's side (its SDK, its HTTP client, a
 *    custom `ChatModel`); pass the kind of where the error came from when you know it better
 *    (the run loop passes `sandbox` for what an `Environment` threw).
 */
export function errorKindOf(error: unknown, fallback: ErrorKind = 'model'): ErrorKind {
  if (BotsError.isInstance(error)) return error.kind;
  if (typeof error !== 'object' || error === null) return fallback;
  const { kind, name } = error as { kind?: unknown; name?: unknown };
  if (isErrorKind(kind)) return kind;
  if (typeof name === 'string' && Object.hasOwn(KIND_BY_NAME, name))
    return KIND_BY_NAME[name] as ErrorKind;
  return fallback;
}
