import type { BotError, BotResult } from '@bots/core';
import { describe, expect, it } from 'vitest';
import type { CommandContext } from './command-context.js';
import { report } from './run-bot.js';

function context(signal = new AbortController().signal): CommandContext {
  const ignore = () => undefined;
  return {
    args: [],
    env: {},
    cwd: process.cwd(),
    signal,
    stdout: ignore,
    answer: ignore,
    stderr: ignore,
    color: false,
  };
}

/** A failed result; `kind` may be left out, as in a result from a build before kinds. */
function failed(
  error: Omit<BotError, 'kind'> & { kind?: BotError['kind'] },
  status: BotResult['status'] = 'failed',
): BotResult {
  return {
    status,
    result: undefined,
    error: error as BotError,
    steps: [],
    iterations: 1,
    usage: { inputTokens: 0, outputTokens: 0 },
    durationMs: 5,
  };
}

describe('the exit code of a run, by the kind of its error', () => {
  it('2 for a configuration error of any class, with or without kind in the result', () => {
    for (const error of [
      { name: 'ConfigurationError', kind: 'configuration', message: 'Set X.' },
      { name: 'MissingDependencyError', kind: 'configuration', message: 'Install it.' },
      { name: 'MissingDependencyError', message: 'Install it.' },
      { name: 'MissingCredentialsError', message: 'Set OPEN_AI_KEY.' },
    ] as const)
      expect(report(context(), failed(error), false)).toBe(2);
  });

  it('1 for the other kinds, and for an error nothing is known of', () => {
    for (const error of [
      { name: 'ModelAuthenticationError', kind: 'authentication', message: 'Refused.' },
      { name: 'ModelRequestError', kind: 'model', message: 'Failed.' },
      { name: 'SandboxError', kind: 'sandbox', message: 'No engine.' },
      { name: 'MaxIterationsError', message: 'Limit.' },
      { name: 'TypeError', message: 'x is undefined' },
    ] as const)
      expect(report(context(), failed(error), false)).toBe(1);
    expect(
      report(context(), failed({ name: 'RunTimeoutError', message: 'Late.' }, 'timeout'), false),
    ).toBe(1);
  });

  it('0 on success, 130 when interrupted', () => {
    const success: BotResult = { ...failed({ name: 'x', message: 'x' }), status: 'success' };
    expect(report(context(), { ...success, error: undefined, result: 'done' }, false)).toBe(0);
    expect(
      report(
        context(AbortSignal.abort()),
        failed({ name: 'RunAbortedError', message: 'Stopped.' }, 'aborted'),
        false,
      ),
    ).toBe(130);
  });
});
