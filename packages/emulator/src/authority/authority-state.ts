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
