const REDACTED = '[REDACTED]';
const MAX_REGISTERED = 256;
const MIN_SECRET_LENGTH = 8;

const registered = new Set<string>();

const patterns: ReadonlyArray<readonly [RegExp, string]> = [
  // key=value and "key": "value" forms of secret-named fields (an auth scheme included).
  [
    /(?<![A-Za-z0-9_-])((?:api[-_]?key|x-api-key|access[-_]?token|client[-_]?secret|password|secret|authorization|ad[-_]?token)["']?\s*[:=]\s*["']?)(?!(?:(?:Bearer|Basic)\s+)?\[REDACTED\])(?:(?:Bearer|Basic)\s+)?[^\s"',&;}]+/gi,
    `$1${REDACTED}`,
  ],
  // Environment variables that hold secrets: OPEN_AI_KEY=..., AZURE_OPENAI_AD_TOKEN=...
  [
    /\b([A-Z][A-Z0-9_]*(?:KEY|TOKEN|SECRET|PASSWORD)\s*[=:]\s*["']?)(?!\[REDACTED\])[^\s"',&;}]+/g,
    `$1${REDACTED}`,
  ],
  // JSON Web Tokens (Entra ID access tokens).
  [/eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, REDACTED],
  // Authorization header values.
  [/\b(Bearer|Basic)\s+(?!\[REDACTED\])[A-Za-z0-9._~+/=-]{6,}/gi, `$1 ${REDACTED}`],
  // OpenAI- and Anthropic-style keys.
  [/\bsk-[A-Za-z0-9_-]{8,}/g, REDACTED],
];

/**
 * Remembers a secret (a token or a key) so that `redact` masks it wherever it appears, whatever
 * its shape. Every token that `@bots/auth` fetches and every key `@bots/providers` reads is
 * registered. Short values (under 8 characters) are ignored: masking them would mangle text.
 */
export function registerSecret(secret: string | undefined): void {
  if (!secret || secret.length < MIN_SECRET_LENGTH || registered.has(secret)) return;
  if (registered.size >= MAX_REGISTERED) {
    const oldest = registered.values().next().value;
    if (oldest !== undefined) registered.delete(oldest);
  }
  registered.add(secret);
}

/**
 * Masks secrets in text that leaves the library (logs, errors, results, transcripts): registered
 * secrets, JWTs, `Bearer` values, `sk-` keys and the values of secret-named fields.
 */
export function redact(text: string): string {
  let result = text;
  for (const secret of registered) {
    if (result.includes(secret)) result = result.split(secret).join(REDACTED);
  }
  for (const [pattern, replacement] of patterns) result = result.replace(pattern, replacement);
  return result;
}

/** `redact` for any value: strings are masked, errors get a masked message, others pass through JSON. */
export function redactValue<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T;
  if (value === null || typeof value !== 'object') return value;
  return JSON.parse(redact(JSON.stringify(value))) as T;
}
