import { lookup as dnsLookup } from 'node:dns/promises';
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { canonicalHost } from './address-kind.js';
import { endToEnd } from './forwarded-headers.js';
import {
  formatTarget,
  type HostRule,
  judgeAddresses,
  judgeTarget,
  type Target,
} from './host-rule.js';
import { refusalPage } from './refusal-page.js';

/** A request of the browser that the host rule refused. */
export interface RefusedRequest {
  /** What the browser asked for: `http://127.0.0.1:9/path` or, for a tunnel, `127.0.0.1:443`. */
  target: string;
  /** Why, as a sentence that says how to allow it. */
  reason: string;
}

/** The progress line for a refused request (the same words on the host and in the container). */
export function refusedLine(refused: RefusedRequest): string {
  return `The browser's request to ${refused.target} was refused: ${refused.reason}`;
}

/** Options of {@link startNetworkGuard}. */
export interface NetworkGuardOptions {
  /** The host rule every request is judged by. */
  rule: HostRule;
  /** Where it listens: a TCP port on 127.0.0.1 (`{ port: 0 }`: any free one) or a unix socket. */
  listen: { port: number } | { path: string };
  /** Called for each refused request (after it was answered), once per target. */
  onRefused?: (refused: RefusedRequest) => void;
  /** Name resolution (default: the system's, all addresses). For tests. */
  lookup?: (name: string) => Promise<string[]>;
  /**
   * Opens the upstream connection to an address the rule allowed (default `net.connect`). For
   * tests that must see that a refused request never left.
   */
  connect?: (address: string, port: number) => Socket;
  /** How long an upstream connection may take to open (default 30 s). */
  connectTimeoutMs?: number;
}

/** The running guard. */
export interface NetworkGuard {
  /** `http://127.0.0.1:<port>` (for Chromium's `--proxy-server`) when listening on TCP. */
  readonly proxyUrl?: string;
  /** The unix socket path, when listening on one. */
  readonly path?: string;
  /** Refused requests, oldest first, once per target (at most 200 kept). */
  readonly refused: readonly RefusedRequest[];
  /** Upstream connections opened for allowed requests. */
  readonly forwarded: number;
  close(): Promise<void>;
}

/** `host:port` of a CONNECT request, or of an absolute URL, canonicalised; undefined if invalid. */
function targetOf(authority: string, defaultPort: number): Target | undefined {
  let url: URL;
  try {
    url = new URL(`http://${authority}/`);
  } catch {
    return undefined;
  }
  const host = canonicalHost(url.hostname);
  const port = url.port ? Number(url.port) : defaultPort;
  return host ? { host, port } : undefined;
}

async function systemLookup(name: string): Promise<string[]> {
  const results = await dnsLookup(name, { all: true, verbatim: true });
  return results.map((result) => result.address);
}

/**
 * Starts the browser's network guard: an HTTP forward proxy that Chromium is pointed at
 * (`--proxy-server`, with `--proxy-bypass-list=<-loopback>` so that loopback and link-local go
 * through it too). Every request (navigations, subresources, fetch/XHR, redirects, which arrive
 * as new requests, and `CONNECT` tunnels for https and WebSocket) is judged by the host rule on
 * the canonical host, then on every address the name resolves to; the connection goes to the
 * address that was judged (never resolved again), so DNS rebinding and numeric spellings of an
 * address gain nothing. A refused request is answered 403 and never leaves this process.
 */
export async function startNetworkGuard(options: NetworkGuardOptions): Promise<NetworkGuard> {
  const lookup = options.lookup ?? systemLookup;
  const open =
    options.connect ?? ((address: string, port: number) => connect({ host: address, port }));
  const connectTimeoutMs = options.connectTimeoutMs ?? 30_000;
  const refused: RefusedRequest[] = [];
  const sockets = new Set<Duplex>();
  let forwarded = 0;

  const seen = new Set<string>();
  const refuse = (target: string, reason: string) => {
    // Once per target (query left out): a page that retries, or Chromium's own background
    // requests to its vendor's hosts, do not flood the progress.
    const key = target.replace(/\?.*$/, '');
    if (seen.has(key)) return;
    if (seen.size < 10_000) seen.add(key);
    const entry = { target, reason };
    if (refused.length < 200) refused.push(entry);
    try {
      options.onRefused?.(entry);
    } catch {
      // a listener's error does not stop the guard
    }
  };

  /** The addresses to try for a target, or the reason it is refused. */
  const decide = async (target: Target): Promise<string[] | string> => {
    const first = judgeTarget(options.rule, target);
    if (!first.allowed) return first.reason;
    if (!first.lookup) return first.addresses;
    let addresses: string[];
    try {
      addresses = await lookup(target.host);
    } catch (error) {
      return `${formatTarget(target)}: the name did not resolve (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`;
    }
    const verdict = judgeAddresses(options.rule, target, addresses);
    return verdict.allowed ? verdict.addresses : verdict.reason;
  };

  /** Connects to the first address that answers; rejects with the last error. */
  const connectTo = (addresses: string[], port: number): Promise<Socket> =>
    new Promise((resolve, reject) => {
      const attempt = (index: number, lastError?: Error) => {
        const address = addresses[index];
        if (address === undefined) {
          reject(lastError ?? new Error('no address'));
          return;
        }
        forwarded++;
        const socket = open(address, port);
        const timer = setTimeout(
          () => socket.destroy(new Error(`no connection within ${connectTimeoutMs} ms`)),
          connectTimeoutMs,
        );
        socket.once('connect', () => {
          clearTimeout(timer);
          socket.removeAllListeners('error');
          resolve(socket);
        });
        socket.once('error', (error) => {
          clearTimeout(timer);
          socket.destroy();
          attempt(index + 1, error);
        });
      };
      attempt(0);
    });

  const track = (socket: Duplex) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };

  const onRequest = async (request: IncomingMessage, response: ServerResponse) => {
    const raw = request.url ?? '';
    let url: URL | undefined;
    try {
      url = /^http:\/\//i.test(raw) ? new URL(raw) : undefined;
    } catch {
      url = undefined;
    }
    const target = url ? targetOf(url.host, 80) : undefined;
    if (!url || !target) {
      response.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
      response.end("This is the browser's network guard: it takes proxy requests only.\n");
      return;
    }
    const shown = `http://${formatTarget(target)}${url.pathname}${url.search}`;
    const decision = await decide(target);
    if (typeof decision === 'string') {
      response.writeHead(403, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
      });
      response.end(refusalPage(decision));
      refuse(shown, decision);
      return;
    }
    let upstream: Socket;
    try {
      upstream = await connectTo(decision, target.port);
    } catch (error) {
      response.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(
        `The browser's network guard could not reach ${formatTarget(target)}: ${(error as Error).message}\n`,
      );
      return;
    }
    const outgoing = httpRequest({
      method: request.method,
      path: `${url.pathname}${url.search}`,
      headers: endToEnd(request.rawHeaders, request.headers),
      setHost: false,
      createConnection: () => upstream,
    });
    outgoing.on('response', (incoming) => {
      response.writeHead(
        incoming.statusCode ?? 502,
        incoming.statusMessage,
        endToEnd(incoming.rawHeaders, incoming.headers),
      );
      incoming.pipe(response);
    });
    outgoing.on('error', (error) => {
      if (!response.headersSent) {
        response.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
        response.end(
          `The browser's network guard lost ${formatTarget(target)}: ${error.message}\n`,
        );
      } else response.destroy();
    });
    response.on('close', () => outgoing.destroy());
    request.pipe(outgoing);
  };

  const onConnect = async (request: IncomingMessage, client: Duplex, head: Buffer) => {
    track(client);
    client.on('error', () => client.destroy());
    const target = targetOf(request.url ?? '', 443);
    if (!target) {
      client.end('HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    const decision = await decide(target);
    if (typeof decision === 'string') {
      client.end(
        `HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(decision)}\r\n\r\n${decision}`,
      );
      refuse(formatTarget(target), decision);
      return;
    }
    let upstream: Socket;
    try {
      upstream = await connectTo(decision, target.port);
    } catch {
      client.end('HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    track(upstream);
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length > 0) upstream.write(head);
    upstream.pipe(client);
    client.pipe(upstream);
  };

  const server = createServer((request, response) => {
    onRequest(request, response).catch(() => response.destroy());
  });
  server.on('connect', (request: IncomingMessage, client: Duplex, head: Buffer) => {
    onConnect(request, client, head).catch(() => client.destroy());
  });
  // A WebSocket or other upgrade in plain proxy form (Chromium tunnels them with CONNECT).
  server.on('upgrade', (_request: IncomingMessage, client: Duplex) => {
    client.end('HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n');
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if ('path' in options.listen) server.listen(options.listen.path, () => resolve());
    else server.listen(options.listen.port, '127.0.0.1', () => resolve());
  });
  server.unref();
  const address = server.address();
  const proxyUrl =
    typeof address === 'object' && address
      ? `http://127.0.0.1:${(address as AddressInfo).port}`
      : undefined;
  return {
    ...(proxyUrl ? { proxyUrl } : {}),
    ...('path' in options.listen ? { path: options.listen.path } : {}),
    refused,
    get forwarded() {
      return forwarded;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
