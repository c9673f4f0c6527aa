import {
  assertBearerTransport,
  canInvalidate,
  parseClaimsChallenge,
  redact,
  type TokenProvider,
} from '@bots/auth';
import type { ModelConnection, ResolvedConnection } from '@bots/providers';
import { providerShape, UnsupportedCopilotProviderError } from './copilot-provider.js';
import type { CopilotProviderConfig } from './copilot-provider-config.js';

/**
 * The origin the contained Copilot CLI is told its model lives at. It names no host (`.invalid`
 * never resolves, RFC 2606) and the CLI never connects to it: every model request comes back to
 * this process over the CLI's own stdio (the SDK's request handler), and the relay decides.
 */
export const RELAY_ORIGIN = 'http://copilot-relay.invalid';

/** The bearer token the contained CLI holds: not a secret, accepted by no endpoint. */
export const PLACEHOLDER_TOKEN = 'contained-copilot-cli-holds-no-token';

/** The largest request body the relay forwards (a long conversation fits many times over). */
export const MAX_RELAYED_BODY_BYTES = 32 * 1024 ** 2;

/** A request the relay refused, as plain data (no header, no body). */
export interface RefusedModelRequest {
  method: string;
  /** The path the CLI asked for (query left out). */
  path: string;
  reason: string;
}

/** What the relay did, for the run's result and the tests. */
export interface ModelRelayStats {
  /** Requests forwarded to the model endpoint (retries not counted). */
  forwarded: number;
  /** Retries after a 401, each with a fresh token. */
  retriedAfter401: number;
  refused: RefusedModelRequest[];
}

/** The provider configuration the contained CLI gets: the relay's origin and the placeholder. */
export type ContainedProviderConfig = CopilotProviderConfig & { bearerToken: string };

/**
 * The BYOK provider of the contained CLI for a resolved connection: `copilotProvider`'s shape of
 * it (`providerShape`: the same API type, path, wire API and version as the real endpoint), with
 * the relay's origin in place of the endpoint's and the placeholder in place of a credential.
 * Pure. Throws `UnsupportedCopilotProviderError` for a provider the relay does not serve.
 */
export function containedProviderConfig(connection: ModelConnection): ContainedProviderConfig {
  const shape = providerShape(connection);
  if (shape.type === 'anthropic') {
    throw new UnsupportedCopilotProviderError(
      `CopilotBot relays OpenAI-shaped model APIs (azure-openai, openai, ollama-local), not ${connection.provider}. Use one of those model strings.`,
    );
  }
  const real = new URL(shape.baseUrl);
  // The dated API's base is the host alone (the SDK adds /openai/deployments/...).
  const path = shape.type === 'azure' ? '' : real.pathname;
  return { ...shape, baseUrl: `${RELAY_ORIGIN}${path}`, bearerToken: PLACEHOLDER_TOKEN };
}

/**
 * Where a request of the contained CLI goes, or why it goes nowhere. Only `POST` to the model
 * routes of this one connection, under the path its provider shape has: `<path>/chat/completions`
 * and `<path>/responses` (for the dated Azure API: `/openai/deployments/<deployment>/chat/completions`
 * and `/openai/responses`), with no query but the connection's own `api-version`. Pure.
 */
export function relayTarget(
  method: string,
  url: string,
  connection: ModelConnection,
): { target: URL } | { refused: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { refused: 'not a URL' };
  }
  if (parsed.origin !== RELAY_ORIGIN) return { refused: `only ${RELAY_ORIGIN} is relayed` };
  if (method.toUpperCase() !== 'POST') return { refused: 'only POST is relayed' };
  const shape = providerShape(connection);
  const real = new URL(shape.baseUrl);
  const base = real.pathname.replace(/\/+$/, '');
  const routes =
    shape.type === 'azure'
      ? [
          `${base}/openai/deployments/${encodeURIComponent(connection.model)}/chat/completions`,
          `${base}/openai/responses`,
        ]
      : shape.type === 'openai'
        ? [`${base}/chat/completions`, `${base}/responses`]
        : [];
  if (!routes.includes(parsed.pathname)) return { refused: 'not a model route' };
  for (const [name, value] of parsed.searchParams) {
    if (name !== 'api-version' || value !== connection.apiVersion) {
      return { refused: 'a query other than the api-version of the connection' };
    }
  }
  const target = new URL(real.origin);
  target.pathname = parsed.pathname;
  target.search = parsed.search;
  return { target };
}

/** Request headers that never cross the relay (credentials, hop-by-hop, cookies). */
const DROPPED_HEADERS = new Set([
  'authorization',
  'api-key',
  'x-api-key',
  'cookie',
  'host',
  'connection',
  'content-length',
  'keep-alive',
  'proxy-authorization',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
]);

/** Options of {@link relayModelRequest}. */
export interface ModelRelayOptions {
  /** The resolved connection: where the model is, and its token provider or key. */
  resolved: ResolvedConnection;
  stats: ModelRelayStats;
  /** Told of every refused request. */
  onRefused?: (refused: RefusedModelRequest) => void;
}

function refusal(status: number, message: string): Response {
  return new Response(JSON.stringify({ error: { code: 'relay_refused', message } }), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

async function readBody(request: Request): Promise<ArrayBuffer | undefined> {
  const body = await request.arrayBuffer();
  return body.byteLength > MAX_RELAYED_BODY_BYTES ? undefined : body;
}

/**
 * Relays one model request of the contained CLI: refuses anything but the connection's model
 * routes (403, recorded), else sends it to the real endpoint with this process's credential in
 * place of the placeholder (a fresh token from the `@bots/auth` cache, or the key), and after a
 * 401 invalidates the cache (with the claims of a CAE challenge) and tries once more. The
 * response goes back as it came (streamed).
 */
export async function relayModelRequest(
  request: Request,
  signal: AbortSignal,
  options: ModelRelayOptions,
): Promise<Response> {
  const { connection } = options.resolved;
  const decision = relayTarget(request.method, request.url, connection);
  if ('refused' in decision) {
    let path = '?';
    try {
      path = new URL(request.url).pathname;
    } catch {}
    const refused = { method: request.method, path: redact(path), reason: decision.refused };
    options.stats.refused.push(refused);
    options.onRefused?.(refused);
    return refusal(403, `The Copilot relay forwards model requests only (${decision.refused}).`);
  }
  const body = await readBody(request);
  if (body === undefined) return refusal(413, 'The model request is too large.');
  const headers = new Headers();
  for (const [name, value] of request.headers) {
    if (!DROPPED_HEADERS.has(name.toLowerCase())) headers.set(name, value);
  }
  const tokenProvider: TokenProvider | undefined = options.resolved.tokenProvider;
  const send = async (): Promise<Response> => {
    const outgoing = new Headers(headers);
    if (connection.auth === 'token' && tokenProvider) {
      assertBearerTransport(decision.target, `${connection.provider} endpoint`);
      outgoing.set('authorization', `Bearer ${await tokenProvider()}`);
    } else if (connection.auth === 'key') {
      const key = options.resolved.apiKey() ?? '';
      if (connection.api === 'deployments') outgoing.set('api-key', key);
      else outgoing.set('authorization', `Bearer ${key}`);
    }
    return fetch(decision.target, { method: 'POST', headers: outgoing, body, signal });
  };
  options.stats.forwarded += 1;
  const first = await send();
  if (first.status !== 401 || connection.auth !== 'token' || !tokenProvider) return first;
  if (!canInvalidate(tokenProvider)) return first;
  const claims = parseClaimsChallenge(first.headers.get('www-authenticate'));
  await first.body?.cancel().catch(() => undefined);
  tokenProvider.invalidate(claims === undefined ? {} : { claims });
  options.stats.retriedAfter401 += 1;
  return send();
}
