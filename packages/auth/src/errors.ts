/**
 * Base class of every error thrown by the `@bots/*` packages. `name` is the subclass name and
 * `cause` is forwarded, so `instanceof` and logging both work as expected.
 */
export class BotsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad or missing configuration (options, environment variables, model strings). Fix the input. */
export class ConfigurationError extends BotsError {}

/** A credential or token provider failed, or an endpoint rejected the credential. */
export class AuthenticationError extends BotsError {}

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
