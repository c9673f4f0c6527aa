// Preloaded (NODE_OPTIONS=--import) into every example the tests run: a connection to anything
// but loopback or a unix socket throws, before any DNS lookup, and says so on stderr. It catches,
// for example, @azure/identity probing the cloud metadata endpoint (169.254.169.254) when no
// managed-identity variable points it at the emulator.
import net from 'node:net';

const connect = net.Socket.prototype.connect;

function isLoopback(host) {
  const name = String(host)
    .replace(/^\[|\]$/g, '')
    .toLowerCase();
  return (
    name === 'localhost' ||
    name === '::1' ||
    /^127\.\d+\.\d+\.\d+$/.test(name) ||
    /^::ffff:127\.\d+\.\d+\.\d+$/.test(name)
  );
}

// A failure run of an example sets BOTS_TEST_NETWORK=down: then every TCP connection is refused,
// loopback too (the example's own emulator becomes unreachable); unix sockets still connect.
const networkDown = process.env.BOTS_TEST_NETWORK === 'down';

net.Socket.prototype.connect = function guardedConnect(...args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  const options =
    first !== null && typeof first === 'object'
      ? first
      : typeof first === 'string' && Number.isNaN(Number(first))
        ? { path: first }
        : { port: first, host: typeof args[1] === 'string' ? args[1] : undefined };
  if (!options.path && networkDown) {
    const error = Object.assign(
      new Error(
        `connect ECONNREFUSED ${options.host ?? 'localhost'}:${options.port} (network down for this failure run)`,
      ),
      { code: 'ECONNREFUSED' },
    );
    process.nextTick(() => this.destroy(error));
    return this;
  }
  if (!options.path && options.host !== undefined && !isLoopback(options.host)) {
    const message = `loopback guard: refused a connection to ${options.host}:${options.port} (examples under test may reach loopback only)`;
    process.stderr.write(`${message}\n`);
    throw new Error(message);
  }
  return connect.apply(this, args);
};
