import { ConfigurationError, MissingDependencyError } from '@bots/auth';
import { describe, expect, it } from 'vitest';
import { loadCopilotSdk } from '../src/load-copilot-sdk.js';

describe('loadCopilotSdk', () => {
  it('names the install command when @github/copilot-sdk is missing', async () => {
    const missing = async () => {
      throw Object.assign(new Error("Cannot find package '@github/copilot-sdk' imported from x"), {
        code: 'ERR_MODULE_NOT_FOUND',
      });
    };
    const error = await loadCopilotSdk(missing).then(
      () => expect.unreachable('expected a rejection'),
      (caught: unknown) => caught as Error,
    );
    expect(error).toBeInstanceOf(MissingDependencyError);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toBe(
      'The GitHub Copilot SDK integration needs the optional package "@github/copilot-sdk", which is not installed. Install it with: npm install @github/copilot-sdk',
    );
  });

  it('passes other import failures through', async () => {
    const broken = async () => {
      throw new SyntaxError('bad module');
    };
    await expect(loadCopilotSdk(broken)).rejects.toThrow(SyntaxError);
  });

  it('loads the real SDK once, when installed', async () => {
    const sdk = await loadCopilotSdk();
    expect(typeof sdk.CopilotClient).toBe('function');
    expect(typeof sdk.approveAll).toBe('function');
    expect(await loadCopilotSdk()).toBe(sdk);
  });
});
