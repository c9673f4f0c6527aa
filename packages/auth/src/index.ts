export { AuthenticationError, BotsError, ConfigurationError, MissingDependencyError } from './errors.js';
export { AI_FOUNDRY_SCOPE, COGNITIVE_SERVICES_SCOPE } from './scopes.js';
export type { CachedTokenProvider, TokenCacheStats, TokenProvider, TokenProviderLike } from './token-provider.js';
