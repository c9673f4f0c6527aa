import type { JsonWebKey } from 'node:crypto';
import type { EmulatorApiKeys } from './emulator-options.js';
import type { Fault, InjectedFault, InjectFaultOptions } from './fault.js';
import type { IssuedToken, IssueTokenOptions, TokenVerification } from './issued-token.js';
import type { ManagedIdentitySource } from './managed-identity/managed-identity-source.js';
import type { UserAssignedIdentity } from './managed-identity/user-assigned-identity.js';
import type { ModelScript } from './model-script.js';
import type { RequestLog } from './request-log.js';

/** Where the emulated services listen. No trailing slashes. */
export interface EmulatorUrls {
  /** The main listener, e.g. `http://127.0.0.1:50123`. */
  base: string;
  /** The managed-identity endpoint (`IDENTITY_ENDPOINT`), `{base}/msi/token`. */
  identity: string;
  /** The public signing keys, `{base}/.well-known/jwks.json`. */
  jwks: string;
  /** The Azure OpenAI resource root (`AZURE_OPENAI_ENDPOINT`); the dated API is under `/openai`. */
  azureOpenAI: string;
  /** The Azure OpenAI v1 API, `{base}/openai/v1` (a plain `OpenAI` client's `baseURL`). */
  azureOpenAIv1: string;
  /** Anthropic on Foundry, `{base}/anthropic` (`AnthropicFoundry`'s `baseURL`). */
  anthropicFoundry: string;
  /** The Anthropic API root (`Anthropic`'s `baseURL`); messages at `/v1/messages`. */
  anthropic: string;
  /** The OpenAI API, `{base}/v1` (`OpenAI`'s `baseURL`). */
  openai: string;
  /** The Ollama listener, e.g. `http://127.0.0.1:50124`. */
  ollama: string;
}

/** A running emulator. */
export interface Emulator {
  /** Where everything listens. */
  readonly urls: EmulatorUrls;
  /**
   * Environment to point clients at the emulator, without any key (so that token auth is what a
   * client picks): `IDENTITY_ENDPOINT`, `IDENTITY_HEADER`, `AZURE_OPENAI_ENDPOINT`,
   * `OPEN_AI_END_POINT`, `AZURE_OPENAI_API_VERSION`, `OPEN_AI_API_VERSION`, `OPENAI_API_VERSION`,
   * `ANTHROPIC_END_POINT`, `OPENAI_ENDPOINT`, `LOCAL_MODEL_PORT`.
   */
  readonly env: Readonly<Record<string, string>>;
  /** The API keys under their environment names: `OPEN_AI_KEY`, `AZURE_OPENAI_API_KEY`, `ANTHROPIC_API_KEY`, `OPENAI_API_KEY`. */
  readonly keyEnv: Readonly<Record<string, string>>;
  /** The API keys accepted. */
  readonly apiKeys: Readonly<EmulatorApiKeys>;
  /** The managed-identity endpoint's secret header value (`IDENTITY_HEADER`). */
  readonly identityHeader: string;
  /** The `api-version` advertised in `env`. */
  readonly apiVersion: string;
  /** Every request received, secrets masked. */
  readonly requests: RequestLog;
  /** Requests to the managed-identity endpoints (every shape) since start (not reset by `requests.clear()`). */
  readonly tokenRequestCount: number;
  /** The public key tokens are signed with, as a JWK. */
  readonly publicJwk: JsonWebKey;
  /** Replaces the model script and starts it from its first step; `undefined` for the default reply. */
  setScript(script: ModelScript | undefined): void;
  /** Applies a fault to the next matching requests (default: the next model request). */
  inject(fault: Fault, options?: InjectFaultOptions): InjectedFault;
  /** Drops every injected fault not yet applied. */
  clearFaults(): void;
  /**
   * Sets the lifetime of tokens issued from now on (the identity endpoint and `issueToken`).
   * With real managed-identity credentials one emulator per process is the rule (see the README),
   * so tests that need another lifetime change it here rather than start a second emulator.
   */
  setTokenLifetime(seconds: number): void;
  /** Rejects every token issued so far from now on (tokens issued later work); returns how many. */
  revokeIssuedTokens(): number;
  /** Issues a token directly, without the identity endpoint. */
  issueToken(options: IssueTokenOptions): IssuedToken;
  /** Checks a token's signature, time window and revocation (not its audience). */
  verifyToken(token: string): TokenVerification;
  /** The first registered user-assigned identity (by default `DEFAULT_USER_ASSIGNED_IDENTITY`); `undefined` with `userAssignedIdentities: []`. */
  readonly userAssignedIdentity: UserAssignedIdentity | undefined;
  /** Every registered user-assigned identity. */
  readonly userAssignedIdentities: readonly UserAssignedIdentity[];
  /**
   * The environment that points `ManagedIdentityCredential` at one managed-identity shape of the
   * emulator, and only that one (set it in a fresh process: msal-node pins the shape per process).
   * `azure-arc` writes its key file first and throws `AzureArcKeyFolderError` when it cannot.
   */
  credentialEnv(shape: ManagedIdentitySource): Record<string, string>;
  /** Stops both listeners, destroys open connections and removes the Azure Arc key file. */
  close(): Promise<void>;
}
