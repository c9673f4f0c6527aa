import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { applyFault } from './apply-fault.js';
import { handleCliRequest } from './cli/cli-endpoint.js';
import type { EmulatorState } from './emulator-state.js';
import { errorBody } from './error-bodies.js';
import { Exchange } from './exchange.js';
import { handleManagedIdentityRequest } from './managed-identity/managed-identity-endpoint.js';
import { handleModelRequest } from './model-endpoint.js';
import { ollamaTagsBody } from './reply-bodies.js';
import { matchMainRoute, matchOllamaRoute } from './routes.js';

/** Which of the emulator's two listeners a handler serves. */
export type Listener = 'main' | 'ollama';

/** The HTTP handler of one listener (internal). */
export function createRequestHandler(state: EmulatorState, listener: Listener): RequestListener {
  return (request, response) => {
    dispatch(request, response, state, listener).catch((error: unknown) => {
      if (response.headersSent || response.destroyed) return;
      const message = error instanceof Error ? error.message : String(error);
      response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify(errorBody('azure', 500, `Emulator failure: ${message}`)));
    });
  };
}

async function dispatch(
  request: IncomingMessage,
  response: ServerResponse,
  state: EmulatorState,
  listener: Listener,
): Promise<void> {
  const pathname = new URL(request.url ?? '/', 'http://emulator.invalid').pathname;
  const route = listener === 'main' ? matchMainRoute(pathname) : matchOllamaRoute(pathname);
  const exchange = new Exchange(request, response, state, route?.kind ?? 'unknown');
  if (route === undefined) {
    if (listener === 'ollama') return exchange.send(404, '404 page not found', {}, 'text/plain');
    return exchange.send(404, errorBody('azure', 404, 'Resource not found'));
  }
  if (request.method !== route.method) {
    const message = `Method ${request.method} is not allowed here; use ${route.method}.`;
    return exchange.send(405, errorBody(listener === 'ollama' ? 'ollama' : 'azure', 405, message), {
      allow: route.method,
    });
  }
  switch (route.action) {
    case 'token':
      return handleManagedIdentityRequest(exchange, route.source, state);
    case 'cli-token':
      return handleCliRequest(exchange, state);
    case 'model':
      return handleModelRequest(exchange, route, state);
    case 'jwks':
      return exchange.send(200, { keys: [state.signingKey.publicJwk] });
    case 'openid-configuration':
      return exchange.send(200, {
        issuer: state.issuer.issuer,
        jwks_uri: state.urls.jwks,
        id_token_signing_alg_values_supported: ['RS256'],
      });
    case 'info':
      return exchange.send(200, { name: '@bots/emulator', urls: state.urls });
    case 'ollama-root':
      return exchange.send(200, 'Ollama is running', {}, 'text/plain');
    case 'ollama-version':
      return exchange.send(200, { version: '0.0.0-emulator' });
    case 'ollama-tags': {
      const fault = state.faults.take('ollama');
      if (fault !== undefined && (await applyFault(exchange, fault, 'ollama', ''))) return;
      return exchange.send(200, ollamaTagsBody(state.ollamaModels));
    }
  }
}
