import { MissingDependencyError } from './errors.js';

/** The part of `@azure/identity` this package uses. */
export type IdentityModule = typeof import('@azure/identity');

/** Imports a module by name; injectable for tests. */
export type ModuleImporter = () => Promise<unknown>;

const defaultImporter: ModuleImporter = () => import('@azure/identity');

let cached: Promise<IdentityModule> | undefined;

/**
 * Loads `@azure/identity` on first use (it is an optional peer dependency, never loaded by
 * importing `@bots/auth`). When it is not installed, rejects with a `MissingDependencyError`
 * that names the install command.
 */
export function loadIdentity(importer: ModuleImporter = defaultImporter): Promise<IdentityModule> {
  if (importer !== defaultImporter) return importIdentity(importer);
  cached ??= importIdentity(importer).catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}

async function importIdentity(importer: ModuleImporter): Promise<IdentityModule> {
  try {
    return (await importer()) as IdentityModule;
  } catch (error) {
    if (isModuleNotFound(error)) {
      throw new MissingDependencyError(
        '@azure/identity',
        'Entra ID authentication (AZURE_AUTH_METHOD)',
        {
          cause: error,
        },
      );
    }
    throw error;
  }
}

function isModuleNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
    String((error as Error).message).includes('@azure/identity')
  );
}
