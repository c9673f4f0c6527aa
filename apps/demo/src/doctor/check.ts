import { redact } from '@bots/auth';
import type { ModelConnection } from '@bots/providers';

/** `ok`: fine; `warn`: worth knowing; `missing`: something needed is not there (exit 1); `error`: configuration error (exit 2). */
export type Status = 'ok' | 'warn' | 'missing' | 'error';

/** One check of `bots doctor`: its name, its verdict and the lines that explain it. */
export interface Check {
  name: string;
  status: Status;
  lines: string[];
  /** The model check: how the model is reached, as `resolveConnection` decided it (no secret). */
  connection?: ModelConnection;
}

/** The first line of an error's message, redacted, for a check's line. */
export function errorLine(error: unknown): string {
  return redact(error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}
