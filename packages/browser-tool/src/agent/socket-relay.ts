import { type AddressInfo, connect, createServer } from 'node:net';

/** A TCP port on 127.0.0.1 whose connections are piped to a unix socket. */
export interface SocketRelay {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Relays 127.0.0.1:<free port> to `socketPath` (Chromium speaks to its proxy over TCP only; the
 * host's network guard listens on a unix socket of the channel folder). Each connection gets its
 * own connection to the socket, so backpressure and errors stay per connection.
 */
export async function startSocketRelay(socketPath: string): Promise<SocketRelay> {
  const server = createServer((client) => {
    const upstream = connect(socketPath);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  server.unref();
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
