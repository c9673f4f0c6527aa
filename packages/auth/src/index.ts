export {
  AUTH_METHODS,
  type AuthMethod,
  type CredentialMethod,
  describeAuthMethods,
  type Env,
  readVariable,
  resolveAuthMethod,
  resolveAuthMethods,
} from './auth-method.js';
export {
  assertBearerTransport,
  assertSecretTransport,
  type SecretTransportCheck,
} from './bearer-transport.js';
export { parseClaimsChallenge } from './claims-challenge.js';
export {
  credentialForMethod,
  credentialForMethods,
  credentialFromEnv,
} from './credential-for-method.js';
export {
  CREDENTIAL_CLASS_OF,
  type CredentialClassName,
  type CredentialPlan,
  type CredentialPlanOptions,
  credentialPlan,
  DISABLE_INSTANCE_DISCOVERY_VARIABLE,
  IDENTITY_OBJECT_ID_VARIABLE,
  IDENTITY_RESOURCE_ID_VARIABLE,
  instanceDiscoveryDisabled,
  type ManagedIdentityChoice,
  managedIdentityChoice,
} from './credential-plan.js';
export { ERROR_KINDS, type ErrorKind, errorKindOf, isErrorKind } from './error-kind.js';
export {
  AuthenticationError,
  BotsError,
  ConfigurationError,
  MissingDependencyError,
} from './errors.js';
export { type CredentialClass, type IdentityModule, loadIdentity } from './identity-module.js';
export { type JwtClaims, jwtExpiresOn, readJwtClaims } from './jwt-claims.js';
export type { ModuleImporter } from './load-identity.js';
export {
  checkAbortSignal,
  checkBoolean,
  checkDuration,
  checkEnvRecord,
  checkFunction,
  checkInteger,
  checkKnownKeys,
  checkNumber,
  checkObject,
  checkOneOf,
  checkString,
  type DurationCheck,
  describeValue,
  MAX_TIMER_MS,
  type NumberCheck,
} from './option-checks.js';
export { redact, redactForModel, registerSecret } from './redact.js';
export {
  AI_FOUNDRY_SCOPE,
  COGNITIVE_SERVICES_SCOPE,
  SCOPE_VARIABLE,
  scopeFromEnv,
} from './scopes.js';
export {
  clearSharedTokenProviders,
  type SharedTokenProviderSettings,
  sharedTokenProviderCount,
  sharedTokenProviderKey,
} from './shared-token-providers.js';
export {
  AUTH_ATTRIBUTES,
  AUTH_SPAN_NAMES,
  type CacheOutcome,
  recordRedactedException,
} from './telemetry.js';
export { toTokenProvider } from './to-token-provider.js';
export {
  cachedTokenProvider,
  type TokenCacheOptions,
  tokenProviderFromCredential,
} from './token-cache.js';
export {
  type AccessToken,
  type CachedTokenProvider,
  canInvalidate,
  type InvalidateOptions,
  type TokenCacheStats,
  type TokenCredential,
  type TokenProvider,
  type TokenProviderLike,
  type TokenRequestOptions,
} from './token-provider.js';
export {
  type TokenProviderFromEnvOptions,
  tokenProviderFromEnv,
} from './token-provider-from-env.js';
