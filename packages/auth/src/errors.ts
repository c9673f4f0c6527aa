import type { ErrorKind } from './error-kind.js';

/** The mark every error of the `@bots/*` packages carries, the same in every copy of them. */
const BOTS_ERROR_MARKER = Symbol.for('@bots/error');

/**
 * The classes whose check also accepts every error of their kind: a `ModelAuthenticationError`
 * of `@bots/providers` is an `AuthenticationError` without extending it.
 */
const CLASS_OF_KIND: Partial<Record<ErrorKind, string>> = {
  configuration: 'ConfigurationError',
  authentication: 'AuthenticationError',
};

/**
 * Base class of every error thrown by the `@bots/*` packages. `name` is the subclass name and
 * `cause` is forwarded. Each class says its {@link ErrorKind} in a static `kind`, which every
 * instance shows as `error.kind`.
 *
 * Instances carry a `Symbol.for('@bots/error')` mark, so that `X.isInstance(error)`, and
 * `error instanceof X` too, hold when two copies of a package are loaded (the ESM and the CJS
 * build, or two versions): the check is by the mark and the class names, not by identity.
 */
export class BotsError extends Error {
  /** The kind of the errors of this class; each subclass sets its own. */
  static readonly kind: ErrorKind = 'model';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    Object.defineProperty(this, BOTS_ERROR_MARKER, { value: true });
  }

  /** What failed: the `kind` of this error's class. */
  get kind(): ErrorKind {
    return (this.constructor as typeof BotsError).kind;
  }

  /**
   * True when `value` is an error of this class or of a subclass, made by any copy of the
   * package. `ConfigurationError.isInstance` and `AuthenticationError.isInstance` also accept
   * every error of their kind.
   */
  static isInstance<T>(this: abstract new (...args: never[]) => T, value: unknown): value is T {
    if (!isMarked(value)) return false;
    // biome-ignore lint/complexity/noThisInStatic: the class the check is called on.
    const name = this.name;
    if (name === BotsError.name || CLASS_OF_KIND[value.kind] === name) return true;
    for (
      let classOfValue: unknown = value.constructor;
      typeof classOfValue === 'function' && classOfValue !== Error;
      classOfValue = Object.getPrototypeOf(classOfValue)
    ) {
      if (classOfValue.name === name) return true;
    }
    return false;
  }

  /** `error instanceof X` is `X.isInstance(error)`: it holds across copies of the package. */
  static override [Symbol.hasInstance]<T>(
    this: abstract new (
      ...args: never[]
    ) => T,
    value: unknown,
  ): value is T {
    // biome-ignore lint/complexity/noThisInStatic: the class on the right of instanceof.
    return BotsError.isInstance.call(this, value);
  }
}

function isMarked(value: unknown): value is BotsError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { [BOTS_ERROR_MARKER]?: unknown })[BOTS_ERROR_MARKER] === true
  );
}

/** Bad or missing configuration (options, environment variables, model strings). Fix the input. */
export class ConfigurationError extends BotsError {
  static override readonly kind: ErrorKind = 'configuration';
}

/** A credential or token provider failed, or an endpoint rejected the credential. */
export class AuthenticationError extends BotsError {
  static override readonly kind: ErrorKind = 'authentication';
}

/** A required optional dependency is not installed. The message names the install command. */
export class MissingDependencyError extends ConfigurationError {
  /** The npm package that is missing. */
  readonly packageName: string;
  constructor(packageName: string, purpose: string, options?: { cause?: unknown }) {
    super(
      `${purpose} needs the optional package "${packageName}", which is not installed. Install it with: npm install ${packageName}`,
      options,
    );
    this.packageName = packageName;
  }
}
