const REDACTED = '[REDACTED]';
const MAX_REGISTERED = 256;
const MIN_SECRET_LENGTH = 8;

const registered = new Set<string>();

type Rule = readonly [RegExp, string];

/**
 * Formats that are secrets whatever surrounds them: masked everywhere, also in the user's own
 * data on its way to the model.
 */
const TOKEN_SHAPES: readonly Rule[] = [
  // JSON Web Tokens (Entra ID access tokens).
  [/eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, REDACTED],
  // OpenAI- and Anthropic-style keys: `sk-`, then a long run that holds a digit (real keys are
  // 40 characters and more; `sk-learn-pipeline` is not a key).
  [/\bsk-(?=[A-Za-z0-9_-]*\d)[A-Za-z0-9_-]{20,}/g, REDACTED],
];

/**
 * Name-based rules: a value is masked because of the name beside it. Right for the library's own
 * logs and errors, wrong for the user's files (`if (password === stored)` is code, not a secret).
 */
const NAME_RULES: readonly Rule[] = [
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
  // Authorization header values.
  [/\b(Bearer|Basic)\s+(?!\[REDACTED\])[A-Za-z0-9._~+/=-]{6,}/gi, `$1 ${REDACTED}`],
  // Anything that starts like a key, short ones too.
  [/\bsk-[A-Za-z0-9_-]{8,}/g, REDACTED],
];

/**
 * Remembers a secret (a token or a key) so that `redact` and `redactForModel` mask it wherever it
 * appears, whatever its shape. Every token that `@bots/auth` fetches and every key
 * `@bots/providers` reads is registered. Short values (under 8 characters) are ignored: masking
 * them would mangle text.
 */
export function registerSecret(secret: string | undefined): void {
  if (!secret || secret.length < MIN_SECRET_LENGTH || registered.has(secret)) return;
  if (registered.size >= MAX_REGISTERED) {
    const oldest = registered.values().next().value;
    if (oldest !== undefined) registered.delete(oldest);
  }
  registered.add(secret);
}

function maskRegistered(text: string): string {
  let result = text;
  for (const secret of registered) {
    if (result.includes(secret)) result = result.split(secret).join(REDACTED);
  }
  return result;
}

function apply(text: string, rules: readonly Rule[]): string {
  let result = text;
  for (const [pattern, replacement] of rules) result = result.replace(pattern, replacement);
  return result;
}

/**
 * Masks secrets in the library's own output (logs, error messages, diagnostics): registered
 * secrets, JWTs, `sk-` keys, `Bearer` values and the values of secret-named fields
 * (`api_key=...`, `"password": "..."`, `OPEN_AI_KEY=...`). Not for the user's data on its way to
 * the model: use {@link redactForModel} there.
 */
export function redact(text: string): string {
  return apply(apply(maskRegistered(text), NAME_RULES), TOKEN_SHAPES);
}

/**
 * Masks secrets in the user's data on its way to the model (command output, file contents, the
 * model's own thoughts and answers): only the secrets the library holds (registered tokens and
 * keys) and strings shaped like a token (JWTs, `sk-` keys). Never by field name: a line such as
 * `if (password === stored)` or `api_key = os.environ["SERVICE_API_KEY"]` reaches the model as
 * written.
 */
export function redactForModel(text: string): string {
  return apply(maskRegistered(text), TOKEN_SHAPES);
}

/** `redact` for any value: strings are masked, errors get a masked message, others pass through JSON. */
export function redactValue<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T;
  if (value === null || typeof value !== 'object') return value;
  return JSON.parse(redact(JSON.stringify(value))) as T;
}
