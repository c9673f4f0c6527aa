import { createHash, X509Certificate } from 'node:crypto';

/** The audience a federated credential trusts by default (as Entra ID has it). */
export const TOKEN_EXCHANGE_AUDIENCE = 'api://AzureADTokenExchange';

/** A federated identity credential of an application (workload identity federation). */
export interface EmulatorFederatedCredential {
  /** The issuer (`iss`) of the external tokens trusted, e.g. a Kubernetes service-account issuer. */
  issuer: string;
  /** The subject (`sub`) required, e.g. `system:serviceaccount:default:bots`. Default: any. */
  subject?: string;
  /** Audiences (`aud`) accepted. Default `['api://AzureADTokenExchange']`. */
  audiences?: readonly string[];
}

/** An application (service principal) the local authority knows. */
export interface EmulatorApplication {
  /** The application (client) id. */
  clientId: string;
  /** Its tenant. Default: the emulator's `tenantId`. */
  tenantId?: string;
  /** A client secret it accepts. */
  secret?: string;
  /** A certificate it accepts client assertions from (PEM; a private key in the PEM is ignored). */
  certificatePem?: string;
  /** Federated credentials it accepts assertions under. */
  federatedCredentials?: readonly EmulatorFederatedCredential[];
}

/** An application as the authority checks it (internal). */
export interface RegisteredApplication {
  clientId: string;
  tenantId: string;
  secret?: string;
  certificate?: { x509: X509Certificate; sha1: string; sha256: string };
  federatedCredentials: readonly RegisteredFederatedCredential[];
}

/** A federated credential with its defaults filled in (internal). */
export interface RegisteredFederatedCredential {
  issuer: string;
  subject: string | undefined;
  audiences: readonly string[];
}

/** Checks and normalizes the `applications` option; throws `TypeError` for a malformed one. */
export function registerApplications(
  applications: readonly EmulatorApplication[],
  defaultTenantId: string,
): RegisteredApplication[] {
  if (!Array.isArray(applications)) {
    throw new TypeError('applications must be an array of { clientId, secret?, ... }.');
  }
  const seen = new Set<string>();
  return applications.map((application, index) => {
    const where = `applications[${index}]`;
    if (typeof application !== 'object' || application === null) {
      throw new TypeError(`${where} must be an object with a clientId.`);
    }
    const { clientId, secret, certificatePem, federatedCredentials = [] } = application;
    const tenantId = application.tenantId ?? defaultTenantId;
    if (typeof clientId !== 'string' || clientId.trim() === '') {
      throw new TypeError(`${where}.clientId must be a non-empty string (the application id).`);
    }
    if (typeof tenantId !== 'string' || tenantId.trim() === '') {
      throw new TypeError(`${where}.tenantId must be a non-empty string, or left out.`);
    }
    const key = `${tenantId.toLowerCase()}/${clientId.toLowerCase()}`;
    if (seen.has(key)) {
      throw new TypeError(
        `${where}.clientId ${clientId} is registered twice in tenant ${tenantId}.`,
      );
    }
    seen.add(key);
    if (secret !== undefined && (typeof secret !== 'string' || secret === '')) {
      throw new TypeError(`${where}.secret must be a non-empty string, or left out.`);
    }
    if (!Array.isArray(federatedCredentials)) {
      throw new TypeError(`${where}.federatedCredentials must be an array of { issuer, ... }.`);
    }
    const registered: RegisteredApplication = {
      clientId,
      tenantId,
      federatedCredentials: federatedCredentials.map((credential, credentialIndex) =>
        federatedCredential(credential, `${where}.federatedCredentials[${credentialIndex}]`),
      ),
      ...(secret === undefined ? {} : { secret }),
    };
    if (certificatePem !== undefined)
      registered.certificate = parseCertificate(certificatePem, where);
    if (
      registered.secret === undefined &&
      registered.certificate === undefined &&
      registered.federatedCredentials.length === 0
    ) {
      throw new TypeError(
        `${where} (${clientId}) has no credential: give it a secret, a certificatePem or federatedCredentials.`,
      );
    }
    return registered;
  });
}

/** The thumbprints of a certificate, hex upper-case, as `x5t` (SHA-1) and `x5t#S256` carry them. */
export function certificateThumbprints(x509: X509Certificate): { sha1: string; sha256: string } {
  return {
    sha1: createHash('sha1').update(x509.raw).digest('hex').toUpperCase(),
    sha256: createHash('sha256').update(x509.raw).digest('hex').toUpperCase(),
  };
}

function parseCertificate(
  pem: string,
  where: string,
): NonNullable<RegisteredApplication['certificate']> {
  const block =
    typeof pem === 'string'
      ? /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)
      : null;
  if (block === null) {
    throw new TypeError(
      `${where}.certificatePem must hold a PEM certificate (-----BEGIN CERTIFICATE-----).`,
    );
  }
  try {
    const x509 = new X509Certificate(block[0]);
    return { x509, ...certificateThumbprints(x509) };
  } catch (error) {
    throw new TypeError(`${where}.certificatePem is not a valid certificate.`, { cause: error });
  }
}

function federatedCredential(
  credential: EmulatorFederatedCredential,
  where: string,
): RegisteredFederatedCredential {
  if (typeof credential !== 'object' || credential === null) {
    throw new TypeError(`${where} must be an object { issuer, subject?, audiences? }.`);
  }
  if (typeof credential.issuer !== 'string' || credential.issuer === '') {
    throw new TypeError(`${where}.issuer must be a non-empty string (the external token's iss).`);
  }
  if (credential.subject !== undefined && typeof credential.subject !== 'string') {
    throw new TypeError(`${where}.subject must be a string, or left out to accept any subject.`);
  }
  const audiences = credential.audiences ?? [TOKEN_EXCHANGE_AUDIENCE];
  if (
    !Array.isArray(audiences) ||
    audiences.length === 0 ||
    audiences.some((audience) => typeof audience !== 'string' || audience === '')
  ) {
    throw new TypeError(`${where}.audiences must be a non-empty array of strings, or left out.`);
  }
  return { issuer: credential.issuer, subject: credential.subject, audiences };
}
