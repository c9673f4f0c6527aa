/** The local Entra ID authority of a running emulator. */
export interface EmulatorAuthority {
  /**
   * `https://127.0.0.1:PORT` (`AZURE_AUTHORITY_HOST`, or a credential's `authorityHost`). The
   * OpenID configuration's `issuer` uses exactly this scheme, host and port.
   */
  url: string;
  /** The CA certificate file (PEM) that signed the authority's certificate: `NODE_EXTRA_CA_CERTS`. */
  caPath: string;
  /** The same CA certificate, PEM (for a client's `ca` option). */
  caPem: string;
  /** The default tenant (`AZURE_TENANT_ID`). */
  tenantId: string;
  /** The issuer (`iss`) of the emulator's Kubernetes-style service-account tokens. */
  serviceAccountIssuer: string;
}

/** The default application the authority registers, with its credentials (for a test's env). */
export interface EmulatorApplicationCredentials {
  /** `AZURE_CLIENT_ID`. */
  clientId: string;
  /** `AZURE_TENANT_ID`. */
  tenantId: string;
  /** `AZURE_CLIENT_SECRET`. A secret: never log it. */
  secret: string;
  /** `AZURE_CLIENT_CERTIFICATE_PATH`: one PEM file with the private key and the certificate. */
  certificatePath: string;
}

/** Options of `Emulator.writeFederatedTokenFile`. */
export interface FederatedTokenFileOptions {
  /** Lifetime of the token. Default 3600. Negative for one already expired. */
  lifetimeSeconds?: number;
  /** Its `iss`. Default: the emulator's `authority.serviceAccountIssuer`. */
  issuer?: string;
  /** Its `sub`. Default `system:serviceaccount:default:bots`. */
  subject?: string;
  /** Its `aud`. Default `api://AzureADTokenExchange`. */
  audience?: string;
  /** The file name in the emulator's temporary folder. Default `federated-token`. */
  fileName?: string;
}
