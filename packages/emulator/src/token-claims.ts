/** The claims of an access token issued by the emulator, in the shape of an Entra ID v1 token. */
export interface TokenClaims {
  /** Audience: the resource the token is for, e.g. `https://cognitiveservices.azure.com`. */
  aud: string;
  /** Issuer: `https://sts.windows.net/{tenantId}/`. */
  iss: string;
  /** Issued at, epoch seconds. */
  iat: number;
  /** Not before, epoch seconds. */
  nbf: number;
  /** Expiry, epoch seconds. */
  exp: number;
  /** Object id of the managed identity's service principal. */
  oid: string;
  /** Subject; equals `oid` for a managed identity. */
  sub: string;
  /** Tenant id. */
  tid: string;
  /** Client (application) id of the managed identity. */
  appid: string;
  /** Client id, repeated under its v2 name. */
  client_id: string;
  /** `app`: an application (not a user) token. */
  idtyp: 'app';
  /** Token version. */
  ver: '1.0';
  /** Unique token id; the request log refers to tokens by it. */
  jti: string;
  /** The application that asked (tokens from the local authority). */
  azp?: string;
  /** Client capabilities the client declared (`cp1` when it handles CAE challenges). */
  xms_cc?: string[];
}
