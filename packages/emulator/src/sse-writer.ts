import { once } from 'node:events';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Exchange } from './exchange.js';

/** One server-sent event: an optional `event:` name and its data (JSON unless a string). */
export interface ServerSentEvent {
  event?: string;
  data: unknown;
}

/** Formats one event as it goes on the wire: `event:` line, `data:` line(s), a blank line. */
export function formatServerSentEvent(event: ServerSentEvent): string {
  const data = typeof event.data === 'string' ? event.data : JSON.stringify(event.data);
  const lines = event.event === undefined ? [] : [`event: ${event.event}`];
  for (const line of data.split('\n')) lines.push(`data: ${line}`);
  return `${lines.join('\n')}\n\n`;
}

/**
 * Answers with a `text/event-stream` of the events, one write per event with a turn of the event
 * loop in between (so that clients see them arrive apart), and stops when the client goes away.
 */
export async function sendServerSentEvents(
  exchange: Exchange,
  events: readonly ServerSentEvent[],
): Promise<void> {
  if (!exchange.openStream('text/event-stream; charset=utf-8')) return;
  const { response } = exchange;
  for (const event of events) {
    if (exchange.gone) return;
    if (!response.write(formatServerSentEvent(event))) {
      await Promise.race([once(response, 'drain'), once(response, 'close')]);
    }
    await nextTurn();
  }
  if (!exchange.gone) response.end();
}
