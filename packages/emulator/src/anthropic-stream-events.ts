import type { ServerSentEvent } from './sse-writer.js';
import { textDeltas } from './text-deltas.js';

/** The parts of an Anthropic `message` body (see `anthropicMessageBody`) its events carry. */
interface AnthropicMessage {
  content: (
    | { type: 'text'; text: string }
    | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> }
  )[];
  stop_reason: string;
  stop_sequence: null;
  usage: { input_tokens: number; output_tokens: number } & Record<string, unknown>;
}

/**
 * The events that stream an Anthropic message, each named on its `event:` line: `message_start`,
 * per block `content_block_start`, its `content_block_delta`s (`text_delta` pieces, or
 * `input_json_delta` pieces of the tool input's JSON) and `content_block_stop`, a `ping` after
 * the first block starts, then `message_delta` (stop reason, usage) and `message_stop`.
 */
export function anthropicStreamEvents(message: Record<string, unknown>): ServerSentEvent[] {
  const { content, stop_reason, stop_sequence, usage } = message as unknown as AnthropicMessage;
  const events: ServerSentEvent[] = [];
  const emit = (type: string, fields: Record<string, unknown> = {}) =>
    events.push({ event: type, data: { type, ...fields } });

  emit('message_start', {
    message: {
      ...message,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { ...usage, output_tokens: Math.min(1, usage.output_tokens) },
    },
  });
  content.forEach((block, index) => {
    if (block.type === 'text') {
      emit('content_block_start', { index, content_block: { type: 'text', text: '' } });
    } else {
      emit('content_block_start', { index, content_block: { ...block, input: {} } });
    }
    if (index === 0) emit('ping');
    if (block.type === 'text') {
      for (const text of textDeltas(block.text)) {
        emit('content_block_delta', { index, delta: { type: 'text_delta', text } });
      }
    } else {
      for (const partial_json of textDeltas(JSON.stringify(block.input))) {
        emit('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json } });
      }
    }
    emit('content_block_stop', { index });
  });
  emit('message_delta', { delta: { stop_reason, stop_sequence }, usage });
  emit('message_stop');
  return events;
}
