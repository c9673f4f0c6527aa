// The loopback guard, tried for real: in this process (installed by the setup file, as in every
// package) and in a child started by runNode.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { clearRefusedConnections, refusedConnections, runNode } from '../src/index.js';

function attempt(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

describe('loopback guard', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.close();
    server = undefined;
  });

  test('refuses the cloud metadata address and a public name, records them, and never connects', async () => {
    expect(await attempt('169.254.169.254', 80)).toBe('ERR_LOOPBACK_GUARD');
    expect(await attempt('login.microsoftonline.com', 443)).toBe('ERR_LOOPBACK_GUARD');
    const refused = refusedConnections().map((entry) => `${entry.host}:${entry.port}`);
    // Cleared here, or the setup file's afterEach would fail this test (which is its job).
    clearRefusedConnections();
    expect(refused).toEqual(['169.254.169.254:80', 'login.microsoftonline.com:443']);
  });

  test('lets loopback through, in every spelling a client uses', async () => {
    server = createServer((_request, response) => response.end('ok'));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    expect(await attempt('127.0.0.1', port)).toBe('connected');
    expect(await attempt('localhost', port)).not.toBe('ERR_LOOPBACK_GUARD');
    const response = await fetch(`http://127.0.0.1:${port}/`);
    expect(await response.text()).toBe('ok');
    expect(refusedConnections()).toEqual([]);
  });

  test('in a child process, a refused connection is reported and fails the child', async () => {
    const run = await runNode(
      `import net from 'node:net';
       const socket = net.connect(80, '169.254.169.254');
       socket.on('error', (error) => console.log(error.code));`,
    );
    expect(run.stdout.trim()).toBe('ERR_LOOPBACK_GUARD');
    expect(run.refused).toEqual(['169.254.169.254:80']);
    expect(run.code).toBe(97);
  });

  test('a child that stays on loopback exits cleanly with nothing refused', async () => {
    const run = await runNode(`console.log(process.env.ONLY_THIS)`, { env: { ONLY_THIS: 'yes' } });
    expect(run).toMatchObject({ code: 0, stdout: 'yes\n', refused: [] });
  });
});
