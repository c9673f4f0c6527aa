import type { ModelMessage, ModelToolCall, ModelWire } from './model-script.js';

/**
 * Flattens the conversation of a request body, whatever its wire format: tool results become
 * `tool` messages (with the call id, and the tool's name when an earlier call names it), the
 * assistant's earlier tool calls its messages' `toolCalls`.
 */
export function requestMessages(wire: ModelWire, body: Record<string, unknown>): ModelMessage[] {
  const messages = conversation(wire, body);
  const names = new Map<string, string>();
  for (const message of messages) {
    for (const call of message.toolCalls ?? []) if (call.id !== '') names.set(call.id, call.name);
    if (message.toolCallId !== undefined && message.toolName === undefined) {
      const name = names.get(message.toolCallId);
      if (name !== undefined) message.toolName = name;
    }
  }
  return messages;
}

function conversation(wire: ModelWire, body: Record<string, unknown>): ModelMessage[] {
  switch (wire) {
    case 'chat-completions':
    case 'ollama-chat':
      return chatMessages(body['messages']);
    case 'responses':
      return [...systemMessage(body['instructions']), ...responsesInput(body['input'])];
    case 'messages':
      return [...systemMessage(body['system']), ...anthropicMessages(body['messages'])];
  }
}

function systemMessage(value: unknown): ModelMessage[] {
  const content = contentText(value);
  return content === '' ? [] : [{ role: 'system', content }];
}

function chatMessages(value: unknown): ModelMessage[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isRecord).map((message) => {
    const flattened: ModelMessage = {
      role: typeof message['role'] === 'string' ? message['role'] : 'user',
      content: contentText(message['content']),
    };
    if (typeof message['tool_call_id'] === 'string') flattened.toolCallId = message['tool_call_id'];
    // Ollama's native tool messages name their tool.
    if (typeof message['tool_name'] === 'string') flattened.toolName = message['tool_name'];
    const calls = Array.isArray(message['tool_calls'])
      ? message['tool_calls'].filter(isRecord).map(chatToolCall)
      : [];
    if (calls.length > 0) flattened.toolCalls = calls;
    return flattened;
  });
}

function chatToolCall(call: Record<string, unknown>): ModelToolCall {
  const id = typeof call['id'] === 'string' ? call['id'] : '';
  const custom = call['custom'];
  if (isRecord(custom)) {
    return { id, name: stringOr(custom['name']), arguments: stringOr(custom['input']) };
  }
  const fn = isRecord(call['function']) ? call['function'] : {};
  return { id, name: stringOr(fn['name']), arguments: argumentsText(fn['arguments']) };
}

function responsesInput(input: unknown): ModelMessage[] {
  if (typeof input === 'string') return [{ role: 'user', content: input }];
  if (!Array.isArray(input)) return [];
  const messages: ModelMessage[] = [];
  for (const item of input) {
    if (!isRecord(item)) continue;
    const type = item['type'];
    if (typeof item['role'] === 'string' && (type === undefined || type === 'message')) {
      messages.push({ role: item['role'], content: contentText(item['content']) });
    } else if (type === 'function_call' || type === 'custom_tool_call') {
      const call: ModelToolCall = {
        id: stringOr(item['call_id']),
        name: stringOr(item['name']),
        arguments: argumentsText(type === 'function_call' ? item['arguments'] : item['input']),
      };
      // Calls that follow the assistant's message belong to that turn.
      const last = messages.at(-1);
      if (last?.role === 'assistant') last.toolCalls = [...(last.toolCalls ?? []), call];
      else messages.push({ role: 'assistant', content: '', toolCalls: [call] });
    } else if (type === 'function_call_output' || type === 'custom_tool_call_output') {
      const result: ModelMessage = { role: 'tool', content: contentText(item['output']) };
      if (typeof item['call_id'] === 'string') result.toolCallId = item['call_id'];
      messages.push(result);
    }
  }
  return messages;
}

function anthropicMessages(value: unknown): ModelMessage[] {
  if (!Array.isArray(value)) return [];
  const messages: ModelMessage[] = [];
  for (const message of value.filter(isRecord)) {
    const role = typeof message['role'] === 'string' ? message['role'] : 'user';
    const content = message['content'];
    if (!Array.isArray(content)) {
      messages.push({ role, content: contentText(content) });
      continue;
    }
    const blocks = content.filter(isRecord);
    const results = blocks.filter((block) => block['type'] === 'tool_result');
    for (const block of results) {
      const result: ModelMessage = { role: 'tool', content: contentText(block['content']) };
      if (typeof block['tool_use_id'] === 'string') result.toolCallId = block['tool_use_id'];
      messages.push(result);
    }
    const calls = blocks
      .filter((block) => block['type'] === 'tool_use')
      .map((block) => ({
        id: stringOr(block['id']),
        name: stringOr(block['name']),
        arguments: JSON.stringify(block['input'] ?? {}),
      }));
    const text = contentText(content.filter((part) => !isRecord(part) || !isToolBlock(part)));
    if (results.length > 0 && text === '' && calls.length === 0) continue;
    messages.push({ role, content: text, ...(calls.length > 0 ? { toolCalls: calls } : {}) });
  }
  return messages;
}

function isToolBlock(block: Record<string, unknown>): boolean {
  return block['type'] === 'tool_result' || block['type'] === 'tool_use';
}

function argumentsText(value: unknown): string {
  if (typeof value === 'string') return value;
  // Ollama sends arguments as an object.
  return value === undefined ? '' : JSON.stringify(value);
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) => {
      if (typeof part === 'string') return part;
      if (!isRecord(part)) return '';
      return typeof part['text'] === 'string' ? part['text'] : '';
    })
    .filter((text) => text !== '')
    .join('\n');
}

function stringOr(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
