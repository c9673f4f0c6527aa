import {
  ConfigurationError,
  registerSecret,
  type TokenProvider,
  tokenProviderFromEnv,
  toTokenProvider,
} from '@bots/auth';
import { modelStringFromEnv } from '@bots/providers';
import { type BrowserTaskOptions, type Env, pick } from './browser-task-options.js';

/** The model credential of a run: a token provider, or a key. */
export interface Credentials {
  auth: 'token' | 'key';
  tokenProvider?: TokenProvider;
  key?: string;
}

/** The explicit token provider, else the one `AZURE_AUTH_METHOD` opts into, else a key. */
export async function resolveCredentials(
  options: BrowserTaskOptions,
  env: Env,
): Promise<Credentials> {
  if (options.tokenProvider !== undefined) {
    const raw = options.tokenProvider;
    const normalized = toTokenProvider(raw);
    // Keep invalidate() of a cached provider (used after a 401 reported by the container).
    const provider = (
      typeof (raw as { invalidate?: unknown }).invalidate === 'function' ? raw : normalized
    ) as TokenProvider;
    return { auth: 'token', tokenProvider: provider };
  }
  const fromEnv = await tokenProviderFromEnv({ env, provider: 'azure-openai' });
  if (fromEnv) return { auth: 'token', tokenProvider: fromEnv };
  const key = pick(env, 'OPEN_AI_KEY', 'AZURE_OPENAI_API_KEY');
  if (key) {
    registerSecret(key);
    return { auth: 'key', key };
  }
  throw new ConfigurationError(
    'The browser agent has no credential for Azure OpenAI: pass a tokenProvider or set AZURE_AUTH_METHOD=azure_ad (keyless, Entra ID), or set OPEN_AI_KEY / AZURE_OPENAI_API_KEY.',
  );
}

/** The model string of the options, else `azure-openai/<deployment of the env>`. */
export function resolveModelString(options: BrowserTaskOptions, env: Env): string {
  if (typeof options.model === 'string') return options.model;
  return modelStringFromEnv('azure-openai', env);
}
