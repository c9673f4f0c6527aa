import type { EndpointKind } from './endpoint-kind.js';
import {
  MANAGED_IDENTITY_METHODS,
  type ManagedIdentitySource,
  managedIdentitySourceAt,
} from './managed-identity/managed-identity-source.js';
import type { ModelWire } from './model-script.js';

/** What a path of the emulator serves. */
export type Route =
  | { action: 'cli-token'; kind: 'identity'; method: 'POST' }
  | { action: 'token'; kind: 'identity'; method: 'GET' | 'POST'; source: ManagedIdentitySource }
  | { action: 'jwks' | 'openid-configuration' | 'info'; kind: 'metadata'; method: 'GET' }
  | { action: 'ollama-root' | 'ollama-tags' | 'ollama-version'; kind: 'ollama'; method: 'GET' }
  | {
      action: 'model';
      kind: Exclude<EndpointKind, 'identity' | 'metadata' | 'unknown' | 'authority'>;
      method: 'POST';
      wire: ModelWire;
      /** The deployment in the path (Azure dated API). */
      deployment?: string;
      /** Whether `api-version` is required (Azure dated API). */
      requiresApiVersion: boolean;
    };

/** The path of the managed-identity endpoint (as on App Service). */
export const IDENTITY_PATH = '/msi/token';

/** The path the `az` and `azd` stand-ins ask for their answers. */
export const CLI_TOKEN_PATH = '/cli/token';

/** The path of the public signing keys. */
export const JWKS_PATH = '/.well-known/jwks.json';

/** Finds what a path of the main listener serves. */
export function matchMainRoute(pathname: string): Route | undefined {
  const path = normalizePath(pathname);
  const source = managedIdentitySourceAt(path);
  if (source !== undefined) {
    return { action: 'token', kind: 'identity', method: MANAGED_IDENTITY_METHODS[source], source };
  }
  switch (path) {
    case CLI_TOKEN_PATH:
      return { action: 'cli-token', kind: 'identity', method: 'POST' };
    case JWKS_PATH:
      return { action: 'jwks', kind: 'metadata', method: 'GET' };
    case '/.well-known/openid-configuration':
      return { action: 'openid-configuration', kind: 'metadata', method: 'GET' };
    case '/':
      return { action: 'info', kind: 'metadata', method: 'GET' };
    case '/openai/responses':
      return model('azure-openai', 'responses', true);
    case '/openai/v1/chat/completions':
      return model('azure-openai-v1', 'chat-completions', false);
    case '/openai/v1/responses':
      return model('azure-openai-v1', 'responses', false);
    case '/anthropic/v1/messages':
      return model('anthropic-foundry', 'messages', false);
    case '/v1/messages':
      return model('anthropic', 'messages', false);
    case '/v1/chat/completions':
      return model('openai', 'chat-completions', false);
    case '/v1/responses':
      return model('openai', 'responses', false);
  }
  const deployment = /^\/openai\/deployments\/([^/]+)\/chat\/completions$/.exec(path);
  if (deployment) {
    return {
      ...model('azure-openai', 'chat-completions', true),
      deployment: decodeURIComponent(deployment[1]!),
    };
  }
  return undefined;
}

/** Finds what a path of the Ollama listener serves. */
export function matchOllamaRoute(pathname: string): Route | undefined {
  switch (normalizePath(pathname)) {
    case '/':
      return { action: 'ollama-root', kind: 'ollama', method: 'GET' };
    case '/api/tags':
      return { action: 'ollama-tags', kind: 'ollama', method: 'GET' };
    case '/api/version':
      return { action: 'ollama-version', kind: 'ollama', method: 'GET' };
    case '/api/chat':
      return model('ollama', 'ollama-chat', false);
    case '/v1/chat/completions':
      return model('ollama', 'chat-completions', false);
    default:
      return undefined;
  }
}

function model(
  kind: Extract<Route, { action: 'model' }>['kind'],
  wire: ModelWire,
  requiresApiVersion: boolean,
): Extract<Route, { action: 'model' }> {
  return { action: 'model', kind, method: 'POST', wire, requiresApiVersion };
}

function normalizePath(pathname: string): string {
  const collapsed = pathname.replace(/\/{2,}/g, '/');
  return collapsed.length > 1 ? collapsed.replace(/\/$/, '') : collapsed;
}
