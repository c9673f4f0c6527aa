import type { Exchange } from './exchange.js';

/**
 * Reads an `application/x-www-form-urlencoded` request body, or `undefined` when it is larger than
 * `maxBytes` (reading stops there).
 */
export async function readForm(
  exchange: Exchange,
  maxBytes: number,
): Promise<URLSearchParams | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of exchange.request) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) return undefined;
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}
