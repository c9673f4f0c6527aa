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
      "AUTH_ATTRIBUTES",
      "AUTH_METHODS",
      "AUTH_SPAN_NAMES",
      "AuthenticationError",
      "BotsError",
      "COGNITIVE_SERVICES_SCOPE",
      "CREDENTIAL_CLASS_OF",
      "ConfigurationError",
      "DISABLE_INSTANCE_DISCOVERY_VARIABLE",
      "ERROR_KINDS",
      "IDENTITY_OBJECT_ID_VARIABLE",
      "IDENTITY_RESOURCE_ID_VARIABLE",
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
      "clearSharedTokenProviders",
      "credentialForMethod",
      "credentialForMethods",
      "credentialFromEnv",
      "credentialPlan",
      "describeAuthMethods",
      "describeValue",
      "errorKindOf",
      "instanceDiscoveryDisabled",
      "isErrorKind",
      "jwtExpiresOn",
      "loadIdentity",
      "managedIdentityChoice",
      "parseClaimsChallenge",
      "readJwtClaims",
      "readVariable",
      "recordRedactedException",
      "redact",
      "redactForModel",
      "registerSecret",
      "resolveAuthMethod",
      "resolveAuthMethods",
      "scopeFromEnv",
      "sharedTokenProviderCount",
      "sharedTokenProviderKey",
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
      "CacheOutcome",
      "CachedTokenProvider",
      "CredentialClass",
      "CredentialClassName",
      "CredentialMethod",
      "CredentialPlan",
      "CredentialPlanOptions",
      "DurationCheck",
      "Env",
      "ErrorKind",
      "IdentityModule",
      "InvalidateOptions",
      "JwtClaims",
      "ManagedIdentityChoice",
      "ModuleImporter",
      "NumberCheck",
      "SecretTransportCheck",
      "SharedTokenProviderSettings",
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
