import { loadIdentity as importIdentityModule, type ModuleImporter } from './load-identity.js';
import type { TokenCredential, TokenProvider } from './token-provider.js';

/** A credential class of `@azure/identity`: `new ManagedIdentityCredential(...)` and the like. */
export type CredentialClass = new (...args: any[]) => TokenCredential;

/**
 * The part of `@azure/identity` that this package uses and that {@link loadIdentity} hands out.
 *
 * Written here rather than taken from `@azure/identity`'s own types, so that the declarations of
 * `@bots/auth` typecheck for a consumer who uses API keys only and has not installed that optional
 * peer dependency. With it installed, import it yourself for its full types. The real module
 * fits this type: `loadIdentity` is typed with it and compiled against the real one.
 */
export interface IdentityModule {
  DefaultAzureCredential: CredentialClass;
  ManagedIdentityCredential: CredentialClass;
  AzureCliCredential: CredentialClass;
  AzureDeveloperCliCredential: CredentialClass;
  EnvironmentCredential: CredentialClass;
  WorkloadIdentityCredential: CredentialClass;
  ChainedTokenCredential: CredentialClass;
  /** `@azure/identity`'s own cached provider (it refreshes within 2 minutes of expiry). */
  getBearerTokenProvider(
    credential: TokenCredential,
    scopes: string | string[],
    options?: object,
  ): TokenProvider;
}

/**
 * Loads `@azure/identity` on first use (it is an optional peer dependency, never loaded by
 * importing `@bots/auth`). When it is not installed, rejects with a `MissingDependencyError`
 * that names the install command.
 */
export function loadIdentity(importer?: ModuleImporter): Promise<IdentityModule> {
  return importIdentityModule(importer);
}
