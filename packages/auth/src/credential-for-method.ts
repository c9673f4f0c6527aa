import { type CredentialMethod, type Env, resolveAuthMethods } from './auth-method.js';
import { namedChain } from './chain-failure.js';
import { credentialPlan } from './credential-plan.js';
import { ConfigurationError } from './errors.js';
import { loadIdentity, type ModuleImporter } from './load-identity.js';
import { redact } from './redact.js';
import type { TokenCredential } from './token-provider.js';

/**
 * Builds the `@azure/identity` credential for an auth method (loading `@azure/identity` now), with
 * the options {@link credentialPlan} decides: the user-assigned managed identity
 * (`AZURE_CLIENT_ID`, `AZURE_AUTH_IDENTITY_RESOURCE_ID`, `AZURE_AUTH_IDENTITY_OBJECT_ID`) and
 * `AZURE_AUTH_DISABLE_INSTANCE_DISCOVERY`. The credentials also read their own variables
 * (`IDENTITY_ENDPOINT`, `AZURE_TENANT_ID`, ...) from `process.env`, as `@azure/identity` always
 * does. Bad input is a `ConfigurationError` before `@azure/identity` is loaded.
 */
export async function credentialForMethod(
  method: CredentialMethod,
  env: Env,
  importer?: ModuleImporter,
): Promise<TokenCredential> {
  return credentialForMethods([method], env, importer);
}

/**
 * The credential of a list of methods: the method's own for one, a `ChainedTokenCredential` of
 * theirs in that order for several (it moves to the next credential only when one is unavailable,
 * and throws an `AggregateAuthenticationError` with each one's reason when all are). Every
 * step's options are checked before `@azure/identity` is loaded.
 */
export async function credentialForMethods(
  methods: readonly CredentialMethod[],
  env: Env,
  importer?: ModuleImporter,
): Promise<TokenCredential> {
  if (methods.length === 0) {
    throw new ConfigurationError(
      'No credential method given: AZURE_AUTH_METHOD names none (it is unset or api_key). Set it to a method such as managed_identity, or a chain such as managed_identity,azure_developer_cli.',
    );
  }
  const plans = methods.map((method, index) =>
    credentialPlan(method, env, { followedByAnother: index < methods.length - 1 }),
  );
  const identity = await loadIdentity(importer);
  const credentials = plans.map(({ method, className, options }) => {
    const Credential = identity[className] as unknown as new (options?: object) => TokenCredential;
    try {
      return Object.keys(options).length === 0 ? new Credential() : new Credential(options);
    } catch (error) {
      // Its own checks of the environment: AZURE_TOKEN_CREDENTIALS, a user-assigned id where the
      // hosting shape (Cloud Shell, Service Fabric) refuses one.
      throw new ConfigurationError(
        `${className} (AZURE_AUTH_METHOD ${method}) could not be created: ${redact(error instanceof Error ? error.message : String(error))}`,
        { cause: error },
      );
    }
  });
  if (credentials.length === 1) return credentials[0] as TokenCredential;
  const chain = new identity.ChainedTokenCredential(
    ...(credentials as ConstructorParameters<typeof identity.ChainedTokenCredential>),
  );
  return namedChain(chain, plans);
}

/**
 * The credential `AZURE_AUTH_METHOD` names in `env` (one method or a chain), or `undefined`
 * when it names none (unset or `api_key`).
 */
export async function credentialFromEnv(
  env: Env,
  importer?: ModuleImporter,
): Promise<TokenCredential | undefined> {
  const methods = resolveAuthMethods(env);
  return methods.length === 0 ? undefined : credentialForMethods(methods, env, importer);
}
