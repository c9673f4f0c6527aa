// The loopback guard: refuses every TCP connection that is not to a loopback address, and records
// it, so that no test depends on, or reaches, the outside (the `@azure/identity` probe of
// 169.254.169.254 included). Plain JavaScript, so that child processes can load it with
// `node --import` as it is (Node 20 runs no TypeScript).
import net from 'node:net';

const refused = [];
let installed = false;

/** True for `localhost`, `*.localhost`, `127.0.0.0/8`, `::1` and `::ffff:127.x.y.z`. */
export function isLoopbackTarget(host) {
  let name = String(host)
    .replace(/^\[|\]$/g, '')
    .toLowerCase();
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(name);
  if (mapped) name = mapped[1];
  if (net.isIPv6(name)) {
    const canonical = new URL(`http://[${name}]/`).hostname.slice(1, -1);
    return canonical === '::1' || /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(canonical);
  }
  return net.isIPv4(name) && name.startsWith('127.');
}

/** The connections refused since the guard was installed (or last cleared). */
export function refusedConnections() {
  return [...refused];
}

/** Forgets the refused connections recorded so far. */
export function clearRefusedConnections() {
  refused.length = 0;
}

function targetOf(args) {
  let first = args[0];
  if (Array.isArray(first)) first = first[0]; // the internal normalized form
  if (first !== null && typeof first === 'object') {
    if (first.path !== undefined) return undefined; // a Unix socket: local by nature
    return { host: first.host ?? 'localhost', port: first.port };
  }
  if (typeof first === 'string' && !/^\d+$/.test(first)) return undefined; // a Unix socket path
  return { host: typeof args[1] === 'string' ? args[1] : 'localhost', port: first };
}

/**
 * Patches `net.Socket.prototype.connect` (which `http`, `https`, `tls`, `undici`'s `fetch` and
 * every client here go through). A connection to anything but loopback is not made: the socket
 * fails with `ERR_LOOPBACK_GUARD`, and `onRefused({ host, port, stack })` is called.
 */
export function installLoopbackGuard(onRefused = () => {}) {
  if (installed) return;
  installed = true;
  const connect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function guardedConnect(...args) {
    const target = targetOf(args);
    if (target === undefined || isLoopbackTarget(target.host)) return connect.apply(this, args);
    const attempt = {
      host: String(target.host),
      port: Number(target.port),
      stack: new Error('connection attempt').stack ?? '',
    };
    refused.push(attempt);
    onRefused(attempt);
    const error = Object.assign(
      new Error(
        `The loopback guard refused a connection to ${attempt.host}:${attempt.port}: tests reach loopback only.`,
      ),
      { code: 'ERR_LOOPBACK_GUARD' },
    );
    process.nextTick(() => this.destroy(error));
    return this;
  };
}
