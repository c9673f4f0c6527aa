import { AuthenticationError, BotsError, ConfigurationError, errorKindOf } from '@bots/auth';
import { describe, expect, it } from 'vitest';
import {
  InvalidModelError,
  MissingCredentialsError,
  ModelAuthenticationError,
  ModelRequestError,
  ModelTimeoutError,
} from './errors.js';
import { toModelError } from './model-errors.js';

const context = {
  provider: 'azure-openai' as const,
  model: 'gpt-4o',
  endpoint: 'https://example.openai.azure.com/openai/v1',
};

describe('the errors of @bots/providers', () => {
  it('each class has its kind, and the kind table of @bots/auth agrees', () => {
    const errors = [
      new InvalidModelError('gpt', 'Write provider/name.'),
      new MissingCredentialsError('azure-openai', ['OPEN_AI_KEY'], 'Set OPEN_AI_KEY.'),
      new ModelRequestError('failed', { ...context, status: 500 }),
      new ModelAuthenticationError('refused', { ...context, status: 401 }),
      new ModelTimeoutError('https://example.openai.azure.com', 1000),
    ];
    expect(errors.map((error) => error.kind)).toEqual([
      'configuration',
      'configuration',
      'model',
      'authentication',
      'limit',
    ]);
    for (const error of errors) expect(errorKindOf({ name: error.name })).toBe(error.kind);
  });

  it('one model request error: a 401/403 is a ModelRequestError, and an AuthenticationError', () => {
    const refused = new ModelAuthenticationError('refused', { ...context, status: 403 });
    expect(refused).toBeInstanceOf(ModelRequestError);
    expect(refused).toBeInstanceOf(AuthenticationError);
    expect(refused).toBeInstanceOf(BotsError);
    expect(refused).not.toBeInstanceOf(ConfigurationError);
    expect(AuthenticationError.isInstance(refused)).toBe(true);
    expect(ModelRequestError.isInstance(refused)).toBe(true);
    expect(refused).toMatchObject({ name: 'ModelAuthenticationError', status: 403 });
    const failed = new ModelRequestError('failed', { ...context, status: 500 });
    expect(failed).not.toBeInstanceOf(AuthenticationError);
    expect(ModelAuthenticationError.isInstance(failed)).toBe(false);
  });

  it('isRetryable: from the status by default, as given otherwise', () => {
    const retryable = (status?: number) =>
      new ModelRequestError('failed', { ...context, ...(status ? { status } : {}) }).isRetryable;
    expect([408, 409, 429, 500, 503].map(retryable)).toEqual([true, true, true, true, true]);
    expect([400, 401, 403, 404, 422].map(retryable)).toEqual([false, false, false, false, false]);
    expect(retryable()).toBe(true);
    expect(
      new ModelRequestError('failed', { ...context, status: 500, isRetryable: false }).isRetryable,
    ).toBe(false);
  });

  it('toModelError sets status and isRetryable as the retry policy decides', () => {
    const sdkError = (status: number, headers: Record<string, string> = {}) =>
      Object.assign(new Error(`${status} failed`), { status, headers: new Headers(headers) });
    const rateLimited = toModelError(sdkError(429), context) as ModelRequestError;
    expect(rateLimited).toMatchObject({
      name: 'ModelRequestError',
      status: 429,
      isRetryable: true,
    });
    expect(toModelError(sdkError(400), context)).toMatchObject({ status: 400, isRetryable: false });
    expect(toModelError(sdkError(500, { 'x-should-retry': 'false' }), context)).toMatchObject({
      status: 500,
      isRetryable: false,
    });
    const refused = toModelError(sdkError(401), context);
    expect(refused).toBeInstanceOf(ModelAuthenticationError);
    expect(refused).toMatchObject({ kind: 'authentication', status: 401, isRetryable: false });
  });
});
