import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import type { CliTool } from './cli-outcome.js';
import { type StandInTarget, standInScript } from './stand-in-script.js';

/** Where the CLI stand-ins were written, and the `PATH` that puts them first. */
export interface CliStandIns {
  /** The absolute folder holding the executables `az` and `azd`. */
  folder: string;
  /** `{ PATH: '<folder>:<PATH>' }`: spread it into a child's environment. */
  env: { PATH: string };
}

const TOOLS: readonly CliTool[] = ['az', 'azd'];

/** Writes the stand-ins and removes what it wrote when the emulator closes (internal). */
export class CliStandInWriter {
  readonly #target: () => StandInTarget;
  #temporaryFolder: string | undefined;
  readonly #written = new Map<string, string>();
  #closed = false;

  constructor(target: () => StandInTarget) {
    this.#target = target;
  }

  /**
   * Writes `az` and `azd` (mode 0755) into `folder` (created when missing), or by default into a
   * temporary folder of the emulator's, which `close()` removes.
   */
  write(folder?: string): CliStandIns {
    if (this.#closed) {
      throw new Error(
        'writeCliStandIns(): this emulator is closed, so stand-ins would have nobody to ask. Call it on a running emulator.',
      );
    }
    let target: string;
    if (folder === undefined) {
      this.#temporaryFolder ??= mkdtempSync(join(tmpdir(), 'bots-emulator-cli-'));
      target = this.#temporaryFolder;
    } else {
      if (typeof folder !== 'string' || folder.trim() === '') {
        throw new TypeError(
          'writeCliStandIns(folder) takes a folder path, or nothing for a temporary one.',
        );
      }
      target = isAbsolute(folder) ? folder : resolve(folder);
      mkdirSync(target, { recursive: true });
    }
    for (const tool of TOOLS) {
      const file = join(target, tool);
      const text = standInScript(tool, this.#target());
      writeFileSync(file, text, { mode: 0o755 });
      chmodSync(file, 0o755);
      this.#written.set(file, text);
    }
    const path = process.env['PATH'];
    return { folder: target, env: { PATH: path ? `${target}${delimiter}${path}` : target } };
  }

  /** Removes the temporary folder, and the stand-ins written elsewhere if they are still ours. */
  close(): void {
    this.#closed = true;
    for (const [file, text] of this.#written) {
      if (this.#temporaryFolder !== undefined && file.startsWith(this.#temporaryFolder)) continue;
      if (readIfPresent(file) === text) rmSync(file, { force: true });
    }
    this.#written.clear();
    if (this.#temporaryFolder !== undefined) {
      rmSync(this.#temporaryFolder, { recursive: true, force: true });
      this.#temporaryFolder = undefined;
    }
  }
}

function readIfPresent(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
