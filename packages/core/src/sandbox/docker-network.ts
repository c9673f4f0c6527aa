import type Docker from 'dockerode';
import type { DockerClient } from './docker-client.js';

/** The network a Docker sandbox is given, and what the caller should know about the choice. */
export interface NetworkChoice {
  /** The container's `NetworkMode`. */
  readonly mode: string;
  /** A sentence for `notes` when the choice is not what the option says plainly. */
  readonly note?: string;
}

/** True when the engine has its default `bridge` network (not one started with `--bridge=none`). */
export async function hasBridgeNetwork(docker: DockerClient): Promise<boolean> {
  const networks = await (docker as Docker).listNetworks({ filters: { name: ['bridge'] } });
  return networks.some((network) => network.Name === 'bridge');
}

/**
 * The `NetworkMode` for the `network` option of a `DockerEnvironment`: `false` is `none`, a
 * string is used as it is, `true` is the engine's `bridge` network, or `host` (with a note) on an
 * engine that has no bridge.
 */
export async function chooseNetwork(
  docker: DockerClient,
  network: boolean | string,
): Promise<NetworkChoice> {
  if (network === false) return { mode: 'none' };
  if (typeof network === 'string') return { mode: network };
  if (await hasBridgeNetwork(docker)) return { mode: 'bridge' };
  return {
    mode: 'host',
    note: 'The engine has no bridge network (--bridge=none); network: true uses host networking.',
  };
}
