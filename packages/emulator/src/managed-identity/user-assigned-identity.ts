import { deterministicGuid } from '../token-issuer.js';

/** A user-assigned managed identity the emulator knows, with all three of its ids. */
export interface UserAssignedIdentity {
  /** Its client (application) id: `appid` and `client_id` in its tokens. */
  clientId: string;
  /**
   * Its ARM resource id,
   * `/subscriptions/{s}/resourcegroups/{g}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}`.
   */
  resourceId: string;
  /** Its object (principal) id: `oid` and `sub` in its tokens. */
  objectId: string;
}

/** A user-assigned identity to register: the client id, and optionally its other ids. */
export interface UserAssignedIdentityOptions {
  clientId: string;
  /** Default: a resource id made from the client id. */
  resourceId?: string;
  /** Default: a GUID derived from the tenant and client id. */
  objectId?: string;
}

/** The user-assigned identity every emulator registers unless `userAssignedIdentities` says otherwise (fake, fixed ids). */
export const DEFAULT_USER_ASSIGNED_IDENTITY: Readonly<UserAssignedIdentity> = Object.freeze({
  clientId: '00000000-0a55-4e1e-8e1e-000000000003',
  resourceId:
    '/subscriptions/00000000-5b5c-4e1e-8e1e-000000000004/resourcegroups/bots-emulator/providers/Microsoft.ManagedIdentity/userAssignedIdentities/bots-emulator-identity',
  objectId: '00000000-0b1e-4c1e-8c1e-000000000005',
});

const RESOURCE_ID_PATTERN =
  /^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\/microsoft\.managedidentity\/userassignedidentities\/[^/]+$/i;

/**
 * Completes and checks the registered identities. Throws a `TypeError` that names the option when
 * an id is empty, a resource id is not an ARM id of a user-assigned identity, or ids repeat.
 */
export function registerUserAssignedIdentities(
  options: readonly UserAssignedIdentityOptions[] | undefined,
  tenantId: string,
  systemClientId: string,
): UserAssignedIdentity[] {
  if (options === undefined) return [{ ...DEFAULT_USER_ASSIGNED_IDENTITY }];
  const identities = options.map((option, index) => {
    const where = `userAssignedIdentities[${index}]`;
    if (typeof option?.clientId !== 'string' || option.clientId.trim() === '') {
      throw new TypeError(`${where}.clientId must be a non-empty string (a GUID).`);
    }
    const resourceId =
      option.resourceId ??
      `/subscriptions/${deterministicGuid(`subscription:${tenantId}`)}/resourcegroups/bots-emulator/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${option.clientId}`;
    if (!RESOURCE_ID_PATTERN.test(resourceId)) {
      throw new TypeError(
        `${where}.resourceId must look like /subscriptions/{subscription}/resourcegroups/{group}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}; got ${resourceId}.`,
      );
    }
    const objectId = option.objectId ?? deterministicGuid(`object:${tenantId}:${option.clientId}`);
    if (objectId.trim() === '') throw new TypeError(`${where}.objectId must not be empty.`);
    return { clientId: option.clientId, resourceId, objectId };
  });
  const seen = new Set<string>([systemClientId.toLowerCase()]);
  for (const identity of identities) {
    for (const id of [identity.clientId, identity.resourceId, identity.objectId]) {
      const key = id.toLowerCase();
      if (seen.has(key)) {
        throw new TypeError(
          `userAssignedIdentities: the id ${id} is used twice (or is the system-assigned identity's clientId); give every identity ids of its own.`,
        );
      }
      seen.add(key);
    }
  }
  return identities;
}
