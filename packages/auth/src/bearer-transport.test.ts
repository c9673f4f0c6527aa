import { describe, expect, it } from 'vitest';
import { assertBearerTransport, isLoopbackHost } from './bearer-transport.js';
import { ConfigurationError } from './errors.js';

describe('assertBearerTransport', () => {
  it.each([
    'https://my-resource.openai.azure.com',
    'http://127.0.0.1:8080/openai',
    'http://127.4.5.6',
    'http://localhost:1234',
    'http://[::1]:99',
  ])('allows %s', (url) => {
    expect(() => assertBearerTransport(url)).not.toThrow();
  });

  it('refuses plain http to anything but loopback, naming the origin only', () => {
    const attempt = () =>
      assertBearerTransport('http://user:pw@example.invalid/openai?sig=1', 'AZURE_OPENAI_ENDPOINT');
    expect(attempt).toThrow(ConfigurationError);
    expect(attempt).toThrow(
      'Refusing to send a bearer token to http://example.invalid (the AZURE_OPENAI_ENDPOINT): tokens go only over https, or over plain http to a loopback address. Use the https URL of the endpoint.',
    );
  });

  it('rejects a malformed URL with a hint', () => {
    expect(() => assertBearerTransport('my-resource', 'OPEN_AI_END_POINT')).toThrow(
      'The OPEN_AI_END_POINT is not a valid URL.',
    );
  });

  it('knows loopback hosts', () => {
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('[::1]')).toBe(true);
    expect(isLoopbackHost('app.localhost')).toBe(true);
    expect(isLoopbackHost('128.0.0.1')).toBe(false);
    expect(isLoopbackHost('localhost.example.com')).toBe(false);
  });
});
