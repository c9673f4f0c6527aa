import type { RegisteredApplication } from './applications.js';

/** What the authority's handlers know (internal). */
export interface AuthorityState {
  /** `https://127.0.0.1:PORT`, no trailing slash. */
  url: string;
  /** Known tenants, lower-case. */
  tenants: ReadonlySet<string>;
  applications: readonly RegisteredApplication[];
  /** The issuer of the emulator's own service-account tokens (federated credentials). */
  serviceAccountIssuer: string;
}

/**
 * The origin a client used to reach the authority: `https://` and its `Host` header when that names
 * a loopback name the certificate covers (`127.0.0.1`, `localhost`, `[::1]`) on the authority's
 * port, else `state.url`. The OpenID configuration's `issuer` must match the authority the client
 * was given (`@azure/identity` 4.13.1 and later check), and `localhost` is not `127.0.0.1`.
 */
export function requestOrigin(state: AuthorityState, host: string | undefined): string {
  const port = new URL(state.url).port;
  const match = /^(127\.0\.0\.1|localhost|\[::1\]):(\d+)$/i.exec(host ?? '');
  if (match === null || match[2] !== port) return state.url;
  return `https://${match[1]!.toLowerCase()}:${port}`;
}

/** Finds an application by client id in a tenant (ids compare case-insensitively, as GUIDs do). */
export function findApplication(
  state: AuthorityState,
  tenant: string,
  clientId: string,
): RegisteredApplication | undefined {
  return state.applications.find(
    (application) =>
      application.clientId.toLowerCase() === clientId.toLowerCase() &&
      application.tenantId.toLowerCase() === tenant.toLowerCase(),
  );
}
