/** A connection the loopback guard refused. */
export interface RefusedConnection {
  host: string;
  port: number;
  /** Where the attempt was made. */
  stack: string;
}

/** True for `localhost`, `*.localhost`, `127.0.0.0/8`, `::1` and `::ffff:127.x.y.z`. */
export function isLoopbackTarget(host: string): boolean;

/** The connections refused since the guard was installed (or last cleared). */
export function refusedConnections(): RefusedConnection[];

/** Forgets the refused connections recorded so far. */
export function clearRefusedConnections(): void;

/**
 * Patches `net.Socket.prototype.connect`: a connection to anything but loopback is not made (the
 * socket fails with `ERR_LOOPBACK_GUARD`) and `onRefused` is called.
 */
export function installLoopbackGuard(onRefused?: (attempt: RefusedConnection) => void): void;
