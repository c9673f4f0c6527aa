import { ConfigurationError } from './errors.js';

/** True for `localhost`, `127.0.0.0/8` and `::1`. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === '::1' ||
    /^127(?:\.\d{1,3}){3}$/.test(host)
  );
}

/**
 * Throws a `ConfigurationError` unless a bearer token may be sent to `url`: over https, or over
 * plain http only to a loopback address (local tests, the emulator).
 */
export function assertBearerTransport(url: string | URL, label = 'endpoint'): void {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : url;
  } catch {
    throw new ConfigurationError(
      `The ${label} is not a valid URL. Set it to an https URL such as https://my-resource.openai.azure.com.`,
    );
  }
  if (parsed.protocol === 'https:') return;
  if (parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname)) return;
  const where = `${parsed.protocol}//${parsed.host}`;
  throw new ConfigurationError(
    `Refusing to send a bearer token to ${where} (the ${label}): tokens go only over https, or over plain http to a loopback address. Use the https URL of the endpoint.`,
  );
}
