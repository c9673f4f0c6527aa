import { AuthenticationError, errorKindOf } from '@bots/auth';
import { describe, expect, it } from 'vitest';
import { ForwardedModelError } from './agent/forwarded-model-error.js';
import { BrowserError } from './browser-error.js';
import { BrowserImageError } from './browser-image.js';
import type { BrowserTaskOptions } from './browser-task-options.js';
import { OutputCollector } from './output-collector.js';

describe('the kinds of browser-tool errors', () => {
  it('each class has its kind, and the kind table of @bots/auth agrees', () => {
    for (const error of [new BrowserError('Chromium did not start.'), new BrowserImageError('x')]) {
      expect(error.kind).toBe('sandbox');
      expect(errorKindOf({ name: error.name })).toBe('sandbox');
    }
  });

  it('an error forwarded over the host channel has the kind of the class it is named after', () => {
    const refused = new ForwardedModelError('ModelAuthenticationError', 'The endpoint refused.');
    expect(refused.kind).toBe('authentication');
    expect(refused).toBeInstanceOf(AuthenticationError);
    expect(new ForwardedModelError('ModelTimeoutError', 'Late.').kind).toBe('limit');
    expect(new ForwardedModelError('SomeProviderError', 'Odd.').kind).toBe('model');
  });

  it('the host reads the kind from the name in the "Final Error:" line', () => {
    const collector = new OutputCollector(Date.now(), {} as BrowserTaskOptions);
    collector.line('Final Error: MissingCredentialsError: No credentials for azure-openai.');
    expect(collector.finalError).toMatchObject({
      name: 'MissingCredentialsError',
      kind: 'configuration',
    });
    collector.line('Final Error: ModelAuthenticationError: The endpoint refused the token.');
    expect(collector.finalError).toMatchObject({ kind: 'authentication' });
  });
});
