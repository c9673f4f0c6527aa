import { parseClaimsChallenge } from '@bots/auth';

/**
 * The claims of a claims challenge (Continuous Access Evaluation) on a failed request, or
 * `undefined`: the `WWW-Authenticate` header of the SDK's error (`openai`'s and
 * `@anthropic-ai/sdk`'s `APIError` carry the response's `Headers` as `headers`; a plain record of
 * headers is read too, in any case), parsed by `parseClaimsChallenge`.
 */
export function claimsChallengeOf(error: unknown): string | undefined {
  const headers = (error as { headers?: unknown } | null)?.headers;
  if (!headers || typeof headers !== 'object') return undefined;
  let value: unknown;
  if (typeof (headers as Headers).get === 'function') {
    value = (headers as Headers).get('www-authenticate');
  } else {
    const name = Object.keys(headers).find((key) => key.toLowerCase() === 'www-authenticate');
    value = name === undefined ? undefined : (headers as Record<string, unknown>)[name];
  }
  if (Array.isArray(value)) value = value.join(', ');
  return typeof value === 'string' ? parseClaimsChallenge(value) : undefined;
}
