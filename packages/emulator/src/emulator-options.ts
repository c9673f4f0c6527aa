import type { EmulatorApplication } from './authority/applications.js';
import type { UserAssignedIdentityOptions } from './managed-identity/user-assigned-identity.js';
import type { ModelScript } from './model-script.js';

/** The API keys the emulated services accept. */
export interface EmulatorApiKeys {
  /** Azure OpenAI resource key (`api-key` header); also accepted by Foundry. */
  azureOpenAI: string;
  /** Anthropic API key (`x-api-key`); also accepted by the Foundry endpoint. */
  anthropic: string;
  /** OpenAI API key (`Authorization: Bearer`). */
  openai: string;
}

/** The keys used when `apiKeys` does not say otherwise. */
export const DEFAULT_API_KEYS: Readonly<EmulatorApiKeys> = {
  azureOpenAI: 'emulator-azure-openai-key',
  anthropic: 'emulator-anthropic-key',
  openai: 'emulator-openai-key',
};

/** The Azure OpenAI `api-version` the emulator's `env` advertises (any dated version is served). */
export const DEFAULT_API_VERSION = '2024-10-21';

/** Options of {@link startEmulator}. */
export interface EmulatorOptions {
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /** Port of the main listener (identity, Azure, Anthropic, OpenAI). Default 0: any free port. */
  port?: number;
  /** Port of the Ollama listener (its own, as its paths overlap OpenAI's). Default 0. */
  ollamaPort?: number;
  /** Lifetime of issued tokens. Default 3600. */
  tokenLifetimeSeconds?: number;
  /** API keys to accept, per service; missing ones take {@link DEFAULT_API_KEYS}. */
  apiKeys?: Partial<EmulatorApiKeys>;
  /**
   * The managed-identity endpoint's secret (`IDENTITY_HEADER`). Default: a random UUID drawn once
   * per process (shared by every emulator in it, as `@azure/msal-node` pins the header it first
   * used for the whole process).
   */
  identityHeader?: string;
  /** How the models answer. Default: a fixed reply that says no script is set. */
  script?: ModelScript;
  /** The clock, in milliseconds since the epoch, for issuing and checking tokens. Default `Date.now`. */
  clock?: () => number;
  /** The `api-version` to advertise in `env`. Default {@link DEFAULT_API_VERSION}. */
  apiVersion?: string;
  /**
   * Token audiences each Azure endpoint accepts. Defaults: `azure-openai` the Cognitive Services
   * audience only; `azure-openai-v1` and `anthropic-foundry` both `https://ai.azure.com` and
   * `https://cognitiveservices.azure.com`.
   */
  audiences?: Partial<
    Record<'azure-openai' | 'azure-openai-v1' | 'anthropic-foundry', readonly string[]>
  >;
  /**
   * Deployment names the Azure endpoints know; others get 404 `DeploymentNotFound`.
   * Default: any name is served.
   */
  deployments?: readonly string[];
  /** Models listed by Ollama's `/api/tags`. Default `['llama3.2:latest']`. Any name is served. */
  ollamaModels?: readonly string[];
  /** Tenant id in tokens (`tid`, `iss`). Default a fixed fake GUID. */
  tenantId?: string;
  /** Client id of the system-assigned identity (`appid`, `client_id`). Default a fixed fake GUID. */
  clientId?: string;
  /**
   * Sign with a key pair of this emulator's own. Default `false`: every emulator in the process
   * shares one key pair, so that a token `@azure/msal-node` cached from an earlier emulator (its
   * cache is process-wide and keyed by resource, not by endpoint) still verifies.
   */
  uniqueSigningKey?: boolean;
  /** Port of the https local Entra ID authority. Default 0: any free port. */
  authorityPort?: number;
  /**
   * Applications (service principals) the authority knows, besides the default one
   * (`DEFAULT_APPLICATION_ID`, with a generated secret, certificate and a federated credential
   * trusting the emulator's service-account issuer), which no other may use.
   */
  applications?: readonly EmulatorApplication[];
  /** Tenants the authority knows besides `tenantId` and the applications' tenants. */
  tenants?: readonly string[];
  /**
   * The user-assigned managed identities the identity endpoints know (by client, resource or
   * object id); a request naming another one gets the shape's "not found" error. Default: one,
   * `DEFAULT_USER_ASSIGNED_IDENTITY` (fake, fixed ids). `[]` for none.
   */
  userAssignedIdentities?: readonly UserAssignedIdentityOptions[];
}
