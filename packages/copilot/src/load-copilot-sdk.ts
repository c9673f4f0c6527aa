import { MissingDependencyError } from '@bots/auth';

/** The `@github/copilot-sdk` module, as `import('@github/copilot-sdk')` gives it. */
export type CopilotSdkModule = typeof import('@github/copilot-sdk');

/** Imports the SDK; injectable for tests. */
export type CopilotSdkImporter = () => Promise<unknown>;

const COPILOT_SDK = '@github/copilot-sdk';

const defaultImporter: CopilotSdkImporter = () => import('@github/copilot-sdk');

let cached: Promise<CopilotSdkModule> | undefined;

/**
 * Loads `@github/copilot-sdk` on first use: it is an optional peer dependency, never loaded by
 * importing `@bots/copilot`. When it is not installed, rejects with a `MissingDependencyError`
 * (a `ConfigurationError`) that names the install command. A failed load is not cached, so a
 * later call tries again.
 */
export function loadCopilotSdk(
  importer: CopilotSdkImporter = defaultImporter,
): Promise<CopilotSdkModule> {
  if (importer !== defaultImporter) return importCopilotSdk(importer);
  cached ??= importCopilotSdk(importer).catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}

async function importCopilotSdk(importer: CopilotSdkImporter): Promise<CopilotSdkModule> {
  try {
    return (await importer()) as CopilotSdkModule;
  } catch (error) {
    if (isModuleNotFound(error)) {
      throw new MissingDependencyError(COPILOT_SDK, 'The GitHub Copilot SDK integration', {
        cause: error,
      });
    }
    throw error;
  }
}

function isModuleNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
    String((error as Error).message).includes(COPILOT_SDK)
  );
}
