import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { canInvalidate, jwtExpiresOn, registerSecret, type TokenProvider } from '@bots/auth';
import { TOKEN_SECRET_HEADER } from './agent/container-token-provider.js';

/** The host end of the token refresh channel of one run. */
export interface TokenChannel {
  /** `http://127.0.0.1:<port>/token`, given to the container as `BOTS_TOKEN_ENDPOINT`. */
  readonly url: string;
  /** The per-run secret the container sends in `x-bots-token-secret` (`BOTS_TOKEN_SECRET`). */
  readonly secret: string;
  /** Tokens handed out so far, and requests refused (wrong or missing secret). */
  readonly stats: { served: number; refused: number; failed: number };
  close(): Promise<void>;
}

function sameSecret(given: string | string[] | undefined, expected: Buffer): boolean {
  if (typeof given !== 'string') return false;
  const buffer = Buffer.from(given);
  return buffer.length === expected.length && timingSafeEqual(buffer, expected);
}

/**
 * Starts the token channel of one run: an HTTP server on 127.0.0.1 (random port) that answers
 * `GET /token` with `{ "token": "..." }` from the host's token provider, only to a caller that
 * sends the run's random secret. `?invalidate=1` (after a 401) invalidates the provider first;
 * `?minValidityMs=N` asks for a token valid at least that long (the provider is invalidated once
 * when its cached token is closer to expiry). Nothing it serves is logged; every token is
 * registered for redaction.
 */
export async function startTokenChannel(provider: TokenProvider): Promise<TokenChannel> {
  const secret = randomBytes(32).toString('hex');
  const expected = Buffer.from(secret);
  registerSecret(secret);
  const stats = { served: 0, refused: 0, failed: 0 };
  const invalidate = () => {
    if (canInvalidate(provider)) provider.invalidate();
  };
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (request.method !== 'GET' || url.pathname !== '/token') {
      response.writeHead(404).end();
      return;
    }
    if (!sameSecret(request.headers[TOKEN_SECRET_HEADER], expected)) {
      stats.refused++;
      response.writeHead(403, { 'content-type': 'application/json' }).end('{"error":"forbidden"}');
      return;
    }
    try {
      if (url.searchParams.get('invalidate') === '1') invalidate();
      let token = await provider();
      const minValidityMs = Number(url.searchParams.get('minValidityMs') ?? '0') || 0;
      const expiresAt = jwtExpiresOn(token);
      if (
        minValidityMs > 0 &&
        expiresAt !== undefined &&
        expiresAt - Date.now() < minValidityMs &&
        canInvalidate(provider)
      ) {
        provider.invalidate();
        token = await provider();
      }
      registerSecret(token);
      stats.served++;
      response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      response.end(JSON.stringify({ token }));
    } catch {
      stats.failed++;
      response.writeHead(502, { 'content-type': 'application/json' });
      response.end('{"error":"the host could not get a token"}');
    }
  };
  const server = createServer((request, response) => void handle(request, response));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  server.unref();
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/token`,
    secret,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
