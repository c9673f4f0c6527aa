import { ConfigurationError } from '@bots/auth';
import { describe, expect, it } from 'vitest';
import { InvalidModelError } from './errors.js';
import { PROVIDER_NAMES, parseModel } from './model-string.js';

describe('parseModel', () => {
  it.each([
    ['azure-openai/gpt-4o', 'azure-openai', 'gpt-4o'],
    ['openai/gpt-4.1-mini', 'openai', 'gpt-4.1-mini'],
    ['anthropic/claude-sonnet-4-5', 'anthropic', 'claude-sonnet-4-5'],
    ['ollama-local/llama3.2:latest', 'ollama-local', 'llama3.2:latest'],
  ])('splits %s', (model, provider, name) => {
    expect(parseModel(model)).toEqual({ provider, name });
  });

  it.each([
    ['gpt-4o', 'has no "/"'],
    ['azure-openai/a/b', 'more than one "/"'],
    ['azure/gpt-4o', '"azure" is not a known provider'],
    ['azure-openai/', 'no deployment name'],
    ['openai/', 'no model name'],
    ['ollama-local/  ', 'no model name'],
    ['', 'has no "/"'],
    ['/gpt-4o', 'is not a known provider'],
    ['openai/ gpt', 'whitespace'],
  ])('rejects %j', (model, why) => {
    let caught: unknown;
    try {
      parseModel(model);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidModelError);
    expect(caught).toBeInstanceOf(ConfigurationError);
    const message = (caught as Error).message;
    expect(message).toContain(why);
    for (const form of [
      'azure-openai/<deployment>',
      'openai/<model>',
      'anthropic/<deployment>',
      'ollama-local/<model>',
    ]) {
      expect(message).toContain(form);
    }
    expect((caught as Error).name).toBe('InvalidModelError');
  });

  it('rejects a non-string with the same error', () => {
    expect(() => parseModel(42 as unknown as string)).toThrow(InvalidModelError);
  });

  it('knows the four providers', () => {
    expect(PROVIDER_NAMES).toEqual(['azure-openai', 'anthropic', 'openai', 'ollama-local']);
  });
});
