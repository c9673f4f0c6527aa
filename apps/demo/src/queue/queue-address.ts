import { UsageError } from '../usage.js';

/** The BullMQ queue `bots batch --queue` fills and `bots worker` takes from. */
export const QUEUE_NAME = 'bots-tasks';

/** Where the queue is: the Redis URL, checked (`redis://` or `rediss://`, with a host). */
export interface QueueAddress {
  url: string;
  /** For messages: the URL without its password. */
  shown: string;
}

/** Checks `--queue <url>`; a bad value is a usage error that shows the form. */
export function queueAddress(raw: string, command: string): QueueAddress {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(
      `--queue takes a Redis URL such as redis://127.0.0.1:6379 (or rediss://user:password@host:6380 for TLS), but got ${JSON.stringify(raw)}.`,
      command,
    );
  }
  if ((url.protocol !== 'redis:' && url.protocol !== 'rediss:') || url.hostname === '') {
    throw new UsageError(
      `--queue takes a Redis URL (redis:// or rediss://, with a host), such as redis://127.0.0.1:6379, but got ${url.protocol}//${url.host}.`,
      command,
    );
  }
  const shown = new URL(url.href);
  if (shown.password) shown.password = '***';
  return { url: url.href, shown: shown.href };
}
