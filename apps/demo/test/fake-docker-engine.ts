import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A request the fake engine received. */
export interface EngineRequest {
  method: string;
  path: string;
  /** The query string's parameters (a build's `networkmode`, `forcerm`). */
  query: URLSearchParams;
}

/** A Docker engine on a unix socket that answers like a real one, and fails every image build. */
export interface FakeDockerEngine {
  /** `unix:///tmp/.../docker.sock`, for DOCKER_HOST. */
  host: string;
  requests: EngineRequest[];
  close(): Promise<void>;
}

/**
 * Starts an engine that answers `_ping` and `version`, has no image (404), and answers a build
 * with the classic builder's JSON stream: the steps, then `lines` of apt output in colour, then
 * the error a failed `RUN` gives. What a Docker host without a network for its builds shows.
 */
export async function startFakeDockerEngine(
  options: { lines?: number } = {},
): Promise<FakeDockerEngine> {
  const directory = mkdtempSync(join(tmpdir(), 'bots-fake-docker-'));
  const socketPath = join(directory, 'docker.sock');
  const requests: EngineRequest[] = [];
  const json = (response: ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = new URL((request.url ?? '/').replace(/^\/v\d+\.\d+/, ''), 'http://engine');
    const path = url.pathname;
    requests.push({ method: request.method ?? 'GET', path, query: url.searchParams });
    request.resume();
    if (path === '/_ping') {
      response.writeHead(200, { 'content-type': 'text/plain', 'api-version': '1.43' });
      response.end('OK');
    } else if (path === '/version') {
      json(response, 200, { Version: '99.0.0-fake', ApiVersion: '1.43' });
    } else if (path === '/networks') {
      // An engine started with --bridge=none (as in CI): its builds need the host's network.
      json(response, 200, [{ Name: 'host', Id: 'host0', Driver: 'host' }]);
    } else if (/^\/images\/.+\/json$/.test(path)) {
      json(response, 404, { message: 'No such image' });
    } else if (path === '/build' && request.method === 'POST') {
      response.writeHead(200, { 'content-type': 'application/json' });
      const events: unknown[] = [
        { stream: 'Step 1/5 : FROM debian:bookworm-slim\n' },
        { stream: ' ---> 1234567890ab\n' },
        { stream: 'Step 2/5 : RUN apt-get update && apt-get install -y bash\n' },
        { stream: ' ---> Running in 0123456789ab\n' },
      ];
      for (let line = 1; line <= (options.lines ?? 200); line++) {
        events.push({
          stream: `\u001b[33mErr:${line} http://deb.debian.org/debian bookworm InRelease\u001b[0m\r\n  Temporary failure resolving 'deb.debian.org'\n`,
        });
      }
      events.push({
        stream:
          '\u001b[1;31mE: \u001b[0mFailed to fetch http://deb.debian.org/debian/dists/bookworm/InRelease\n',
      });
      const failure =
        "The command '/bin/sh -c apt-get update && apt-get install -y bash' returned a non-zero code: 100";
      events.push({ errorDetail: { code: 100, message: failure }, error: failure });
      response.end(events.map((event) => `${JSON.stringify(event)}\r\n`).join(''));
    } else {
      json(response, 404, { message: `page not found: ${path}` });
    }
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return {
    host: `unix://${socketPath}`,
    requests,
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
