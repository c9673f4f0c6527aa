import { randomBytes } from 'node:crypto';
import { mkdirSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Where `@azure/msal-node` requires the Azure Arc challenge's key file to be, on Linux. */
export const AZURE_ARC_KEY_FOLDER = '/var/opt/azcmagent/tokens/';

/** The Azure Arc shape cannot work: its key file cannot be written where msal-node looks for it. */
export class AzureArcKeyFolderError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AzureArcKeyFolderError';
  }
}

/**
 * The key of the Azure Arc challenge: a random secret in a `.key` file under
 * {@link AZURE_ARC_KEY_FOLDER}, written on first use and removed by `remove()`.
 */
export class ArcKeyFile {
  readonly #folder: string;
  #written: { path: string; key: string } | undefined;
  #createdFolder: string | undefined;

  constructor(folder: string = AZURE_ARC_KEY_FOLDER) {
    this.#folder = folder;
  }

  /** The key file's path and key, writing it first if needed; throws {@link AzureArcKeyFolderError}. */
  ensure(): { path: string; key: string } {
    if (this.#written !== undefined) return this.#written;
    if (process.platform !== 'linux') {
      throw new AzureArcKeyFolderError(
        `The azure-arc managed-identity shape works on Linux only (its key file must be under ${this.#folder}); this is ${process.platform}. Use another shape, e.g. imds.`,
      );
    }
    const key = randomBytes(32).toString('hex');
    const path = join(this.#folder, `bots-emulator-${randomBytes(8).toString('hex')}.key`);
    try {
      this.#createdFolder = mkdirSync(this.#folder, { recursive: true });
      writeFileSync(path, key, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      throw new AzureArcKeyFolderError(
        `The azure-arc managed-identity shape needs to write its challenge key under ${this.#folder} (the only folder @azure/msal-node accepts), but could not (${code}). Run as root, or create that folder writable for this user, or use another shape, e.g. imds.`,
        { cause: error },
      );
    }
    this.#written = { path, key };
    return this.#written;
  }

  /** Deletes the key file, if one was written, and the folders it created if they are empty. */
  remove(): void {
    if (this.#written === undefined) return;
    rmSync(this.#written.path, { force: true });
    this.#written = undefined;
    const created = this.#createdFolder;
    this.#createdFolder = undefined;
    if (created === undefined) return;
    for (
      let folder = this.#folder.replace(/\/$/, '');
      folder.startsWith(created);
      folder = dirname(folder)
    ) {
      try {
        rmdirSync(folder);
      } catch {
        return; // not empty: another emulator's key file is there
      }
    }
  }
}
