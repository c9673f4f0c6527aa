// Loaded into every CLI the tests spawn (NODE_OPTIONS=--require): refuses, and reports on stderr,
// any connection to something other than loopback or a unix socket, such as @azure/identity's
// probe of the instance metadata endpoint (169.254.169.254) or a DNS name that would be looked up.
const net = require('node:net');

const connect = net.Socket.prototype.connect;
const loopback = (host) =>
  host === 'localhost' || /^127\./.test(host) || host === '::1' || host === '::ffff:127.0.0.1';

net.Socket.prototype.connect = function guardedConnect(...args) {
  let options = args[0];
  if (Array.isArray(options)) options = options[0];
  if (typeof options === 'number') options = { port: options, host: args[1] };
  if (typeof options === 'string') options = { path: options };
  const host = options && !options.path ? String(options.host ?? 'localhost') : undefined;
  if (host !== undefined && !loopback(host)) {
    process.stderr.write(`LOOPBACK GUARD: refused a connection to ${host}:${options.port}\n`);
    throw new Error(`The test's loopback guard refused a connection to ${host}:${options.port}.`);
  }
  return connect.apply(this, args);
};
