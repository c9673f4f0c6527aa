import { type OwnerRecord, ownerRecord, recordedOwnerState } from './sandbox-owner.js';

/**
 * How the containers and volumes of a `DockerEnvironment` carry their owner, so that a later
 * process can tell a dead owner's from a live one's: `bots.sandbox=1` with `bots.pid`,
 * `bots.host`, `bots.started` and `bots.pidns`.
 */

/** The label every sandbox container and volume carries. */
export const SANDBOX_LABEL = 'bots.sandbox';

/** The labels that mark a container or volume as a sandbox's, with its owner. */
export function ownerLabels(owner: OwnerRecord = ownerRecord()): Record<string, string> {
  return {
    [SANDBOX_LABEL]: '1',
    'bots.pid': owner.pid,
    'bots.host': owner.host,
    'bots.started': owner.started,
    'bots.pidns': owner.pidNamespace,
  };
}

/** True when the owner the labels record has ended (never for another host's or no record). */
export function ownerHasEnded(labels: Record<string, string> | null | undefined): boolean {
  return (
    recordedOwnerState({
      pid: labels?.['bots.pid'],
      host: labels?.['bots.host'],
      started: labels?.['bots.started'],
      pidNamespace: labels?.['bots.pidns'],
    }) === 'dead'
  );
}
