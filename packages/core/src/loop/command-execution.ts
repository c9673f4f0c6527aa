import type { CommandResult, Environment } from '../environment.js';
import { SandboxError } from '../sandbox/errors.js';
import { childController, raceSignal } from './abort.js';
import type { ExecutionOutcome } from './execution-outcome.js';
import type { CallTrace } from './model-call.js';
import { errorOf, messageOf, RunFailure } from './run-failure.js';
import { endExecutionSpan, startExecutionSpan } from './telemetry.js';

/** Extra time a sandbox gets past `commandTimeoutMs` before the loop gives up on the command itself. */
const COMMAND_TIMEOUT_GRACE_MS = 2_000;

/**
 * Runs one command in the sandbox, in a `bots.command` span (the command text only with
 * `trace.content`). A command past its timeout (or a sandbox that does not return
 * shortly after it) is reported as exit code 124; a sandbox that fails ends the run as `failed`
 * with a `SandboxError`; the run's abort propagates.
 */
export async function runCommand(
  command: string,
  environment: Environment,
  runSignal: AbortSignal,
  commandTimeoutMs: number,
  trace: CallTrace,
): Promise<ExecutionOutcome> {
  const scope = startExecutionSpan(trace.parent, { command }, trace.content);
  let outcome: ExecutionOutcome | undefined;
  let failure: unknown;
  try {
    outcome = await execute(command, environment, runSignal, commandTimeoutMs);
    return outcome;
  } catch (error) {
    failure = error;
    throw error;
  } finally {
    endExecutionSpan(scope, outcome, failure);
  }
}

async function execute(
  command: string,
  environment: Environment,
  runSignal: AbortSignal,
  commandTimeoutMs: number,
): Promise<ExecutionOutcome> {
  const { controller, release } = childController(runSignal);
  const startedAt = performance.now();
  const backstop = setTimeout(
    () => controller.abort(new Error('command timeout backstop')),
    commandTimeoutMs + COMMAND_TIMEOUT_GRACE_MS,
  );
  try {
    const result: CommandResult = await raceSignal(
      () =>
        environment.execute(command, {
          timeoutMs: commandTimeoutMs,
          signal: controller.signal,
        }),
      controller.signal,
    );
    return {
      exitCode: result.timedOut ? 124 : result.exitCode,
      output: typeof result.output === 'string' ? result.output : '',
      timedOut: result.timedOut === true,
      truncated: result.truncated === true,
      durationMs: Math.round(result.durationMs ?? performance.now() - startedAt),
    };
  } catch (error) {
    if (runSignal.aborted) throw runSignal.reason;
    if (controller.signal.aborted) {
      return {
        exitCode: 124,
        output: '',
        timedOut: true,
        truncated: false,
        durationMs: Math.round(performance.now() - startedAt),
      };
    }
    throw new RunFailure(
      errorOf(error, SandboxError, `The sandbox failed to run a command: ${messageOf(error)}`),
    );
  } finally {
    clearTimeout(backstop);
    release();
  }
}
