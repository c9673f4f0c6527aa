import { type Env, registerSecret } from '@bots/auth';
import { environmentVariables } from '@bots/providers';

/** Variables of `@azure/identity` (and of the browser container) whose values are secrets. */
const CREDENTIAL_SECRETS = [
  'AZURE_CLIENT_SECRET',
  'IDENTITY_HEADER',
  'MSI_SECRET',
  'AZURE_OPENAI_AD_TOKEN',
];

/**
 * Registers the secret values of the environment (the providers' keys, the credentials' secrets)
 * for redaction before anything is parsed, so that no message can echo one, even a key pasted
 * as the value of a flag.
 */
export function registerEnvironmentSecrets(env: Env): void {
  for (const variable of environmentVariables) {
    if (variable.secret) registerSecret(env[variable.name]?.trim());
  }
  for (const name of CREDENTIAL_SECRETS) registerSecret(env[name]?.trim());
}
