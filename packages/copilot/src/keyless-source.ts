import type { TokenProvider } from '@bots/auth';
import type { ModelConnection } from '@bots/providers';
import type { CopilotProviderConfig } from './copilot-provider-config.js';

/** What a provider config made by `copilotProvider` came from: kept beside it, never in it. */
export interface KeylessSource {
  /** The resolved connection (plain data, no secret). */
  readonly connection: ModelConnection;
  /** The token provider behind the config (a `CachedTokenProvider` when it came from `@bots/auth`). */
  readonly tokenProvider: TokenProvider;
  /** How the config hands out its token. */
  readonly delivery: 'callback' | 'static';
  /** The same config with a token fetched now (for `static`), from the same token provider. */
  refresh(): Promise<CopilotProviderConfig>;
}

// A WeakMap rather than a property: the SDK serialises the provider config to the runtime, and a
// config the user copies or spreads should stay a plain ProviderConfig.
const sources = new WeakMap<object, KeylessSource>();

/** Records where a provider config came from (`copilotProvider` calls it). */
export function rememberKeylessSource(config: CopilotProviderConfig, source: KeylessSource): void {
  // A refreshed config comes from the same source.
  const tracked: KeylessSource = {
    ...source,
    refresh: async () => {
      const fresh = await source.refresh();
      sources.set(fresh, tracked);
      return fresh;
    },
  };
  sources.set(config, tracked);
}

/**
 * The token provider and connection behind a provider config made by `copilotProvider`, or
 * `undefined` for a config made otherwise (or a copy of one).
 */
export function keylessSourceOf(config: unknown): KeylessSource | undefined {
  return typeof config === 'object' && config !== null ? sources.get(config) : undefined;
}
