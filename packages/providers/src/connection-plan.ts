import { assertSecretTransport, type Env } from '@bots/auth';
import { nearMissHint } from './env-setting.js';
import { MissingCredentialsError } from './errors.js';
import type { ParsedModel } from './model-string.js';
import type { PlannedEndpoint } from './provider-definition.js';
import { builtInProviders, type ProviderRegistry, providerNamed } from './provider-registry.js';
import { type SelectionRow, selectionTableOf, selectRow } from './selection-table.js';
import {
  ALLOW_PLAIN_HTTP_KEY_VARIABLES,
  orList,
  type ProviderSettings,
} from './settings-reading.js';

export { tokenScopeFor } from './token-scope.js';

/** How a model is reached: everything `resolveConnection` decides except the secrets' values. */
export interface ConnectionPlan extends PlannedEndpoint {
  /** The selection-table row that applies. */
  row: SelectionRow;
  /** `token`: bearer token from the token provider; `key`: API key; `none`: no auth. */
  auth: 'token' | 'key' | 'none';
  /** The variable the key came from (when `auth` is `key`). */
  keyFrom?: string;
}

/** Options of {@link planConnection}. */
export interface PlanConnectionOptions {
  /** A token provider is in effect (explicit, or from `AZURE_AUTH_METHOD`). */
  hasTokenProvider: boolean;
  /** The env, to name likely typos of a missing variable in the error (optional). */
  env?: Env;
  /** An API key may go over plain http off loopback (`allowPlainHttpKey`). */
  allowPlainHttpKey?: boolean;
  /** The providers to look the model's provider up in (default: the built-in ones). */
  providers?: ProviderRegistry;
}

/**
 * Decides the client for a parsed model string, its settings and whether a token provider is in
 * effect: the selection table picks the row, the provider's definition the endpoint. Pure. Throws
 * a `ConfigurationError` for everything that would fail on the first call: a missing endpoint, a
 * missing API version, no credentials (`MissingCredentialsError`), a bearer token or an API key to
 * plain http off loopback.
 */
export function planConnection(
  model: ParsedModel,
  settings: ProviderSettings,
  options: PlanConnectionOptions,
): ConnectionPlan {
  const env = options.env ?? {};
  const registry = options.providers ?? builtInProviders;
  const definition = providerNamed(model.provider, registry);
  const row = selectRow(
    {
      provider: model.provider,
      hasTokenProvider: options.hasTokenProvider,
      ...(settings.azureApi ? { api: settings.azureApi } : {}),
    },
    registry === builtInProviders ? undefined : selectionTableOf(registry),
  );
  const auth = row.tokenProvider === 'yes' ? 'token' : row.tokenProvider === 'no' ? 'key' : 'none';
  const requireKey = () => {
    if (auth !== 'key' || settings.apiKey) return;
    const names = definition.keyVariables;
    throw new MissingCredentialsError(
      definition.name,
      names,
      `${definition.missingCredentialsMessage(orList(names))}${nearMissHint(env, names)}`,
    );
  };
  const endpoint = definition.plan({
    model,
    settings,
    auth,
    requireKey,
    nearMiss: (names) => nearMissHint(env, names),
  });
  requireKey();
  const plan: ConnectionPlan = {
    row,
    auth,
    ...(auth === 'key' && settings.apiKey ? { keyFrom: settings.apiKey.from } : {}),
    ...endpoint,
  };
  if (plan.auth === 'key' && !(options.allowPlainHttpKey ?? settings.allowPlainHttpKey)) {
    assertSecretTransport(plan.baseURL, {
      label: settings.endpoint?.from ?? 'endpoint',
      secret: `the API key from ${plan.keyFrom}`,
      kind: 'keys',
      hint: `Anyone on the network path could read it. Use the https URL of the endpoint; behind a TLS-terminating proxy on a private network, pass allowPlainHttpKey: true (or set ${ALLOW_PLAIN_HTTP_KEY_VARIABLES[0]}=true).`,
    });
  }
  return plan;
}
