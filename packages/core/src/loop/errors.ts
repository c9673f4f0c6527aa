import { BotsError, type ErrorKind } from '@bots/auth';

/**
 * The model kept breaking the reply protocol (one JSON object
 * `{"task_done": boolean, "thoughts": string, "command": string}`) after every corrective message.
 */
export class ModelFormatError extends BotsError {
  static override readonly kind: ErrorKind = 'model';
}

/** The run used up its iteration budget (`maxIterations`, or a shared `IterationBudget`). */
export class MaxIterationsError extends BotsError {
  static override readonly kind: ErrorKind = 'limit';
}

/** The run did not finish within its `timeoutMs`. */
export class RunTimeoutError extends BotsError {
  static override readonly kind: ErrorKind = 'limit';
}

/** The run was cancelled through the `signal` passed to `run()`. */
export class RunAbortedError extends BotsError {
  static override readonly kind: ErrorKind = 'aborted';
}

/** The chat model could not be created or its call failed (network, authentication, provider error). */
export class ModelCallError extends BotsError {
  static override readonly kind: ErrorKind = 'model';
}
