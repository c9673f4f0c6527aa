import { ConfigurationError } from '@bots/auth';

/** The part of `bullmq` the CLI uses. */
export type BullMq = typeof import('bullmq');

/** `bullmq`, loaded only when `--queue` is used (it brings a Redis client). */
export async function loadBullMq(): Promise<BullMq> {
  try {
    return await import('bullmq');
  } catch (error) {
    throw new ConfigurationError(
      `--queue needs the bullmq package, which could not be loaded (${error instanceof Error ? error.message : String(error)}). Install it beside the CLI: npm install bullmq ioredis.`,
      { cause: error },
    );
  }
}
