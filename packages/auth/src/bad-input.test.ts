// Bad library input to @bots/auth: each a ConfigurationError at the call, before anything is
// loaded or fetched, whose message names the option, the value it got and the fix, and holds no
// secret.
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from './errors.js';
import { registerSecret } from './redact.js';
import { toTokenProvider } from './to-token-provider.js';
import { cachedTokenProvider, tokenProviderFromCredential } from './token-cache.js';
import { tokenProviderFromEnv } from './token-provider-from-env.js';

const SECRET_KEY = 'bad-input-key-SECRET-7777';
const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJiYWQtaW5wdXQifQ.c2lnbmF0dXJlLWJhZA';
registerSecret(SECRET_KEY);

/** An env that holds a key and a token: none may appear in an error. */
const ENV = { OPEN_AI_KEY: SECRET_KEY, AZURE_OPENAI_AD_TOKEN: JWT, AZURE_AUTH_METHOD: 'azure_ad' };

const credential = {
  getToken: async () => ({ token: JWT, expiresOnTimestamp: Date.now() + 3_600_000 }),
};
let imported = 0;
const importer = async () => {
  imported++;
  throw new Error('@azure/identity must not be loaded for bad input');
};

type Case = [label: string, call: () => unknown, message: RegExp];

// The cases of an unknown provider and of anthropic without a scope moved with the provider
// knowledge to @bots/providers (packages/providers/src/token-scope.test.ts).

const cases: Case[] = [
  [
    'tokenProviderFromEnv(null)',
    () => tokenProviderFromEnv(null as never),
    /^tokenProviderFromEnv options must be an object, but got null\. Pass an object such as \{ provider: 'azure-openai' \}/,
  ],
  [
    'tokenProviderFromEnv("x")',
    () => tokenProviderFromEnv('x' as never),
    /^tokenProviderFromEnv options must be an object, but got "x"\. Pass an object/,
  ],
  [
    'a numeric scope',
    () => tokenProviderFromEnv({ env: ENV, scope: 42 as never, importer }),
    /^scope must be a non-empty string, but got 42\. Pass a scope such as https:\/\/cognitiveservices/,
  ],
  [
    "scope: ''",
    () => tokenProviderFromEnv({ env: ENV, scope: '', importer }),
    /^scope must be a non-empty string, but got ""\. Pass a scope such as/,
  ],
  [
    'a blank scope',
    () => tokenProviderFromEnv({ env: ENV, scope: '   ', importer }),
    /^scope must be a non-empty string, but got " {3}"\. Pass a scope/,
  ],
  [
    'env: "x"',
    () => tokenProviderFromEnv({ env: 'x' as never, importer }),
    /^env must be an object, but got "x"\. Pass process\.env or \{ NAME: "value" \}\./,
  ],
  [
    'env: null',
    () => tokenProviderFromEnv({ env: null as never, importer }),
    /^env must be an object, but got null\. Pass process\.env/,
  ],
  [
    'an unknown option',
    () => tokenProviderFromEnv({ env: ENV, scopes: ['x'], importer } as never),
    /^tokenProviderFromEnv options has no option "scopes"\. Valid options: env, provider, scope, credential, importer, shared, refreshWindowMs/,
  ],
  [
    'an option in the wrong case',
    () => tokenProviderFromEnv({ env: ENV, Scope: 'x', importer } as never),
    /has no option "Scope"\. Did you mean scope\?/,
  ],
  [
    'a credential without getToken',
    () => tokenProviderFromEnv({ env: ENV, credential: {} as never }),
    /^credential\.getToken must be a function, but got undefined\. Pass a TokenCredential/,
  ],
  [
    'a credential that is a string',
    () => tokenProviderFromEnv({ env: ENV, credential: JWT as never }),
    /^credential must be an object, but got "\[REDACTED\]"\. Pass a TokenCredential/,
  ],
  [
    'refreshWindowMs: -1',
    () => tokenProviderFromEnv({ env: ENV, refreshWindowMs: -1, importer }),
    /^refreshWindowMs must be a positive number of milliseconds, at most 2147483647, but got -1\. It is how long before expiry/,
  ],
  [
    'refreshWindowMs: NaN',
    () => tokenProviderFromEnv({ env: ENV, refreshWindowMs: Number.NaN, importer }),
    /^refreshWindowMs must be a positive number of milliseconds.*but got NaN\./,
  ],
  [
    'expiryMarginMs beyond a timer',
    () => tokenProviderFromEnv({ env: ENV, expiryMarginMs: 1e20, importer }),
    /^expiryMarginMs must be a positive number of milliseconds, at most 2147483647, but got 100000000000000000000\. It is how close to expiry/,
  ],
  [
    'now: 5',
    () => tokenProviderFromEnv({ env: ENV, now: 5 as never, importer }),
    /^now must be a function, but got 5\. Pass \(\) => Date\.now\(\)\./,
  ],
  [
    'an env value that is not a string',
    () => tokenProviderFromEnv({ env: { AZURE_AUTH_METHOD: 5 as never }, importer }),
    /^env\.AZURE_AUTH_METHOD must be a string, but got 5\. Environment values are strings\./,
  ],
  [
    'a token pasted into AZURE_AUTH_METHOD',
    () => tokenProviderFromEnv({ env: { AZURE_AUTH_METHOD: JWT }, importer }),
    /^AZURE_AUTH_METHOD is "\[REDACTED\]", which is not a known auth method\. Set it to one of: api_key, azure_ad/,
  ],
  [
    'tokenProviderFromCredential without a credential',
    () => tokenProviderFromCredential(undefined as never, 'https://ai.azure.com/.default'),
    /^credential must be an object, but got undefined\. Pass a TokenCredential/,
  ],
  [
    "tokenProviderFromCredential with scope ''",
    () => tokenProviderFromCredential(credential, ''),
    /^scope must be a non-empty string, but got ""\. Pass a scope such as .*COGNITIVE_SERVICES_SCOPE/,
  ],
  [
    'cachedTokenProvider with a string',
    () => cachedTokenProvider(JWT as never),
    /^fetchToken must be a function, but got "\[REDACTED\]"\. Pass a function that resolves to an AccessToken\./,
  ],
  [
    'cachedTokenProvider with a misspelt option',
    () => cachedTokenProvider(async () => null, { refreshWindowMS: 1 } as never),
    /^cachedTokenProvider options has no option "refreshWindowMS"\. Did you mean refreshWindowMs\?/,
  ],
  [
    'toTokenProvider with a token string',
    () => toTokenProvider(JWT),
    /^tokenProvider must be a function that returns a token .*but got a string\. Pass getBearerTokenProvider/,
  ],
];

async function caught(call: () => unknown): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('bad input to @bots/auth', () => {
  it.each(cases)(
    '%s: a ConfigurationError that names the option, the value and the fix',
    async (_label, call, message) => {
      imported = 0;
      const error = await caught(call);
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as Error).message).toMatch(message);
      const text = `${String(error)} ${(error as Error).stack ?? ''} ${JSON.stringify(error)}`;
      expect(text).not.toContain(SECRET_KEY);
      expect(text).not.toContain(JWT);
      expect(text).not.toContain('eyJ');
      expect(imported).toBe(0);
    },
  );
});
