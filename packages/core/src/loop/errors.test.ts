import { BotsError, errorKindOf } from '@bots/auth';
import { describe, expect, it } from 'vitest';
import { SandboxError } from '../sandbox/errors.js';
import {
  MaxIterationsError,
  ModelCallError,
  ModelFormatError,
  RunAbortedError,
  RunTimeoutError,
} from './errors.js';

describe('the errors of @bots/core', () => {
  it('each class has its kind, and the kind table of @bots/auth agrees (for errors as data)', () => {
    const classes = [
      [ModelFormatError, 'model'],
      [ModelCallError, 'model'],
      [MaxIterationsError, 'limit'],
      [RunTimeoutError, 'limit'],
      [RunAbortedError, 'aborted'],
      [SandboxError, 'sandbox'],
    ] as const;
    for (const [errorClass, kind] of classes) {
      const error = new errorClass('Something happened.');
      expect(error.kind).toBe(kind);
      expect(errorClass.kind).toBe(kind);
      expect(errorKindOf(error)).toBe(kind);
      expect(errorKindOf({ name: errorClass.name, message: '' })).toBe(kind);
      expect(errorClass.isInstance(error)).toBe(true);
      expect(BotsError.isInstance(error)).toBe(true);
    }
    expect(SandboxError.isInstance(new ModelCallError('x'))).toBe(false);
  });
});
