import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// Both builds of @bots/auth in one process, as when one dependency requires the CJS build and
// another imports the ESM build: two copies of every class (turbo builds before testing).
const require = createRequire(import.meta.url);
const commonJs = require('../dist/index.cjs') as typeof import('../src/index.js');
const esm = (await import('../dist/index.js' as string)) as typeof import('../src/index.js');

describe('errors made by one build, checked with the classes of the other', () => {
  it('loads two distinct copies of the classes', () => {
    expect(commonJs.ConfigurationError).not.toBe(esm.ConfigurationError);
  });

  it('isInstance and instanceof accept a CJS-made error with the ESM class, and the other way', () => {
    const fromCommonJs = new commonJs.MissingDependencyError('@azure/identity', 'azure_ad');
    expect(esm.MissingDependencyError.isInstance(fromCommonJs)).toBe(true);
    expect(esm.ConfigurationError.isInstance(fromCommonJs)).toBe(true);
    expect(esm.BotsError.isInstance(fromCommonJs)).toBe(true);
    expect(fromCommonJs instanceof esm.ConfigurationError).toBe(true);
    expect(fromCommonJs).toBeInstanceOf(esm.BotsError);
    expect(esm.AuthenticationError.isInstance(fromCommonJs)).toBe(false);
    expect(fromCommonJs instanceof esm.AuthenticationError).toBe(false);

    const fromEsm = new esm.AuthenticationError('The token provider failed.');
    expect(commonJs.AuthenticationError.isInstance(fromEsm)).toBe(true);
    expect(fromEsm instanceof commonJs.BotsError).toBe(true);
    expect(commonJs.ConfigurationError.isInstance(fromEsm)).toBe(false);
  });

  it('the kind survives the trip: errorKindOf of either build reads it', () => {
    const fromCommonJs = new commonJs.MissingDependencyError('@azure/identity', 'azure_ad');
    expect(fromCommonJs.kind).toBe('configuration');
    expect(esm.errorKindOf(fromCommonJs)).toBe('configuration');
    expect(commonJs.errorKindOf(new esm.AuthenticationError('No token.'))).toBe('authentication');
  });

  it('a plain Error, or an object that only looks like one, is no BotsError of either build', () => {
    const lookalike = { name: 'ConfigurationError', message: 'x', kind: 'configuration' };
    for (const build of [esm, commonJs]) {
      expect(build.BotsError.isInstance(new Error('x'))).toBe(false);
      expect(build.ConfigurationError.isInstance(lookalike)).toBe(false);
      expect(new Error('x') instanceof build.BotsError).toBe(false);
    }
  });
});
