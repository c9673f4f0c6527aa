import { createServer, type Server } from 'node:net';

/** A TCP server on loopback that greets each connection. */
export async function listenOnLoopback(): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => socket.end('hello\n'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return { server, port: address.port };
}
