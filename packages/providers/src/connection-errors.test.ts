// A request that cannot connect names the cause and host:port (instead of "Connection error.
// (fetch failed)"), over real sockets on loopback; the DNS failure for real, in a network
// namespace of its own with only loopback, so that no lookup leaves the machine.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { useEmulator } from '@bots/emulator/testing';
import { describe, expect, it } from 'vitest';
import { createChatModel } from './create-chat-model.js';
import { ModelRequestError } from './errors.js';
import type { RetryInfo } from './retry-policy.js';

const KEY = 'connection-key-SECRET-8888';
const hello = { messages: [{ role: 'user' as const, content: 'ping' }] };
const emulator = useEmulator({ script: () => 'pong' });

/** A port that was just bound and closed: nothing listens there. */
async function closedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function failure(model: string, env: Record<string, string>, options = {}) {
  const chat = await createChatModel(model, { env, ...options });
  const error = await chat.complete(hello).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(ModelRequestError);
  const text = `${String(error)} ${JSON.stringify(error)} ${(error as Error).stack}`;
  expect(text).not.toContain(KEY);
  expect(text).not.toMatch(/Connection error|fetch failed/);
  return error as ModelRequestError;
}

describe('connection failures name the cause and host:port', () => {
  it('a refused port: nothing listens on host:port (ECONNREFUSED), after the retries', async () => {
    const port = await closedPort();
    const retries: RetryInfo[] = [];
    const error = await failure(
      'azure-openai/gpt-4o',
      {
        OPEN_AI_END_POINT: `http://127.0.0.1:${port}`,
        OPEN_AI_API_VERSION: '2024-10-21',
        OPEN_AI_KEY: KEY,
      },
      { maxRetryDelayMs: 10, onRetry: (retry: RetryInfo) => retries.push(retry) },
    );
    expect(error.code).toBe('ECONNREFUSED');
    expect(error.message).toBe(
      `azure-openai/gpt-4o: could not reach 127.0.0.1:${port} after 2 retries: nothing listens on 127.0.0.1:${port} (ECONNREFUSED). Check the port in the endpoint and that the service is running.`,
    );
    expect(retries.map((retry) => retry.code)).toEqual(['ECONNREFUSED', 'ECONNREFUSED']);
  });

  it('Ollama not running: the refused port and the Ollama hint', async () => {
    const port = await closedPort();
    const error = await failure(
      'ollama-local/llama3.2',
      { LOCAL_MODEL_PORT: String(port) },
      {
        maxRetries: 0,
      },
    );
    expect(error.message).toBe(
      `ollama-local/llama3.2: could not reach localhost:${port}: nothing listens on localhost:${port} (ECONNREFUSED). Check the port in the endpoint and that the service is running. Is Ollama running (ollama serve)? Its port is LOCAL_MODEL_PORT (default 11434).`,
    );
  });

  it('https to a plain http port: the endpoint does not speak TLS; not retried', async () => {
    const retries: RetryInfo[] = [];
    const port = new URL(emulator.urls.base).port;
    const error = await failure(
      'openai/gpt-4.1',
      { OPENAI_ENDPOINT: `https://127.0.0.1:${port}/v1`, OPENAI_API_KEY: KEY },
      { onRetry: (retry: RetryInfo) => retries.push(retry) },
    );
    expect(error.message).toMatch(
      new RegExp(
        `^openai/gpt-4\\.1: could not reach 127\\.0\\.0\\.1:${port}: 127\\.0\\.0\\.1:${port} does not speak TLS \\(ERR_SSL_WRONG_VERSION_NUMBER\\)\\. Use http:// for a plain http endpoint`,
      ),
    );
    expect(retries).toEqual([]);
    expect(emulator.requests.all()).toEqual([]);
  });

  const openssl = spawnSync('openssl', ['version']).status === 0;
  it.skipIf(!openssl && process.env.CI !== 'true')(
    `a certificate this process does not trust: names the TLS code and NODE_EXTRA_CA_CERTS${openssl ? '' : ' (skipped: no openssl to make a certificate)'}`,
    async () => {
      const folder = mkdtempSync(join(tmpdir(), 'providers-tls-'));
      try {
        execFileSync(
          'openssl',
          [
            'req',
            '-x509',
            '-newkey',
            'rsa:2048',
            '-nodes',
            '-days',
            '1',
            '-subj',
            '/CN=127.0.0.1',
            '-keyout',
            join(folder, 'key.pem'),
            '-out',
            join(folder, 'cert.pem'),
          ],
          { stdio: 'ignore' },
        );
        const server = createServer(
          {
            key: readFileSync(join(folder, 'key.pem')),
            cert: readFileSync(join(folder, 'cert.pem')),
          },
          (_request, response) => response.end('{}'),
        );
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        const { port } = server.address() as { port: number };
        try {
          const error = await failure('anthropic/claude', {
            ANTHROPIC_END_POINT: `https://127.0.0.1:${port}`,
            ANTHROPIC_API_KEY: KEY,
          });
          expect(error.code).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY|CERT/);
          expect(error.message).toContain(
            `could not reach 127.0.0.1:${port}: the TLS certificate of 127.0.0.1:${port} was not accepted (${error.code}). If it is signed by your own CA, point NODE_EXTRA_CA_CERTS at the CA's PEM file`,
          );
        } finally {
          server.closeAllConnections();
          await new Promise((resolve) => server.close(resolve));
        }
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    },
  );

  const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
  const unshare = spawnSync('unshare', ['-rn', 'true']).status === 0;
  it.skipIf(!unshare && process.env.CI !== 'true')(
    `a host name that does not resolve, in a network namespace with only loopback: EAI_AGAIN and the host:port${unshare ? '' : ' (skipped: unshare -rn is not permitted here)'}`,
    () => {
      if (!existsSync(dist)) {
        throw new Error(
          `${dist} is missing: build first (pnpm turbo run build --filter @bots/providers).`,
        );
      }
      const folder = mkdtempSync(join(tmpdir(), 'providers-dns-'));
      try {
        const script = join(folder, 'child.mjs');
        writeFileSync(
          script,
          `import { connect } from 'node:net';
import { createChatModel } from ${JSON.stringify(pathToFileURL(dist).href)};
const probe = (host, port) => new Promise((resolve) => {
  const socket = connect({ host, port });
  const timer = setTimeout(() => { socket.destroy(); resolve('timeout'); }, 3000);
  socket.once('connect', () => { clearTimeout(timer); socket.destroy(); resolve('connected'); });
  socket.once('error', (error) => { clearTimeout(timer); resolve(error.code); });
});
const model = await createChatModel('azure-openai/gpt-4o', {
  env: { OPEN_AI_END_POINT: 'https://my-resource.openai.azure.com', OPEN_AI_API_VERSION: '2024-10-21', OPEN_AI_KEY: ${JSON.stringify(KEY)} },
  maxRetries: 0,
});
const error = await model.complete({ messages: [{ role: 'user', content: 'ping' }] }).catch((caught) => caught);
const resolv = (await import('node:fs')).readFileSync('/etc/resolv.conf', 'utf8').match(/^nameserver\\s+(\\S+)/m)?.[1];
process.stdout.write(JSON.stringify({
  name: error?.name, message: error?.message, code: error?.code,
  resolver: resolv ? await probe(resolv, 53) : 'none',
  outside: await probe('192.0.2.1', 443),
}));
`,
        );
        const child = spawnSync('unshare', ['-rn', process.execPath, script], {
          encoding: 'utf8',
          timeout: 60_000,
          env: { PATH: process.env.PATH ?? '' },
        });
        expect(child.status, child.stderr).toBe(0);
        const result = JSON.parse(child.stdout) as Record<string, string>;
        // Nothing but loopback is reachable in the namespace: not this machine's resolver, not
        // any outside address.
        expect(result.resolver).toMatch(/^(ENETUNREACH|EHOSTUNREACH|none)$/);
        expect(result.outside).toMatch(/^(ENETUNREACH|EHOSTUNREACH)$/);
        expect(result).toMatchObject({ name: 'ModelRequestError', code: 'EAI_AGAIN' });
        expect(result.message).toBe(
          'azure-openai/gpt-4o: could not reach my-resource.openai.azure.com:443: the host name my-resource.openai.azure.com could not be resolved (EAI_AGAIN: no DNS server answered). Check the network and DNS of this machine, and the spelling of the endpoint.',
        );
        expect(child.stdout + child.stderr).not.toContain(KEY);
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    },
  );
});
