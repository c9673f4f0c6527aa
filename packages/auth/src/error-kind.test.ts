import { describe, expect, it } from 'vitest';
import { ERROR_KINDS, errorKindOf, isErrorKind } from './error-kind.js';
import {
  AuthenticationError,
  BotsError,
  ConfigurationError,
  MissingDependencyError,
} from './errors.js';

describe('error kinds', () => {
  it('each class says its kind, statically and on its instances', () => {
    expect(ConfigurationError.kind).toBe('configuration');
    expect(new ConfigurationError('Set X.').kind).toBe('configuration');
    expect(new MissingDependencyError('@azure/identity', 'azure_ad').kind).toBe('configuration');
    expect(new AuthenticationError('No token.').kind).toBe('authentication');
    expect(new BotsError('Something failed.').kind).toBe('model');
  });

  it('the kind is no own enumerable property: errors serialise and compare as before', () => {
    const error = new ConfigurationError('Set X.', { cause: new Error('inner') });
    expect(Object.keys(error)).not.toContain('kind');
    expect(JSON.parse(JSON.stringify(error))).toEqual({ name: 'ConfigurationError' });
    expect(error).toEqual(new ConfigurationError('Set X.', { cause: new Error('inner') }));
    expect(error).toMatchObject({ name: 'ConfigurationError', message: 'Set X.' });
  });

  it('errorKindOf: a library error by its kind, data by its kind or its name, aborts and timeouts', () => {
    expect(errorKindOf(new MissingDependencyError('@azure/identity', 'azure_ad'))).toBe(
      'configuration',
    );
    expect(errorKindOf({ name: 'Whatever', kind: 'sandbox', message: '' })).toBe('sandbox');
    expect(errorKindOf({ name: 'MaxIterationsError', message: '' })).toBe('limit');
    expect(errorKindOf({ name: 'RunTimeoutError', message: '' })).toBe('limit');
    expect(errorKindOf({ name: 'RunAbortedError', message: '' })).toBe('aborted');
    expect(errorKindOf({ name: 'ModelAuthenticationError', message: '' })).toBe('authentication');
    expect(errorKindOf({ name: 'SandboxError', message: '' })).toBe('sandbox');
    expect(errorKindOf(AbortSignal.abort().reason)).toBe('aborted');
    expect(errorKindOf(AbortSignal.timeout(0).reason ?? { name: 'TimeoutError' })).not.toBe(
      'configuration',
    );
    expect(errorKindOf(new DOMException('late', 'TimeoutError'))).toBe('limit');
  });

  it('errorKindOf: anything else is the fallback, by default model', () => {
    expect(errorKindOf(new TypeError('x is undefined'))).toBe('model');
    expect(errorKindOf(new Error('boom'), 'sandbox')).toBe('sandbox');
    expect(errorKindOf('a string')).toBe('model');
    expect(errorKindOf(undefined)).toBe('model');
    expect(errorKindOf({ name: 'toString' })).toBe('model');
    expect(errorKindOf({ name: 'X', kind: 'not a kind' }, 'limit')).toBe('limit');
  });

  it('isErrorKind knows exactly the six kinds', () => {
    expect(ERROR_KINDS).toEqual([
      'configuration',
      'authentication',
      'model',
      'sandbox',
      'limit',
      'aborted',
    ]);
    expect(ERROR_KINDS.every(isErrorKind)).toBe(true);
    expect(isErrorKind('internal')).toBe(false);
  });

  it('AuthenticationError and ConfigurationError accept every error of their kind', () => {
    class RejectedCredentialError extends BotsError {
      static override readonly kind = 'authentication' as const;
    }
    const rejected = new RejectedCredentialError('The endpoint refused the token.');
    expect(rejected).toBeInstanceOf(AuthenticationError);
    expect(AuthenticationError.isInstance(rejected)).toBe(true);
    expect(ConfigurationError.isInstance(rejected)).toBe(false);
    class NarrowerError extends AuthenticationError {}
    expect(NarrowerError.isInstance(rejected)).toBe(false);
    expect(NarrowerError.isInstance(new NarrowerError('x'))).toBe(true);
  });
});
