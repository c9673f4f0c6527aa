import type { JsonWebKey } from 'node:crypto';
import type {
  EmulatorApplicationCredentials,
  EmulatorAuthority,
  FederatedTokenFileOptions,
} from './authority/authority.js';
import type { CliLogin } from './cli/cli-login.js';
import type { CliStandIns } from './cli/cli-stand-ins.js';
import type { CredentialShape } from './credential-env.js';
import type { EmulatorApiKeys } from './emulator-options.js';
import type { Fault, InjectedFault, InjectFaultOptions } from './fault.js';
import type { IssuedToken, IssueTokenOptions, TokenVerification } from './issued-token.js';
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
  /**
   * Token requests since start (not reset by `requests.clear()`): to the managed-identity
   * endpoints (every shape), the authority's token endpoint and the `az`/`azd` stand-ins. Tell
   * them apart in `requests` by `kind` (`identity`, `authority`) and `source`.
   */
  readonly tokenRequestCount: number;
  /** The local Entra ID authority (https): its URL, CA file and default tenant. */
  readonly authority: EmulatorAuthority;
  /** The default application and its credentials (a secret and a certificate file). */
  readonly application: EmulatorApplicationCredentials;
  /**
   * Writes a Kubernetes-style service-account token, signed by the emulator, to a file in its
   * temporary folder and returns the path (`AZURE_FEDERATED_TOKEN_FILE`). Call again to rotate it.
   */
  writeFederatedTokenFile(options?: FederatedTokenFileOptions): string;
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
  /**
   * Writes executables `az` and `azd` that get tokens from this emulator and print what the real
   * tools print (`az account get-access-token`, `azd auth token`), for `AzureCliCredential` and
   * `AzureDeveloperCliCredential`. Default folder: a temporary one, removed by `close()`; in a
   * folder of yours, `close()` removes the two files (if unchanged). Returns the folder and
   * `env.PATH` with it first.
   */
  writeCliStandIns(folder?: string): CliStandIns;
  /** Signs the `az` or `azd` stand-in out (`false`) or in (`true`, the default) from now on. */
  setCliLogin(login: CliLogin): void;
  /** Stops every listener, destroys open connections and removes its temporary folders and files. */
  /** The first registered user-assigned identity (by default `DEFAULT_USER_ASSIGNED_IDENTITY`); `undefined` with `userAssignedIdentities: []`. */
  readonly userAssignedIdentity: UserAssignedIdentity | undefined;
  /** Every registered user-assigned identity. */
  readonly userAssignedIdentities: readonly UserAssignedIdentity[];
  /**
   * The environment that points `@azure/identity` at one credential shape of the emulator, and
   * only that one: a managed-identity shape (set it in a fresh process: msal-node pins the shape
   * per process; `azure-arc` writes its key file first and throws `AzureArcKeyFolderError` when it
   * cannot), the default application with a secret, a certificate or a federated token file
   * (`NODE_EXTRA_CA_CERTS` included: for a new process), or the `az`/`azd` stand-ins (`PATH`).
   */
  credentialEnv(shape: CredentialShape): Record<string, string>;
  close(): Promise<void>;
}
