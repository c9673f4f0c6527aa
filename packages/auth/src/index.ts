export {
  AUTH_METHODS,
  type AuthMethod,
  type Env,
  readVariable,
  resolveAuthMethod,
} from './auth-method.js';
export {
  assertBearerTransport,
  assertSecretTransport,
  type SecretTransportCheck,
} from './bearer-transport.js';
export { credentialForMethod } from './credential-for-method.js';
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
