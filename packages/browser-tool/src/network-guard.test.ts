// The network guard on its own, over real sockets on loopback: what a page could ask a proxy for,
// sent raw (so the spellings are the attacker's, not Chromium's canonical ones).
import { createServer, request, type Server } from 'node:http';
import { type AddressInfo, connect, createConnection, Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { parseHostRule } from './host-rule.js';
import { type NetworkGuard, startNetworkGuard } from './network-guard.js';

/** A server on 127.0.0.1 that counts the requests it got (the service a page must not reach). */
async function countingServer(
  body: string,
): Promise<{ server: Server; port: number; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((incoming, response) => {
    hits.push(`${incoming.method} ${incoming.url} host=${incoming.headers.host}`);
    response.writeHead(200, { 'content-type': 'text/plain' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, hits };
}

/** One proxy request in absolute form, as a browser sends it. */
function viaProxy(guard: NetworkGuard, url: string): Promise<{ status: number; body: string }> {
  const proxy = new URL(guard.proxyUrl ?? '');
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: proxy.hostname,
        port: Number(proxy.port),
        path: url,
        method: 'GET',
        headers: { host: new URL(url).host },
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8').on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    outgoing.on('error', reject);
    outgoing.end();
  });
}

/** A CONNECT with a raw authority; resolves with the proxy's status line. */
function tunnel(guard: NetworkGuard, authority: string): Promise<string> {
  const proxy = new URL(guard.proxyUrl ?? '');
  return new Promise((resolve, reject) => {
    const socket = connect(Number(proxy.port), proxy.hostname, () => {
      socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`);
    });
    let answer = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      answer += chunk;
      if (answer.includes('\r\n\r\n')) {
        resolve(answer.split('\r\n')[0] ?? '');
        socket.destroy();
      }
    });
    socket.on('error', reject);
  });
}

describe('network guard (a forward proxy that enforces the host rule)', () => {
  let site: Awaited<ReturnType<typeof countingServer>>;
  let secret: Awaited<ReturnType<typeof countingServer>>;
  let guard: NetworkGuard | undefined;
  const attempts: string[] = [];
  // Records every upstream connection the guard opens; connects only to loopback (even when a
  // broken rule lets something else through, nothing leaves this machine).
  const recordingConnect = (address: string, port: number): Socket => {
    attempts.push(`${address}:${port}`);
    if (address === '127.0.0.1' || address === '::1')
      return createConnection({ host: address, port });
    const socket = new Socket();
    process.nextTick(() => socket.destroy(new Error(`the test refused to connect to ${address}`)));
    return socket;
  };

  beforeAll(async () => {
    site = await countingServer('the allowed site');
    secret = await countingServer('SECRET from another service on loopback');
  });
  afterEach(async () => {
    await guard?.close();
    guard = undefined;
    attempts.length = 0;
    secret.hits.length = 0;
  });
  afterAll(() => {
    site.server.close();
    secret.server.close();
  });

  const start = async (allowHosts: string[], lookup?: (name: string) => Promise<string[]>) => {
    guard = await startNetworkGuard({
      rule: parseHostRule(allowHosts),
      listen: { port: 0 },
      connect: recordingConnect,
      ...(lookup ? { lookup } : {}),
    });
    return guard;
  };

  test('forwards a request to the named loopback site, and refuses another port of loopback', async () => {
    const proxy = await start([`127.0.0.1:${site.port}`]);
    const allowed = await viaProxy(proxy, `http://127.0.0.1:${site.port}/page?x=1`);
    expect(allowed).toEqual({ status: 200, body: 'the allowed site' });
    expect(site.hits.at(-1)).toBe(`GET /page?x=1 host=127.0.0.1:${site.port}`);
    const attack = await viaProxy(proxy, `http://127.0.0.1:${secret.port}/`);
    expect(attack.status).toBe(403);
    expect(attack.body).not.toContain('SECRET');
    expect(attack.body).toContain(`add &#34;127.0.0.1:${secret.port}&#34; to allowHosts`);
    expect(await tunnel(proxy, `127.0.0.1:${secret.port}`)).toBe('HTTP/1.1 403 Forbidden');
    expect(secret.hits).toEqual([]);
    expect(attempts).toEqual([`127.0.0.1:${site.port}`]);
    expect(proxy.refused.map((entry) => entry.target)).toEqual([
      `http://127.0.0.1:${secret.port}/`,
      `127.0.0.1:${secret.port}`,
    ]);
  });

  test('numeric spellings of loopback, 0.0.0.0 and [::1] reach nothing, also with *', async () => {
    const proxy = await start(['*', `127.0.0.1:${site.port}`]);
    const spellings = [
      `2130706433:${secret.port}`,
      `0x7f000001:${secret.port}`,
      `0x7f.1:${secret.port}`,
      `017700000001:${secret.port}`,
      `127.1:${secret.port}`,
      `0.0.0.0:${secret.port}`,
      `0:${secret.port}`,
      `[::1]:${secret.port}`,
      `[::ffff:127.0.0.1]:${secret.port}`,
      `localhost:${secret.port}`,
    ];
    for (const authority of spellings) {
      expect((await viaProxy(proxy, `http://${authority}/`)).status, authority).toBe(403);
      expect(await tunnel(proxy, authority), authority).toBe('HTTP/1.1 403 Forbidden');
    }
    expect(secret.hits).toEqual([]);
    expect(attempts).toEqual([]);
  });

  test('the cloud metadata endpoint (169.254.169.254) is refused by the rule, never connected to', async () => {
    const proxy = await start(['*']);
    for (const authority of [
      '169.254.169.254',
      '2852039166',
      '0xa9fea9fe',
      '[::ffff:a9fe:a9fe]',
      '[fd00:ec2::254]',
    ]) {
      const answer = await viaProxy(proxy, `http://${authority}/latest/meta-data/iam/`);
      expect(answer.status, authority).toBe(403);
      expect(await tunnel(proxy, `${authority}:443`)).toBe('HTTP/1.1 403 Forbidden');
    }
    expect(proxy.refused[0]?.reason).toMatch(
      /link-local address \(where cloud metadata endpoints answer\)/,
    );
    // No connection was even attempted: nothing left loopback.
    expect(attempts).toEqual([]);
    expect(proxy.forwarded).toBe(0);
  });

  test('a name that resolves to loopback (DNS rebinding) is refused; unnamed names are never looked up', async () => {
    const lookups: string[] = [];
    const proxy = await start(['*', 'public.test'], async (name) => {
      lookups.push(name);
      return name === 'rebind.test' ? ['127.0.0.1'] : ['93.184.216.34'];
    });
    const attack = await viaProxy(proxy, `http://rebind.test:${secret.port}/`);
    expect(attack.status).toBe(403);
    expect(proxy.refused[0]?.reason).toMatch(
      /rebind\.test resolves to 127\.0\.0\.1, on this machine's loopback/,
    );
    expect(secret.hits).toEqual([]);
    expect(attempts).toEqual([]);
    await guard?.close();
    // Without *, a name no entry names is not even resolved (no DNS query a page could use to leak data).
    lookups.length = 0;
    const strict = await start(['public.test'], async (name) => {
      lookups.push(name);
      return ['93.184.216.34'];
    });
    expect((await viaProxy(strict, 'http://leak-the-secret.attacker.test/')).status).toBe(403);
    expect(lookups).toEqual([]);
  });

  test('origin-form requests (not a proxy request) and upgrades without CONNECT are refused', async () => {
    const proxy = await start(['*']);
    const url = new URL(proxy.proxyUrl ?? '');
    const answer = await new Promise<number>((resolve, reject) => {
      const outgoing = request(
        { host: url.hostname, port: Number(url.port), path: '/' },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      outgoing.on('error', reject);
      outgoing.end();
    });
    expect(answer).toBe(400);
  });

  test('listens on a unix socket (the docker runner) with the same rule', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const folder = mkdtempSync(join(tmpdir(), 'bots-guard-'));
    try {
      guard = await startNetworkGuard({
        rule: parseHostRule([`127.0.0.1:${site.port}`]),
        listen: { path: join(folder, 'proxy.sock') },
      });
      const status = (path: string) =>
        new Promise<number>((resolve, reject) => {
          const outgoing = request({ socketPath: join(folder, 'proxy.sock'), path }, (response) => {
            response.resume();
            resolve(response.statusCode ?? 0);
          });
          outgoing.on('error', reject);
          outgoing.end();
        });
      expect(await status(`http://127.0.0.1:${site.port}/`)).toBe(200);
      expect(await status(`http://127.0.0.1:${secret.port}/`)).toBe(403);
      expect(secret.hits).toEqual([]);
    } finally {
      await guard?.close();
      guard = undefined;
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
