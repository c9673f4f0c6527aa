import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { EmulatorState } from '../emulator-state.js';
import { listen, stop } from '../server-lifecycle.js';
import { createClientCertificate, sharedAuthorityTlsMaterial } from '../tls/tls-material.js';
import {
  type EmulatorApplication,
  type RegisteredApplication,
  registerApplications,
  TOKEN_EXCHANGE_AUDIENCE,
} from './applications.js';
import type {
  EmulatorApplicationCredentials,
  EmulatorAuthority,
  FederatedTokenFileOptions,
} from './authority.js';
import {
  DEFAULT_SERVICE_ACCOUNT_SUBJECT,
  issueServiceAccountToken,
} from './federated-assertion.js';
import { createAuthorityHandler } from './handle-authority-request.js';

/** The client id of the application the authority registers by default (a fake, fixed GUID). */
export const DEFAULT_APPLICATION_ID = '00000000-a11c-4a1c-8a1c-000000000003';

/** What `startAuthority` needs from the emulator's options. */
export interface AuthoritySettings {
  host: string;
  port: number;
  tenantId: string;
  tenants: readonly string[] | undefined;
  applications: readonly EmulatorApplication[] | undefined;
}

/** A running authority listener and what the emulator exposes of it (internal). */
export interface RunningAuthority {
  authority: EmulatorAuthority;
  application: EmulatorApplicationCredentials;
  writeFederatedTokenFile(options?: FederatedTokenFileOptions): string;
  close(): Promise<void>;
}

/**
 * Starts the https authority on its own loopback port, with the process's CA-signed certificate;
 * writes the CA and the default application's certificate into a temporary folder of its own
 * (removed by `close`), and sets `state.authority`.
 */
export async function startAuthority(
  state: EmulatorState,
  settings: AuthoritySettings,
): Promise<RunningAuthority> {
  const given = checkAuthoritySettings(settings);
  const [tls, clientCertificate] = await Promise.all([
    sharedAuthorityTlsMaterial(),
    sharedApplicationCertificate(),
  ]);
  const folder = await mkdtemp(join(tmpdir(), 'bots-emulator-'));
  const server = createServer(
    { key: tls.server.privateKeyPem, cert: tls.server.certificatePem },
    createAuthorityHandler(state),
  );
  try {
    const caPath = join(folder, 'ca.pem');
    const certificatePath = join(folder, 'application-certificate.pem');
    await writeFile(caPath, tls.certificateAuthority.certificatePem);
    await writeFile(
      certificatePath,
      `${clientCertificate.privateKeyPem}${clientCertificate.certificatePem}`,
      { mode: 0o600 },
    );
    await listen(server, settings.port, settings.host);
    const { port } = server.address() as AddressInfo;
    const hostname = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
    const url = `https://${hostname}:${port}`;
    const serviceAccountIssuer = `${url}/kubernetes/service-accounts`;
    const application: EmulatorApplicationCredentials = {
      clientId: DEFAULT_APPLICATION_ID,
      tenantId: settings.tenantId,
      secret: `emu8Q~${randomBytes(27).toString('base64url')}`,
      certificatePath,
    };
    const [defaultApplication] = registerApplications(
      [
        {
          clientId: application.clientId,
          tenantId: application.tenantId,
          secret: application.secret,
          certificatePem: clientCertificate.certificatePem,
          federatedCredentials: [{ issuer: serviceAccountIssuer }],
        },
      ],
      settings.tenantId,
    );
    const applications = [defaultApplication!, ...given];
    state.authority = {
      url,
      tenants: new Set(
        [
          settings.tenantId,
          ...(settings.tenants ?? []),
          ...applications.map((entry) => entry.tenantId),
        ].map((tenant) => tenant.toLowerCase()),
      ),
      applications,
      serviceAccountIssuer,
    };
    let closing: Promise<void> | undefined;
    return {
      authority: Object.freeze({
        url,
        caPath,
        caPem: tls.certificateAuthority.certificatePem,
        tenantId: settings.tenantId,
        serviceAccountIssuer,
      }),
      application: Object.freeze(application),
      writeFederatedTokenFile: (options = {}) => {
        const lifetime = options.lifetimeSeconds ?? 3600;
        if (!Number.isFinite(lifetime) || lifetime === 0) {
          throw new RangeError(
            `lifetimeSeconds must be a non-zero number (negative for an expired token), got ${lifetime}.`,
          );
        }
        const fileName = options.fileName ?? 'federated-token';
        if (fileName === '' || basename(fileName) !== fileName) {
          throw new TypeError(
            `fileName must be a plain file name without folders, got ${JSON.stringify(fileName)}.`,
          );
        }
        const token = issueServiceAccountToken(state.signingKey, {
          issuer: options.issuer ?? serviceAccountIssuer,
          subject: options.subject ?? DEFAULT_SERVICE_ACCOUNT_SUBJECT,
          audience: options.audience ?? TOKEN_EXCHANGE_AUDIENCE,
          lifetimeSeconds: lifetime,
          nowSeconds: Math.floor(state.clock() / 1000),
        });
        const path = join(folder, fileName);
        writeFileSync(path, token, { mode: 0o600 });
        return path;
      },
      close: () => {
        closing ??= stop(server).then(() => rm(folder, { recursive: true, force: true }));
        return closing;
      },
    };
  } catch (error) {
    await stop(server);
    await rm(folder, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Checks the authority's options (throws `TypeError` with what to fix) and returns the
 * applications given, normalized. Cheap: `startEmulator` calls it before it listens.
 */
export function checkAuthoritySettings(
  settings: Pick<AuthoritySettings, 'tenantId' | 'tenants' | 'applications'>,
): RegisteredApplication[] {
  validateTenants(settings.tenants);
  const given = registerApplications(settings.applications ?? [], settings.tenantId);
  const clash = given.findIndex((entry) => entry.clientId.toLowerCase() === DEFAULT_APPLICATION_ID);
  if (clash >= 0) {
    throw new TypeError(
      `applications[${clash}].clientId is DEFAULT_APPLICATION_ID (${DEFAULT_APPLICATION_ID}), which the emulator registers itself (emulator.application); give your application another client id.`,
    );
  }
  return given;
}

let applicationCertificate: ReturnType<typeof createClientCertificate> | undefined;

// One per process, like the TLS material: generating RSA keys at every start is slow.
function sharedApplicationCertificate(): ReturnType<typeof createClientCertificate> {
  applicationCertificate ??= createClientCertificate('@bots/emulator default application');
  return applicationCertificate;
}

function validateTenants(tenants: readonly string[] | undefined): void {
  if (tenants === undefined) return;
  if (
    !Array.isArray(tenants) ||
    tenants.some((tenant) => typeof tenant !== 'string' || !/^[\w.-]+$/.test(tenant))
  ) {
    throw new TypeError(
      'tenants must be an array of tenant ids or domain names (letters, digits, dots, dashes), e.g. ["11111111-2222-4333-8444-555555555555"].',
    );
  }
}
