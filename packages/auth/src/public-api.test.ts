import { fileURLToPath } from 'node:url';
import { entrySource, exportedSubpaths, typeOnlyExports } from '@bots/test-kit';
import { expect, test } from 'vitest';
import * as root from './index.js';

// The public names of each entry point of @bots/auth, runtime and type-only. A change to these
// lists is a deliberate API decision: review it, then update the snapshots (vitest -u).
const packageDirectory = fileURLToPath(new URL('..', import.meta.url));

test('every entry point of the exports map has its snapshots here', () => {
  expect(exportedSubpaths(packageDirectory)).toEqual(['.']);
});

test('@bots/auth: runtime names', () => {
  expect(Object.keys(root).sort()).toMatchInlineSnapshot(`
    [
      "AI_FOUNDRY_SCOPE",
      "AUTH_METHODS",
      "AuthenticationError",
      "BotsError",
      "COGNITIVE_SERVICES_SCOPE",
      "ConfigurationError",
      "ERROR_KINDS",
      "MAX_TIMER_MS",
      "MissingDependencyError",
      "SCOPE_VARIABLE",
      "assertBearerTransport",
      "assertSecretTransport",
      "cachedTokenProvider",
      "canInvalidate",
      "checkAbortSignal",
      "checkBoolean",
      "checkDuration",
      "checkEnvRecord",
      "checkFunction",
      "checkInteger",
      "checkKnownKeys",
      "checkNumber",
      "checkObject",
      "checkOneOf",
      "checkString",
      "credentialForMethod",
      "describeValue",
      "errorKindOf",
      "isErrorKind",
      "jwtExpiresOn",
      "loadIdentity",
      "readJwtClaims",
      "readVariable",
      "redact",
      "redactForModel",
      "registerSecret",
      "resolveAuthMethod",
      "scopeFromEnv",
      "toTokenProvider",
      "tokenProviderFromCredential",
      "tokenProviderFromEnv",
    ]
  `);
});

test('@bots/auth: type-only names', () => {
  expect(typeOnlyExports(entrySource(packageDirectory, '.'), root)).toMatchInlineSnapshot(`
    [
      "AccessToken",
      "AuthMethod",
      "CachedTokenProvider",
      "CredentialClass",
      "DurationCheck",
      "Env",
      "ErrorKind",
      "IdentityModule",
      "JwtClaims",
      "ModuleImporter",
      "NumberCheck",
      "SecretTransportCheck",
      "TokenCacheOptions",
      "TokenCacheStats",
      "TokenCredential",
      "TokenProvider",
      "TokenProviderFromEnvOptions",
      "TokenProviderLike",
      "TokenRequestOptions",
    ]
  `);
});
