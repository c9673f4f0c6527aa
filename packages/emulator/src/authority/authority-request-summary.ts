/** What the request log keeps of a request to the local authority (never a secret in clear). */
export interface AuthorityRequestSummary {
  /** What was asked: `token`, `openid-configuration`, `keys` or `instance-discovery`. */
  action: 'token' | 'openid-configuration' | 'keys' | 'instance-discovery';
  /** The tenant in the path. */
  tenant: string;
  /** The `grant_type` of a token request. */
  grant?: string;
  /** The `client_id` of a token request. */
  clientId?: string;
  /** How the client authenticated: `secret`, `certificate` or `federated` assertion, or `none`. */
  credential?: 'secret' | 'certificate' | 'federated' | 'none';
  /** `sha256:` fingerprint of the client secret or assertion sent. */
  credentialFingerprint?: string;
  /** The `scope` of a token request. */
  scope?: string;
  /** `issued` or `refused`. */
  outcome: 'issued' | 'refused' | 'answered';
  /** Why it was refused, in short (`invalid secret`, `assertion expired` ...). */
  reason?: string;
  /** The AADSTS code of a refusal. */
  errorCode?: number;
  /**
   * Whether the request's `claims` asked for more than client capabilities (a CAE claims
   * challenge being answered, e.g. an `nbf`); `false` for capabilities alone, absent without claims.
   */
  claimsChallenge?: boolean;
  /** The client capabilities (`xms_cc`) the claims declared, e.g. `['cp1']`. */
  clientCapabilities?: string[];
}
