import { readFileSync } from 'node:fs';
import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import type { Env } from '@bots/auth';

/** Where the Docker engine is expected, from DOCKER_HOST (as the docker CLI and dockerode read it). */
export interface DockerEndpoint {
  /** What the user sees, e.g. `unix:///var/run/docker.sock`. */
  label: string;
  /** `DOCKER_HOST` when it is set, else `default`. */
  source: 'DOCKER_HOST' | 'default';
  options: RequestOptions;
  https: boolean;
}

export function dockerEndpoint(env: Env): DockerEndpoint {
  const host = env.DOCKER_HOST?.trim();
  if (!host) {
    return {
      label: 'unix:///var/run/docker.sock',
      source: 'default',
      options: { socketPath: '/var/run/docker.sock' },
      https: false,
    };
  }
  if (host.startsWith('unix://')) {
    return {
      label: host,
      source: 'DOCKER_HOST',
      options: { socketPath: host.slice(7) },
      https: false,
    };
  }
  const url = new URL(host.replace(/^tcp:/, 'http:'));
  const tls = Boolean(env.DOCKER_TLS_VERIFY) || url.port === '2376';
  const options: RequestOptions & { ca?: Buffer; cert?: Buffer; key?: Buffer } = {
    host: url.hostname,
    port: Number(url.port || (tls ? 2376 : 2375)),
  };
  if (tls && env.DOCKER_CERT_PATH) {
    try {
      options.ca = readFileSync(join(env.DOCKER_CERT_PATH, 'ca.pem'));
      options.cert = readFileSync(join(env.DOCKER_CERT_PATH, 'cert.pem'));
      options.key = readFileSync(join(env.DOCKER_CERT_PATH, 'key.pem'));
    } catch {
      // the request reports the TLS failure
    }
  }
  return { label: host, source: 'DOCKER_HOST', options, https: tls };
}

/** One request to the engine's API. Rejects on connection errors and after `timeoutMs`. */
export function dockerRequest(
  endpoint: DockerEndpoint,
  path: string,
  timeoutMs = 2_000,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const send = endpoint.https ? httpsRequest : httpRequest;
    const request = send(
      { ...endpoint.options, path, method: 'GET', timeout: timeoutMs },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          if (body.length < 1_000_000) body += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', reject);
    request.end();
  });
}

/** What a quick look at the Docker engine found. */
export interface DockerStatus {
  endpoint: DockerEndpoint;
  /** True when `/_ping` answered OK. */
  answers: boolean;
  /** Why not, e.g. `no engine at DOCKER_HOST=unix:///... (ENOENT)`. */
  reason?: string;
  /** The engine's version, when it answers. */
  version?: string;
}

/** Pings the engine (2 s). */
export async function probeDocker(env: Env, timeoutMs = 2_000): Promise<DockerStatus> {
  const endpoint = dockerEndpoint(env);
  const where =
    endpoint.source === 'DOCKER_HOST'
      ? `DOCKER_HOST=${endpoint.label}`
      : `${endpoint.label} (DOCKER_HOST unset)`;
  try {
    const ping = await dockerRequest(endpoint, '/_ping', timeoutMs);
    if (ping.status !== 200) {
      return {
        endpoint,
        answers: false,
        reason: `the engine at ${where} answered HTTP ${ping.status}`,
      };
    }
    let version: string | undefined;
    try {
      const answer = await dockerRequest(endpoint, '/version', timeoutMs);
      version = (JSON.parse(answer.body) as { Version?: string }).Version;
    } catch {
      // the version is decoration
    }
    return { endpoint, answers: true, ...(version ? { version } : {}) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const detail = code ?? (error instanceof Error ? error.message : String(error));
    return { endpoint, answers: false, reason: `no engine at ${where} (${detail})` };
  }
}

/** True when the engine has the image. */
export async function dockerHasImage(env: Env, image: string): Promise<boolean> {
  const answer = await dockerRequest(
    dockerEndpoint(env),
    `/images/${encodeURIComponent(image)}/json`,
  );
  return answer.status === 200;
}

/** Ids of the containers with a label (`key=value`), running or not. */
export async function dockerContainersWithLabel(env: Env, label: string): Promise<string[]> {
  const filters = encodeURIComponent(JSON.stringify({ label: [label] }));
  const answer = await dockerRequest(
    dockerEndpoint(env),
    `/containers/json?all=1&filters=${filters}`,
    10_000,
  );
  if (answer.status !== 200) throw new Error(`docker answered HTTP ${answer.status}`);
  return (JSON.parse(answer.body) as { Id: string }[]).map((container) => container.Id);
}
