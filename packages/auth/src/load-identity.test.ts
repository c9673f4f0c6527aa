import { describe, expect, it } from 'vitest';
import { MissingDependencyError } from './errors.js';
import { loadIdentity } from './load-identity.js';

describe('loadIdentity', () => {
  it('names the install command when @azure/identity is missing', async () => {
    const missing = async () => {
      throw Object.assign(new Error("Cannot find package '@azure/identity' imported from x"), {
        code: 'ERR_MODULE_NOT_FOUND',
      });
    };
    const error = await loadIdentity(missing).then(
      () => {
        throw new Error('expected a rejection');
      },
      (caught: unknown) => caught as Error,
    );
    expect(error).toBeInstanceOf(MissingDependencyError);
    expect(error.message).toBe(
      'Entra ID authentication (AZURE_AUTH_METHOD) needs the optional package "@azure/identity", which is not installed. Install it with: npm install @azure/identity',
    );
  });

  it('passes other import failures through', async () => {
    const broken = async () => {
      throw new SyntaxError('bad module');
    };
    await expect(loadIdentity(broken)).rejects.toThrow(SyntaxError);
  });

  it('loads the real package when installed', async () => {
    const identity = await loadIdentity();
    expect(typeof identity.DefaultAzureCredential).toBe('function');
    expect(typeof identity.ManagedIdentityCredential).toBe('function');
  });
});
