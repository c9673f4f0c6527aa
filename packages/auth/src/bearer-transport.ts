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

/** Options of {@link assertSecretTransport}. */
export interface SecretTransportCheck {
  /** What the URL is, for the message: the option or variable it came from. */
  label?: string;
  /** What would be sent, for the message: `a bearer token`, `the API key from OPEN_AI_KEY`. */
  secret: string;
  /** The kind in the plural, for the message: `tokens`, `keys`. */
  kind: string;
  /** How to fix it (default: use the https URL). */
  hint?: string;
}

/**
 * Throws a `ConfigurationError` unless a secret may be sent to `url`: over https, or over plain
 * http only to a loopback address (local tests, the emulator). The message names the origin,
 * never the secret.
 */
export function assertSecretTransport(url: string | URL, check: SecretTransportCheck): void {
  const label = check.label ?? 'endpoint';
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
    `Refusing to send ${check.secret} to ${where} (the ${label}): ${check.kind} go only over https, or over plain http to a loopback address. ${check.hint ?? 'Use the https URL of the endpoint.'}`,
  );
}

/**
 * Throws a `ConfigurationError` unless a bearer token may be sent to `url`: over https, or over
 * plain http only to a loopback address (local tests, the emulator).
 */
export function assertBearerTransport(url: string | URL, label = 'endpoint'): void {
  assertSecretTransport(url, { label, secret: 'a bearer token', kind: 'tokens' });
}
