import type { ServerSentEvent } from './sse-writer.js';
import { textDeltas } from './text-deltas.js';

/** The output items a `response` body (see `responseBody`) holds. */
type OutputItem =
  | {
      type: 'message';
      id: string;
      status: string;
      role: 'assistant';
      content: { type: 'output_text'; text: string; annotations: unknown[]; logprobs: unknown[] }[];
    }
  | {
      type: 'function_call';
      id: string;
      status: string;
      arguments: string;
      call_id: string;
      name: string;
    };

/**
 * The events that stream a response of the responses API, each with its `sequence_number`:
 * `response.created`, `response.in_progress`, then per output item `response.output_item.added`,
 * its content (`response.content_part.added`, `response.output_text.delta`…, `.done` events; or
 * `response.function_call_arguments.delta`…, `.done`), `response.output_item.done`, and last
 * `response.completed` (or `response.incomplete`) with the whole response.
 */
export function responseStreamEvents(response: Record<string, unknown>): ServerSentEvent[] {
  const events: ServerSentEvent[] = [];
  const emit = (type: string, fields: Record<string, unknown>) =>
    events.push({ event: type, data: { type, sequence_number: events.length, ...fields } });

  const started = {
    ...response,
    status: 'in_progress',
    incomplete_details: null,
    output: [],
    usage: null,
  };
  emit('response.created', { response: started });
  emit('response.in_progress', { response: started });
  (response['output'] as OutputItem[]).forEach((item, output_index) => {
    const at = { item_id: item.id, output_index };
    if (item.type === 'message') {
      emit('response.output_item.added', {
        output_index,
        item: { ...item, status: 'in_progress', content: [] },
      });
      item.content.forEach((part, content_index) => {
        emit('response.content_part.added', { ...at, content_index, part: { ...part, text: '' } });
        for (const delta of textDeltas(part.text)) {
          emit('response.output_text.delta', { ...at, content_index, delta, logprobs: [] });
        }
        emit('response.output_text.done', { ...at, content_index, text: part.text, logprobs: [] });
        emit('response.content_part.done', { ...at, content_index, part });
      });
    } else {
      emit('response.output_item.added', {
        output_index,
        item: { ...item, status: 'in_progress', arguments: '' },
      });
      for (const delta of textDeltas(item.arguments)) {
        emit('response.function_call_arguments.delta', { ...at, delta });
      }
      emit('response.function_call_arguments.done', {
        ...at,
        arguments: item.arguments,
        name: item.name,
      });
    }
    emit('response.output_item.done', { output_index, item });
  });
  emit(response['status'] === 'incomplete' ? 'response.incomplete' : 'response.completed', {
    response,
  });
  return events;
}
