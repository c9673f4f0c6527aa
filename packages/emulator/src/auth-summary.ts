/** How a request authenticated, as recorded in the request log (never the secret itself). */
export interface AuthSummary {
  /**
   * `bearer` (an `Authorization: Bearer` JWT or key), `api-key` (`api-key` or `x-api-key`
   * header), `identity-header` (the managed-identity endpoint's `X-IDENTITY-HEADER`), `metadata`,
   * `secret-header`, `basic` (the other managed-identity shapes), or `none`.
   */
  scheme:
    | 'bearer'
    | 'api-key'
    | 'identity-header'
    | 'none'
    // Managed-identity shapes: IMDS and Cloud Shell's `Metadata: true`, Azure ML's `secret`
    // header, Azure Arc's `Authorization: Basic`.
    | 'metadata'
    | 'secret-header'
    | 'basic';
  /** The header that carried the credential, lower-case. */
  header?: string;
  /** Whether the endpoint accepted it (endpoints without auth, like Ollama, always accept). */
  accepted: boolean;
  /** Why it was refused: `token expired`, `wrong audience ...`, `invalid key` ... */
  reason?: string;
  /** `sha256:` and the first 12 hex digits of the credential's hash, to tell credentials apart. */
  fingerprint?: string;
  /** Whether a bearer credential was a JWT (`true`) or an API key sent as a bearer (`false`). */
  jsonWebToken?: boolean;
  /** The token's `aud`. */
  audience?: string;
  /** The token's `jti`. */
  tokenId?: string;
  /** The token's `appid`. */
  clientId?: string;
  /** The token's `exp`, epoch seconds. */
  expiresAt?: number;
  /** Whether the token had expired when it arrived. */
  expired?: boolean;
  /** Which configured key matched: `azureOpenAI`, `anthropic` or `openai`. */
  keyName?: string;
}
