import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import { redactForModel } from '@bots/auth';
import { jsonLine } from '../json-output.js';

/** What a results file already holds. */
export interface RecordedResults {
  /** The ids with a complete result line. */
  ids: Set<string>;
  /** Bytes of an unfinished last line removed (a run killed mid-write), 0 when none. */
  repairedBytes: number;
}

/**
 * Reads the ids already recorded in `path` (none when it does not exist). A last line without
 * its newline (the process was killed while writing it) is cut off, so that the file stays one
 * JSON object per line and that task runs again.
 */
export function readRecordedResults(path: string): RecordedResults {
  const ids = new Set<string>();
  if (!existsSync(path)) return { ids, repairedBytes: 0 };
  const text = readFileSync(path, 'utf8');
  const end = text.lastIndexOf('\n') + 1;
  let repairedBytes = 0;
  if (end < text.length) {
    repairedBytes = Buffer.byteLength(text.slice(end));
    truncateSync(path, Buffer.byteLength(text.slice(0, end)));
  }
  for (const line of text.slice(0, end).split('\n')) {
    if (line.trim() === '') continue;
    try {
      const id = (JSON.parse(line) as { id?: unknown }).id;
      if (typeof id === 'string') ids.add(id);
    } catch {
      // Not one of ours: left as it is, and its task (if any) runs again.
    }
  }
  return { ids, repairedBytes };
}

/** Appends one result line per task: each line written whole, with one `write`, then synced. */
export class ResultsWriter {
  readonly #fd: number;

  constructor(readonly path: string) {
    this.#fd = openSync(path, 'a');
  }

  /** Records a task's result: `{"id", "bot", ...result}` on one line; secrets masked. */
  record(id: string, bot: string, result: object): void {
    const line = redactForModel(jsonLine({ id, bot, ...result }));
    writeSync(this.#fd, line);
    fsyncSync(this.#fd);
  }

  close(): void {
    closeSync(this.#fd);
  }
}
