import type { ManagedIdentitySource } from './managed-identity-source.js';
import type { UserAssignedIdentity } from './user-assigned-identity.js';

/** How a request named a user-assigned identity, as the request log records it. */
export interface IdentitySelector {
  /** Which of the identity's ids was given. */
  by: 'clientId' | 'resourceId' | 'objectId';
  /** The id as sent. */
  id: string;
  /** The query (or form) parameter that carried it, e.g. `msi_res_id`. */
  parameter: string;
  /** Whether the emulator knows an identity with that id. */
  known: boolean;
}

/** Who a token request is for. */
export type IdentityChoice =
  | { kind: 'system-assigned'; selector?: IdentitySelector }
  | { kind: 'user-assigned'; identity: UserAssignedIdentity; selector: IdentitySelector }
  | { kind: 'unknown'; selector: IdentitySelector };

// Each source's own parameter names (`@azure/msal-node` 3.8 sends the first of each kind; the
// services accept the aliases too). Cloud Shell and Arc have none: system-assigned only.
const PARAMETERS: Record<
  ManagedIdentitySource,
  readonly (readonly [IdentitySelector['by'], string])[]
> = {
  'app-service': [
    ['clientId', 'client_id'],
    ['resourceId', 'mi_res_id'],
    ['objectId', 'object_id'],
    ['objectId', 'principal_id'],
  ],
  imds: [
    ['clientId', 'client_id'],
    ['resourceId', 'msi_res_id'],
    ['resourceId', 'mi_res_id'],
    ['objectId', 'object_id'],
    ['objectId', 'principal_id'],
  ],
  'azure-ml': [['clientId', 'clientid']],
  'cloud-shell': [],
  'azure-arc': [],
};

/**
 * Which identity a request asks for: the system-assigned one when it names none (or names the
 * system-assigned identity's client id, as Azure ML's system-assigned requests do), a registered
 * user-assigned one, or an unknown one.
 */
export function chooseIdentity(
  source: ManagedIdentitySource,
  parameters: URLSearchParams,
  identities: readonly UserAssignedIdentity[],
  systemClientId: string,
): IdentityChoice {
  for (const [by, parameter] of PARAMETERS[source]) {
    const id = parameters.get(parameter);
    if (id === null || id === '') continue;
    if (by === 'clientId' && id.toLowerCase() === systemClientId.toLowerCase()) {
      return { kind: 'system-assigned', selector: { by, id, parameter, known: true } };
    }
    const identity = identities.find(
      (candidate) => candidate[by].toLowerCase() === id.toLowerCase(),
    );
    return identity === undefined
      ? { kind: 'unknown', selector: { by, id, parameter, known: false } }
      : { kind: 'user-assigned', identity, selector: { by, id, parameter, known: true } };
  }
  return { kind: 'system-assigned' };
}
