import type { ModelMessage, ModelWire } from './model-script.js';

/** Flattens the conversation of a request body, whatever its wire format. */
export function requestMessages(wire: ModelWire, body: Record<string, unknown>): ModelMessage[] {
  switch (wire) {
    case 'chat-completions':
    case 'ollama-chat':
      return listMessages(body['messages']);
    case 'responses':
      return [...systemMessage(body['instructions']), ...responsesInput(body['input'])];
    case 'messages':
      return [...systemMessage(body['system']), ...listMessages(body['messages'])];
  }
}

function systemMessage(value: unknown): ModelMessage[] {
  const content = contentText(value);
  return content === '' ? [] : [{ role: 'system', content }];
}

function responsesInput(input: unknown): ModelMessage[] {
  if (typeof input === 'string') return [{ role: 'user', content: input }];
  if (!Array.isArray(input)) return [];
  const messages: ModelMessage[] = [];
  for (const item of input) {
    if (!isRecord(item)) continue;
    if (typeof item['role'] === 'string') {
      messages.push({ role: item['role'], content: contentText(item['content']) });
    } else if (item['type'] === 'function_call_output') {
      messages.push({ role: 'tool', content: contentText(item['output']) });
    }
  }
  return messages;
}

function listMessages(value: unknown): ModelMessage[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isRecord).map((message) => ({
    role: typeof message['role'] === 'string' ? message['role'] : 'user',
    content: contentText(message['content']),
  }));
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) => {
      if (typeof part === 'string') return part;
      if (!isRecord(part)) return '';
      if (typeof part['text'] === 'string') return part['text'];
      if (part['type'] === 'tool_result') return contentText(part['content']);
      return '';
    })
    .filter((text) => text !== '')
    .join('\n');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
