import { randomUUID } from 'node:crypto';
import type { ArcKeyFile } from './arc-key-file.js';
import type { UserAssignedIdentity } from './user-assigned-identity.js';

/** What the managed-identity shapes share (internal, part of the emulator's state). */
export interface ManagedIdentityState {
  /** The registered user-assigned identities. */
  userAssignedIdentities: readonly UserAssignedIdentity[];
  /** The system-assigned identity's client id. */
  systemClientId: string;
  /** The Azure ML shape's `MSI_SECRET` (its `secret` header). */
  azureMlSecret: string;
  /** The Azure Arc challenge's key file. */
  arcKey: ArcKeyFile;
}

// One per process, like IDENTITY_HEADER: @azure/msal-node keeps the secret of the source it
// first used for the whole process.
const processAzureMlSecret = randomUUID();

/** The Azure ML secret shared by the emulators of this process. */
export function defaultAzureMlSecret(): string {
  return processAzureMlSecret;
}
