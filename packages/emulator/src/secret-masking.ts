import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

const SECRET_HEADER_PATTERN =
  /authorization|api-key|apikey|token|secret|cookie|identity-header|password/i;

/** `sha256:` and the first 12 hex digits of the hash of a secret. */
export function fingerprint(secret: string): string {
  return `sha256:${createHash('sha256').update(secret).digest('hex').slice(0, 12)}`;
}

/** The value to record instead of a secret. */
export function maskSecret(value: string): string {
  const bearer = /^(bearer|basic)\s+(.+)$/i.exec(value);
  if (bearer) return `${bearer[1]} <redacted ${fingerprint(bearer[2]!)}>`;
  return `<redacted ${fingerprint(value)}>`;
}

/** Request headers with the values of secret-bearing headers replaced by a fingerprint. */
export function maskHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const masked: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers)) {
    if (raw === undefined) continue;
    const value = Array.isArray(raw) ? raw.join(', ') : raw;
    masked[name] = SECRET_HEADER_PATTERN.test(name) ? maskSecret(value) : value;
  }
  return masked;
}
