import { describe, expect, it } from 'vitest';
import { redact, redactValue, registerSecret } from './redact.js';

describe('redact', () => {
  it('masks JWTs, bearer values, sk- keys and secret-named fields', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL2NvZ25pdGl2ZSJ9.c2lnbmF0dXJlLWJ5dGVz';
    expect(redact(`token ${jwt} end`)).toBe('token [REDACTED] end');
    expect(redact('Authorization: Bearer abcdef123456')).toBe('Authorization: [REDACTED]');
    expect(redact('sent Bearer abcdef123456 to it')).toBe('sent Bearer [REDACTED] to it');
    expect(redact('key sk-proj-abcdefghijkl')).toBe('key [REDACTED]');
    expect(redact('api-key: 0123456789abcdef')).toBe('api-key: [REDACTED]');
    expect(redact('{"api_key":"0123456789abcdef"}')).toBe('{"api_key":"[REDACTED]"}');
    expect(redact('AZURE_OPENAI_AD_TOKEN=opaque-value-123')).toBe(
      'AZURE_OPENAI_AD_TOKEN=[REDACTED]',
    );
  });

  it('leaves ordinary text alone', () => {
    const text = 'max_tokens: 100, input_tokens=5, task_done: true, tokens used: 42';
    expect(redact(text)).toBe(text);
  });

  it('masks registered secrets of any shape', () => {
    registerSecret('opaque secret with spaces 42');
    expect(redact('the value was opaque secret with spaces 42!')).toBe('the value was [REDACTED]!');
    registerSecret('short');
    expect(redact('short')).toBe('short');
  });

  it('masks inside structured values', () => {
    registerSecret('structured-secret-value');
    expect(redactValue({ nested: ['structured-secret-value'] })).toEqual({
      nested: ['[REDACTED]'],
    });
  });
});
